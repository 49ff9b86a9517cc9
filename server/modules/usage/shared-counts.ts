import { shared, type Redis } from '../../lib/redis.js';

/*
 * A cluster's live monthly counts, in Redis, exact across processes: the check against a
 * limit and the increment are one script, so two processes can never both take the last unit.
 * The database stays the record (daily rows, learner sightings); Redis holds the running
 * month's totals that limits are checked against. A key that is missing (a new month, a
 * flushed Redis) is seeded from the database before it is used; until then a script answers
 * NEEDS_SEED and the caller seeds and asks again.
 */

const NEEDS_SEED = -1;
/** Counts outlive their month by a few days, for late flushes and the dashboard's last look. */
const TTL_SECONDS = 40 * 24 * 60 * 60;

/** KEYS[1] total. ARGV n, limit (-1: none). → {admitted 0/1, total} or {-1}. */
const ADD = `
local total = redis.call('GET', KEYS[1])
if not total then return {${NEEDS_SEED}, 0} end
total = tonumber(total)
local n = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
if limit >= 0 and total + n > limit then return {0, total} end
return {1, redis.call('INCRBY', KEYS[1], n)}
`;

/** KEYS[1] learner set, KEYS[2] seeded marker. ARGV subject, limit. → {admitted, new, total}. */
const SEE = `
if redis.call('EXISTS', KEYS[2]) == 0 then return {${NEEDS_SEED}, 0, 0} end
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then
  return {1, 0, redis.call('SCARD', KEYS[1])}
end
local count = redis.call('SCARD', KEYS[1])
local limit = tonumber(ARGV[2])
if limit >= 0 and count >= limit then return {0, 0, count} end
redis.call('SADD', KEYS[1], ARGV[1])
return {1, 1, count + 1}
`;

interface CountCommands {
  lxUsageAdd(key: string, n: number, limit: number): Promise<[number, number]>;
  lxUsageSee(
    set: string,
    seeded: string,
    subject: string,
    limit: number,
  ): Promise<[number, number, number]>;
}

export interface Added {
  admitted: boolean;
  /** The month's total after this call (unchanged when refused). */
  total: number;
}

export interface Seen extends Added {
  /** Whether this call counted the learner for the first time this month. */
  counted: boolean;
}

/**
 * Monthly totals and active-learner sets shared by every process through Redis. `seed`
 * callbacks read the database's record for a key Redis does not hold yet.
 */
export class SharedCounts {
  readonly #redis: Redis & CountCommands;

  constructor(redis: Redis) {
    if (!('lxUsageAdd' in redis)) {
      redis.defineCommand('lxUsageAdd', { numberOfKeys: 1, lua: ADD });
      redis.defineCommand('lxUsageSee', { numberOfKeys: 2, lua: SEE });
    }
    this.#redis = redis as Redis & CountCommands;
  }

  /** Adds `n` unless the total would pass `limit` (null: no limit). */
  async add(
    key: { licenseId: string; month: string; metric: string },
    n: number,
    limit: number | null,
    seed: () => Promise<number>,
  ): Promise<Added> {
    const total = `usage:${key.licenseId}:${key.month}:${key.metric}`;
    for (let attempt = 0; attempt < 3; attempt++) {
      const [admitted, value] = await shared(() => this.#redis.lxUsageAdd(total, n, limit ?? -1));
      if (admitted !== NEEDS_SEED) return { admitted: admitted === 1, total: value };
      const recorded = await seed();
      // Whoever seeds first wins; a later seed finds the key and changes nothing.
      await shared(() => this.#redis.set(total, recorded, 'EX', TTL_SECONDS, 'NX'));
    }
    throw new Error(`usage count ${total} could not be seeded`);
  }

  /** Gives back `n` taken by {@link add} for work that did not happen. */
  async release(key: { licenseId: string; month: string; metric: string }, n: number) {
    await shared(() => this.#redis.decrby(`usage:${key.licenseId}:${key.month}:${key.metric}`, n));
  }

  /** The month's total, or null when Redis does not hold it (not seeded yet). */
  async total(key: { licenseId: string; month: string; metric: string }): Promise<number | null> {
    const value = await shared(() =>
      this.#redis.get(`usage:${key.licenseId}:${key.month}:${key.metric}`),
    );
    return value === null ? null : Number(value);
  }

  /**
   * Counts `subject` as active this month: admitted when already counted, or when one more
   * learner stays within `limit` (null: no limit).
   */
  async see(
    key: { licenseId: string; month: string },
    subject: string,
    limit: number | null,
    seed: () => Promise<string[]>,
  ): Promise<Seen> {
    const set = `learners:${key.licenseId}:${key.month}`;
    const seeded = `${set}:seeded`;
    for (let attempt = 0; attempt < 3; attempt++) {
      const [admitted, counted, total] = await shared(() =>
        this.#redis.lxUsageSee(set, seeded, subject, limit ?? -1),
      );
      if (admitted !== NEEDS_SEED)
        return { admitted: admitted === 1, counted: counted === 1, total };
      const subjects = await seed();
      await shared(async () => {
        const batch = this.#redis.multi();
        if (subjects.length) batch.sadd(set, ...subjects);
        batch.expire(set, TTL_SECONDS).set(seeded, '1', 'EX', TTL_SECONDS);
        await batch.exec();
      });
    }
    throw new Error(`learner set ${set} could not be seeded`);
  }
}
