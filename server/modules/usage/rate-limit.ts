import type { Context, MiddlewareHandler, Next } from 'hono';
import { MemoryStore, rateLimiter, type Store } from 'hono-rate-limiter';
import { ApiError } from '../../errors.js';
import { createClientAddress } from '../../middleware/client-address.js';
import type { LicensedEnv } from '../../types.js';
import { effectivePolicy } from '../licenses/plans.js';

export const RATE_WINDOW_MS = 60_000;

/**
 * Request rate per key and client, per minute, with the plan's allowance (or the license's
 * override). Built on hono-rate-limiter, whose `Store` interface is the seam for a shared
 * store (its RedisStore) when several server processes run. Answers carry `RateLimit-Policy`
 * and `RateLimit` (IETF draft 7); refusals are `rate_limited` with `Retry-After`.
 */
export class RateLimits {
  readonly store: Store<LicensedEnv>;
  readonly #middleware: MiddlewareHandler<LicensedEnv>;
  readonly clientAddress: ReturnType<typeof createClientAddress>;

  constructor(options: { trustedProxies: readonly string[]; store?: Store<LicensedEnv> }) {
    this.store = options.store ?? new MemoryStore<LicensedEnv>();
    this.clientAddress = createClientAddress(options.trustedProxies);
    this.#middleware = rateLimiter<LicensedEnv>({
      windowMs: RATE_WINDOW_MS,
      limit: (c) => effectivePolicy(c.get('license')).rateLimitPerMinute,
      standardHeaders: 'draft-7',
      keyGenerator: (c) => `${c.get('license').id}:${c.get('credential')}:${this.clientAddress(c)}`,
      store: this.store,
      handler: (c) => {
        const info = c.get('rateLimit');
        const retryAfter = info?.resetTime
          ? Math.max(1, Math.ceil((info.resetTime.getTime() - Date.now()) / 1000))
          : RATE_WINDOW_MS / 1000;
        throw new ApiError(
          'rate_limited',
          `At most ${info?.limit ?? 'a few'} requests per minute from one client with this key; retry in ${retryAfter} s.`,
          {
            extensions: { limit: info?.limit, retryAfter },
            headers: { 'Retry-After': String(retryAfter) },
          },
        );
      },
    });
  }

  /** Counts the request against the license on the context, then runs `next`. */
  check<E extends LicensedEnv>(c: Context<E>, next: Next): Promise<Response | void> {
    // The limiter reads only the license, the credential and the client address.
    return this.#middleware(c as unknown as Context<LicensedEnv>, next);
  }

  close(): void {
    void this.store.shutdown?.();
  }
}
