import type { ClientRateLimitInfo, Store } from 'hono-rate-limiter';
import { shared, type Redis } from '../../lib/redis.js';
import type { Clock } from '../../services.js';
import type { LicensedEnv } from '../../types.js';
import { RATE_WINDOW_MS } from '../licenses/plans.js';

/*
 * One window per key, exactly as ClockedMemoryStore keeps it, in one Redis hash: `s` the
 * window's start (the services' clock, in ms), `n` the hits in it. The check and the increment
 * are one script, so every process of a cluster counts into the same window without a race.
 */
const HIT = `
local start = tonumber(redis.call('HGET', KEYS[1], 's') or '-1')
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
if start < 0 or start + window <= now then
  redis.call('HSET', KEYS[1], 's', now, 'n', 1)
  redis.call('PEXPIRE', KEYS[1], window * 2)
  return {now, 1}
end
return {start, redis.call('HINCRBY', KEYS[1], 'n', 1)}
`;

const UNDO = `
local n = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
if n > 0 then redis.call('HINCRBY', KEYS[1], 'n', -1) end
return 0
`;

interface WindowCommands {
  lxWindowHit(key: string, now: number, windowMs: number): Promise<[number, number]>;
  lxWindowUndo(key: string): Promise<number>;
}

/**
 * The rate limiter's store for a cluster: the same fixed windows as the in-process store, on
 * the services' clock, shared by every process through Redis. A Redis that does not answer
 * throws `SharedStateUnavailableError`; RateLimits decides what the request gets then.
 */
export class ClockedRedisStore implements Store<LicensedEnv> {
  readonly #redis: Redis & WindowCommands;
  readonly #clock: Clock;
  #windowMs = RATE_WINDOW_MS;

  constructor(redis: Redis, clock: Clock) {
    if (!('lxWindowHit' in redis)) {
      redis.defineCommand('lxWindowHit', { numberOfKeys: 1, lua: HIT });
      redis.defineCommand('lxWindowUndo', { numberOfKeys: 1, lua: UNDO });
    }
    this.#redis = redis as Redis & WindowCommands;
    this.#clock = clock;
  }

  init(options: { windowMs: number }): void {
    this.#windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const [start, hits] = await shared(() => this.#redis.hmget(`rl:${key}`, 's', 'n'));
    if (start === null || hits === null) return undefined;
    return { totalHits: Number(hits), resetTime: new Date(Number(start) + this.#windowMs) };
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const now = this.#clock.now().getTime();
    const [start, hits] = await shared(() =>
      this.#redis.lxWindowHit(`rl:${key}`, now, this.#windowMs),
    );
    return { totalHits: Number(hits), resetTime: new Date(Number(start) + this.#windowMs) };
  }

  async decrement(key: string): Promise<void> {
    await shared(() => this.#redis.lxWindowUndo(`rl:${key}`));
  }

  async resetKey(key: string): Promise<void> {
    await shared(() => this.#redis.del(`rl:${key}`));
  }
}
