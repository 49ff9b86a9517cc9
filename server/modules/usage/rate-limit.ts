import type { Context, MiddlewareHandler, Next } from 'hono';
import { rateLimiter, type ClientRateLimitInfo, type Store } from 'hono-rate-limiter';
import { ApiError } from '../../errors.js';
import { SharedStateUnavailableError } from '../../lib/redis.js';
import { createClientAddress } from '../../middleware/client-address.js';
import type { Clock } from '../../services.js';
import type { LicensedEnv } from '../../types.js';
import { effectivePolicy, RATE_WINDOW_MS } from '../licenses/plans.js';

/**
 * A fixed window per key in this process's memory, on the services' clock. It stands in for
 * the library's MemoryStore, which reads the wall clock, so that windows, the `RateLimit`
 * header and `Retry-After` all tell the same time, a test's clock included.
 */
export class ClockedMemoryStore implements Store<LicensedEnv> {
  readonly localKeys = true;
  readonly #clock: Clock;
  readonly #clients = new Map<string, ClientRateLimitInfo>();
  #windowMs = RATE_WINDOW_MS;
  #sweepAt = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  init(options: { windowMs: number }): void {
    this.#windowMs = options.windowMs;
  }

  get(key: string): ClientRateLimitInfo | undefined {
    return this.#clients.get(key);
  }

  increment(key: string): ClientRateLimitInfo {
    const now = this.#clock.now().getTime();
    this.#sweep(now);
    let client = this.#clients.get(key);
    if (!client?.resetTime || client.resetTime.getTime() <= now) {
      client = { totalHits: 0, resetTime: new Date(now + this.#windowMs) };
      this.#clients.set(key, client);
    }
    client.totalHits += 1;
    return { ...client };
  }

  decrement(key: string): void {
    const client = this.#clients.get(key);
    if (client && client.totalHits > 0) client.totalHits -= 1;
  }

  resetKey(key: string): void {
    this.#clients.delete(key);
  }

  resetAll(): void {
    this.#clients.clear();
  }

  shutdown(): void {
    this.#clients.clear();
  }

  /** Forgets windows that are over, at most once per window, so memory stays bounded. */
  #sweep(now: number): void {
    if (now < this.#sweepAt) return;
    this.#sweepAt = now + this.#windowMs;
    for (const [key, client] of this.#clients) {
      if (!client.resetTime || client.resetTime.getTime() <= now) this.#clients.delete(key);
    }
  }
}

/**
 * Which allowance a request's rate is counted against: `key`, the license's per-minute rate
 * per key and client; `originless`, the small per-address allowance of publishable-key
 * requests that came without an Origin header (scripts, not the license's pages).
 */
export type RateBucket = 'key' | 'originless';

/**
 * Request rate per key and client, per minute, with the plan's allowance (or the license's
 * override), and per client address for publishable-key requests without an Origin
 * (`ORIGINLESS_REQUESTS_PER_MINUTE`, whatever the key). Built on hono-rate-limiter; with
 * `REDIS_URL` its store is ClockedRedisStore, so a cluster's processes share every window. Answers carry `RateLimit-Policy` and `RateLimit` (IETF draft 7); refusals
 * are `rate_limited` with `Retry-After`.
 */
export class RateLimits {
  readonly store: Store<LicensedEnv>;
  readonly #limiters: Record<RateBucket, MiddlewareHandler<LicensedEnv>>;
  readonly #clock: Clock;
  readonly #onUnavailable: ((error: Error, bucket: RateBucket) => void) | undefined;
  readonly clientAddress: ReturnType<typeof createClientAddress>;

  constructor(options: {
    trustedProxies: readonly string[];
    /** Publishable-key requests without an Origin, per client address per minute. */
    originlessPerMinute: number;
    clock: Clock;
    store?: Store<LicensedEnv>;
    /** Told when a read went through uncounted because the shared store did not answer. */
    onUnavailable?: (error: Error, bucket: RateBucket) => void;
  }) {
    this.#clock = options.clock;
    this.#onUnavailable = options.onUnavailable;
    this.store = options.store ?? new ClockedMemoryStore(options.clock);
    this.clientAddress = createClientAddress(options.trustedProxies);
    this.#limiters = {
      key: this.#limiter(
        (c) => effectivePolicy(c.get('license')).rateLimitPerMinute,
        (c) => `${c.get('license').id}:${c.get('credential')}:${this.clientAddress(c)}`,
        (limit) => `At most ${limit} requests per minute from one client with this key`,
      ),
      // Per address whatever the key: a script cycling through keys copied from many pages
      // gets no more than one that sticks to one.
      originless: this.#limiter(
        () => options.originlessPerMinute,
        (c) => `originless:${this.clientAddress(c)}`,
        (limit) =>
          `At most ${limit} requests per minute from one address with a publishable key and no ` +
          'allowed Origin (send them from an allowed origin, or use the secret key from a server)',
      ),
    };
  }

  #limiter(
    limit: (c: Context<LicensedEnv>) => number,
    key: (c: Context<LicensedEnv>) => string,
    explain: (limit: number | string) => string,
  ): MiddlewareHandler<LicensedEnv> {
    return rateLimiter<LicensedEnv>({
      windowMs: RATE_WINDOW_MS,
      limit,
      // Written below from the services' clock; the library's own read the wall clock.
      standardHeaders: false,
      keyGenerator: key,
      store: this.store,
      handler: (c) => {
        const retryAfter = this.#setHeaders(c);
        const info = c.get('rateLimit');
        throw new ApiError(
          'rate_limited',
          `${explain(info?.limit ?? 'a few')}; retry in ${retryAfter} s.`,
          {
            extensions: { limit: info?.limit, retryAfter },
            headers: { 'Retry-After': String(retryAfter) },
          },
        );
      },
    });
  }

  /** Counts the request against the license on the context (in `bucket`), then runs `next`. */
  async check<E extends LicensedEnv>(
    c: Context<E>,
    next: Next,
    bucket: RateBucket = 'key',
  ): Promise<Response | void> {
    // The limiter reads only the license, the credential and the client address.
    const context = c as unknown as Context<LicensedEnv, string>;
    let counted = false;
    try {
      return await this.#limiters[bucket](context, async () => {
        counted = true;
        this.#setHeaders(context);
        await next();
      });
    } catch (error) {
      if (counted || !(error instanceof SharedStateUnavailableError)) throw error;
      // The shared counter (Redis) did not answer. Reads go on uncounted, with a warning in
      // the log; anything that writes (and may move money or tokens) is refused with a 503.
      if (c.req.method === 'GET' || c.req.method === 'HEAD') {
        this.#onUnavailable?.(error, bucket);
        await next();
        return;
      }
      throw new ApiError('service_unavailable', 'Rate limits cannot be checked right now.', {
        headers: { 'Retry-After': String(error.retryAfterSeconds) },
      });
    }
  }

  /** `RateLimit-Policy` and `RateLimit` (draft 7); returns the seconds until the window resets. */
  #setHeaders(c: Context<LicensedEnv>): number {
    const info = c.get('rateLimit');
    const windowSeconds = RATE_WINDOW_MS / 1000;
    const reset = info?.resetTime
      ? Math.max(0, Math.ceil((info.resetTime.getTime() - this.#clock.now().getTime()) / 1000))
      : windowSeconds;
    if (info && !c.finalized) {
      c.header('RateLimit-Policy', `${info.limit};w=${windowSeconds}`);
      c.header('RateLimit', `limit=${info.limit}, remaining=${info.remaining}, reset=${reset}`);
    }
    return Math.max(1, reset);
  }

  close(): void {
    void this.store.shutdown?.();
  }
}
