import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { ApiError } from '../errors.js';
import type { Clock } from '../services.js';
import type { AppEnv } from '../types.js';

export const AUTH_FAILURE_WINDOW_MS = 60_000;

/** Tracked addresses at most; the oldest windows are dropped first beyond this. */
const MAX_TRACKED = 50_000;

/**
 * Failed authentications per client address in fixed one-minute windows. Guessing keys,
 * learner tokens, the operator token or Stripe signatures costs the guesser a lockout, not
 * the server its work.
 */
export class AuthFailures {
  readonly #limit: number;
  readonly #clock: Clock;
  readonly #windows = new Map<string, { count: number; resetAt: number }>();

  constructor(options: { limitPerMinute: number; clock: Clock }) {
    this.#limit = options.limitPerMinute;
    this.#clock = options.clock;
  }

  /** Seconds until `address` may try again, or 0 when it is not locked out. */
  retryAfter(address: string): number {
    if (this.#limit <= 0) return 0;
    const window = this.#windows.get(address);
    const now = this.#clock.now().getTime();
    if (!window || window.resetAt <= now) return 0;
    return window.count >= this.#limit ? Math.max(1, Math.ceil((window.resetAt - now) / 1000)) : 0;
  }

  record(address: string): void {
    if (this.#limit <= 0) return;
    const now = this.#clock.now().getTime();
    const window = this.#windows.get(address);
    if (window && window.resetAt > now) {
      window.count++;
      return;
    }
    this.#windows.delete(address);
    if (this.#windows.size >= MAX_TRACKED) {
      // Maps iterate in insertion order: the first key is the oldest window.
      const oldest = this.#windows.keys().next().value;
      if (oldest !== undefined) this.#windows.delete(oldest);
    }
    this.#windows.set(address, { count: 1, resetAt: now + AUTH_FAILURE_WINDOW_MS });
  }
}

/** A refused credential: any 401, and a Stripe webhook whose signature does not verify. */
function failedAuthentication(c: Context<AppEnv>): boolean {
  const status = c.res.status;
  return status === 401 || (status === 400 && c.req.path === '/v1/webhooks/stripe');
}

/**
 * Locks a client address out with 429 `rate_limited` and `Retry-After` once it has failed
 * authentication `AUTH_FAILURE_LIMIT` times in a minute. Counted per address, before any key
 * is looked up, so a flood of wrong keys costs one map lookup each.
 */
export const guardAuthFailures = createMiddleware<AppEnv>(async (c, next) => {
  const services = c.get('services');
  const address = services.rateLimits.clientAddress(c);
  const wait = services.authFailures.retryAfter(address);
  if (wait > 0) {
    throw new ApiError(
      'rate_limited',
      `Too many failed authentications from this address; retry in ${wait} s.`,
      { extensions: { retryAfter: wait }, headers: { 'Retry-After': String(wait) } },
    );
  }
  await next();
  if (failedAuthentication(c)) services.authFailures.record(address);
});
