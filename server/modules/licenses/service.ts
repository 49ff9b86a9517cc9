import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { ApiError, type ErrorCode } from '../../errors.js';
import type { Clock } from '../../services.js';
import { parseKey } from './keys.js';
import { compileOrigins, type OriginMatcher } from './origins.js';
import { licenses, type License } from './schema.js';

/** Why a publishable key was accepted or refused. Always one of these, never a bare boolean. */
export type ValidationCode =
  | 'valid'
  | 'license_missing'
  | 'license_malformed'
  | 'license_unknown'
  | 'license_revoked'
  | 'license_suspended'
  | 'license_expired'
  | 'origin_not_allowed';

export type Validation =
  | { code: 'valid'; license: License }
  | { code: Exclude<ValidationCode, 'valid'>; license?: License; detail: string };

interface CacheEntry {
  license: License | null;
  origins: OriginMatcher | null;
  loadedAt: number;
}

const MAX_CACHED_KEYS = 10_000;

/**
 * Reads licenses by publishable key. Every widget request asks, so lookups are cached in
 * memory (bounded, with a TTL) and dropped explicitly whenever a license changes.
 */
export class LicenseService {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #byKey = new Map<string, CacheEntry>();

  constructor(db: Db, clock: Clock, ttlMs: number) {
    this.#db = db;
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  /** Validates a publishable key for a request from `origin` (undefined outside browsers). */
  validatePublishable(key: string | undefined, origin: string | undefined): Validation {
    if (!key) {
      return { code: 'license_missing', detail: 'Send the publishable key in the Liberation-Key header.' };
    }
    const parsed = parseKey(key);
    if (!parsed.ok || parsed.kind !== 'pk') {
      return {
        code: 'license_malformed',
        detail:
          parsed.ok || parsed.reason === 'format'
            ? 'A publishable key looks like pk_test_… or pk_live_… followed by 30 letters and digits.'
            : 'The key fails its checksum: it was probably mistyped or truncated.',
      };
    }
    const entry = this.#lookup(key);
    const license = entry.license;
    if (!license) return { code: 'license_unknown', detail: 'No license has this publishable key.' };
    if (license.status === 'revoked') {
      return { code: 'license_revoked', license, detail: 'This license has been revoked.' };
    }
    if (license.status === 'suspended') {
      return { code: 'license_suspended', license, detail: 'This license is suspended.' };
    }
    if (license.expiresAt && license.expiresAt.getTime() <= this.#clock.now().getTime()) {
      return {
        code: 'license_expired',
        license,
        detail: `This license expired on ${license.expiresAt.toISOString()}.`,
      };
    }
    if (origin !== undefined && !entry.origins?.matches(origin)) {
      return {
        code: 'origin_not_allowed',
        license,
        detail: `The origin ${JSON.stringify(origin)} is not among this license's allowed origins.`,
      };
    }
    return { code: 'valid', license };
  }

  /** Like {@link validatePublishable}, but throws the matching {@link ApiError}. */
  requirePublishable(key: string | undefined, origin: string | undefined): License {
    const result = this.validatePublishable(key, origin);
    if (result.code === 'valid') return result.license;
    throw new ApiError(result.code satisfies ErrorCode, result.detail);
  }

  getById(id: string): License | undefined {
    return this.#db.select().from(licenses).where(eq(licenses.id, id)).get();
  }

  /** Forgets cached lookups for a license; call after any change to it. */
  invalidate(licenseId: string): void {
    for (const [key, entry] of this.#byKey) {
      if (entry.license?.id === licenseId) this.#byKey.delete(key);
    }
  }

  invalidateAll(): void {
    this.#byKey.clear();
  }

  #lookup(key: string): CacheEntry {
    const now = this.#clock.now().getTime();
    const cached = this.#byKey.get(key);
    if (cached && now - cached.loadedAt < this.#ttlMs) return cached;
    const license =
      this.#db.select().from(licenses).where(eq(licenses.publishableKey, key)).get() ?? null;
    const entry: CacheEntry = {
      license,
      origins: license ? compileOrigins(license.allowedOrigins) : null,
      loadedAt: now,
    };
    if (this.#byKey.size >= MAX_CACHED_KEYS) {
      // Maps iterate in insertion order: dropping the first entry evicts the oldest.
      const oldest = this.#byKey.keys().next().value;
      if (oldest !== undefined) this.#byKey.delete(oldest);
    }
    this.#byKey.set(key, entry);
    return entry;
  }
}
