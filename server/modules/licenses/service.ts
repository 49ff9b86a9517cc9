import { ALL, type Bus } from '../../lib/bus.js';
import { timingSafeEqual } from 'node:crypto';
import { and, desc, eq, gt, isNull, or } from 'drizzle-orm';
import { first, type Store } from '../../db/store.js';
import { ApiError, type ErrorCode } from '../../errors.js';
import type { Clock } from '../../services.js';
import { parseKey } from './keys.js';
import { compileOrigins, type OriginMatcher } from './origins.js';
import {
  licenses,
  licenseSecretKeys,
  licenseSigningSecrets,
  type License,
  type LicenseSecretKey,
} from './schema.js';
import { SecretBox, sha256Hex } from './secrets.js';

/** Why a key was accepted or refused. Always one of these, never a bare boolean. */
export type ValidationCode =
  | 'valid'
  | 'license_missing'
  | 'license_malformed'
  | 'license_unknown'
  | 'key_expired'
  | 'license_revoked'
  | 'license_suspended'
  | 'license_expired'
  | 'origin_not_allowed';

export type Validation =
  | { code: 'valid'; license: License }
  | { code: Exclude<ValidationCode, 'valid'>; license?: License; detail: string };

export type SecretValidation =
  | { code: 'valid'; license: License; key: LicenseSecretKey }
  | { code: Exclude<ValidationCode, 'valid'>; license?: License; detail: string };

/** A decrypted signing secret, newest first; `expiresAt` is set while it is being rotated out. */
export interface SigningKey {
  id: string;
  key: Uint8Array;
  expiresAt: number | null;
}

interface CacheEntry {
  license: License | null;
  origins: OriginMatcher | null;
  loadedAt: number;
}

interface Timed<T> {
  value: T;
  loadedAt: number;
}

const MAX_CACHED_KEYS = 10_000;

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (map.size >= MAX_CACHED_KEYS) {
    // Maps iterate in insertion order: dropping the first entry evicts the oldest.
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
  map.set(key, value);
}

/** The cached value, if it is younger than the TTL. */
function fresh<K, V extends { loadedAt: number }>(
  map: Map<K, V>,
  key: K,
  now: number,
  ttlMs: number,
): V | undefined {
  const cached = map.get(key);
  return cached && now - cached.loadedAt < ttlMs ? cached : undefined;
}

/**
 * Reads licenses by key. Every widget and server request asks, so lookups are cached in
 * memory (bounded, with a TTL) and dropped explicitly whenever a license changes. Changes
 * made by another process (the operator CLI) are picked up when the TTL runs out. A cache
 * hit answers without touching the store: the only cost is the caller's `await`.
 */
export class LicenseService {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #secrets: SecretBox;
  readonly #byKey = new Map<string, CacheEntry>();
  readonly #byId = new Map<string, Timed<License | null>>();
  readonly #secretByHash = new Map<string, Timed<LicenseSecretKey>>();
  readonly #signingKeys = new Map<string, Timed<SigningKey[]>>();
  readonly #listeners: ((licenseId: string | null) => void)[] = [];
  #bus: { bus: Bus; onError: (error: unknown) => void } | undefined;
  /**
   * Counts invalidations. A load that read the store before an invalidation and finishes
   * after it answers its caller but is not cached, so a change is never masked for a TTL.
   */
  #generation = 0;

  constructor(
    store: Store,
    clock: Clock,
    ttlMs: number,
    secrets: SecretBox = SecretBox.ephemeral(),
  ) {
    this.#store = store;
    this.#clock = clock;
    this.#ttlMs = ttlMs;
    this.#secrets = secrets;
  }

  get secrets(): SecretBox {
    return this.#secrets;
  }

  /** Validates a publishable key for a request from `origin` (undefined outside browsers). */
  async validatePublishable(
    key: string | undefined,
    origin: string | undefined,
  ): Promise<Validation> {
    if (!key) {
      return {
        code: 'license_missing',
        detail: 'Send the publishable key in the Liberation-Key header.',
      };
    }
    const parsed = parseKey(key);
    if (!parsed.ok || parsed.kind !== 'pk') {
      return {
        code: 'license_malformed',
        detail:
          parsed.ok && parsed.kind === 'sk'
            ? 'This is a secret key. Secret keys belong on servers; widgets use the publishable key (pk_…).'
            : parsed.ok || parsed.reason === 'format'
              ? 'A publishable key looks like pk_test_… or pk_live_… followed by 30 letters and digits.'
              : 'The key fails its checksum: it was probably mistyped or truncated.',
      };
    }
    const entry = this.#cachedByKey(key) ?? (await this.#loadByKey(key));
    const license = entry.license;
    if (!license)
      return { code: 'license_unknown', detail: 'No license has this publishable key.' };
    const refusal = this.statusRefusal(license);
    if (refusal) return refusal;
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
  async requirePublishable(key: string | undefined, origin: string | undefined): Promise<License> {
    const result = await this.validatePublishable(key, origin);
    if (result.code === 'valid') return result.license;
    throw new ApiError(result.code satisfies ErrorCode, result.detail);
  }

  /** Whether `origin` is among the license's allowed origins. */
  async allowsOrigin(license: License, origin: string): Promise<boolean> {
    const key = license.publishableKey;
    const entry = this.#cachedByKey(key) ?? (await this.#loadByKey(key));
    return entry.origins?.matches(origin) ?? false;
  }

  /**
   * Validates a secret key (`sk_…`). The key is found by its SHA-256 hash, so the database
   * never sees or holds the key itself.
   */
  async validateSecret(key: string | undefined): Promise<SecretValidation> {
    if (!key) {
      return {
        code: 'license_missing',
        detail: 'Send the secret key as `Authorization: Bearer sk_…`.',
      };
    }
    const parsed = parseKey(key);
    if (!parsed.ok || parsed.kind !== 'sk') {
      return {
        code: 'license_malformed',
        detail:
          parsed.ok && parsed.kind === 'pk'
            ? 'This is a publishable key; this endpoint needs the secret key (sk_…).'
            : parsed.ok || parsed.reason === 'format'
              ? 'A secret key looks like sk_test_… or sk_live_… followed by 30 letters and digits.'
              : 'The key fails its checksum: it was probably mistyped or truncated.',
      };
    }
    const hash = sha256Hex(key);
    const cachedRow = fresh(this.#secretByHash, hash, this.#clock.now().getTime(), this.#ttlMs);
    const row = cachedRow ? cachedRow.value : await this.#loadSecretKey(hash);
    // The row was found by hash equality already; the constant-time comparison keeps that
    // guarantee even if a future lookup path matches on a prefix or an index collation.
    if (!row || !timingSafeEqual(Buffer.from(row.hash, 'hex'), Buffer.from(hash, 'hex'))) {
      return { code: 'license_unknown', detail: 'No license has this secret key.' };
    }
    const now = this.#clock.now().getTime();
    if (row.expiresAt && row.expiresAt.getTime() <= now) {
      return {
        code: 'key_expired',
        detail: `This secret key was rotated; its overlap window ended at ${row.expiresAt.toISOString()}. Use the new key.`,
      };
    }
    const cachedLicense = fresh(this.#byId, row.licenseId, now, this.#ttlMs);
    const license = cachedLicense ? cachedLicense.value : await this.#loadById(row.licenseId);
    if (!license || license.mode !== parsed.mode) {
      return { code: 'license_unknown', detail: 'No license has this secret key.' };
    }
    const refusal = this.statusRefusal(license);
    if (refusal) return refusal;
    return { code: 'valid', license, key: row };
  }

  /** The refusal for a license that is revoked, suspended or expired, if it is. */
  statusRefusal(license: License): Extract<Validation, { detail: string }> | undefined {
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
    return undefined;
  }

  async getById(id: string): Promise<License | undefined> {
    return first(await this.#store.db.select().from(licenses).where(eq(licenses.id, id)).limit(1));
  }

  /** HS256 keys for the license's learner tokens that are still valid now, newest first. */
  async signingKeys(licenseId: string): Promise<SigningKey[]> {
    const now = this.#clock.now().getTime();
    const cached = fresh(this.#signingKeys, licenseId, now, this.#ttlMs);
    const keys = cached ? cached.value : await this.#loadSigningKeys(licenseId, now);
    return keys.filter((k) => k.expiresAt === null || k.expiresAt > now);
  }

  /** Calls `listener` with the license id whenever a license's cached state is dropped. */
  onInvalidate(listener: (licenseId: string | null) => void): void {
    this.#listeners.push(listener);
  }

  /**
   * Forgets cached lookups for a license, here and (with a shared bus) in every process of
   * the cluster; call after any change to it.
   */
  invalidate(licenseId: string): void {
    this.#publish(licenseId);
  }

  invalidateAll(): void {
    this.#publish(ALL);
  }

  /**
   * Hands invalidations to `bus`, which tells every process of the cluster (this one
   * synchronously). `onError`: a publish that did not reach the others.
   */
  shareInvalidations(bus: Bus, onError: (error: unknown) => void): void {
    this.#bus = { bus, onError };
    bus.subscribe('license', (key) => (key === ALL ? this.#dropAll() : this.#drop(key)));
  }

  #publish(key: string): void {
    if (!this.#bus) {
      if (key === ALL) this.#dropAll();
      else this.#drop(key);
      return;
    }
    const { bus, onError } = this.#bus;
    bus.publish('license', key).catch(onError);
  }

  #drop(licenseId: string): void {
    this.#generation += 1;
    for (const [key, entry] of this.#byKey) {
      if (entry.license?.id === licenseId) this.#byKey.delete(key);
    }
    for (const [hash, entry] of this.#secretByHash) {
      if (entry.value.licenseId === licenseId) this.#secretByHash.delete(hash);
    }
    this.#byId.delete(licenseId);
    this.#signingKeys.delete(licenseId);
    for (const listener of this.#listeners) listener(licenseId);
  }

  #dropAll(): void {
    this.#generation += 1;
    this.#byKey.clear();
    this.#byId.clear();
    this.#secretByHash.clear();
    this.#signingKeys.clear();
    for (const listener of this.#listeners) listener(null);
  }

  #cachedByKey(key: string): CacheEntry | undefined {
    return fresh(this.#byKey, key, this.#clock.now().getTime(), this.#ttlMs);
  }

  async #loadByKey(key: string): Promise<CacheEntry> {
    const now = this.#clock.now().getTime();
    const generation = this.#generation;
    const license =
      first(
        await this.#store.db
          .select()
          .from(licenses)
          .where(eq(licenses.publishableKey, key))
          .limit(1),
      ) ?? null;
    const entry: CacheEntry = {
      license,
      origins: license ? compileOrigins(license.allowedOrigins) : null,
      loadedAt: now,
    };
    if (generation === this.#generation) remember(this.#byKey, key, entry);
    return entry;
  }

  async #loadById(id: string): Promise<License | null> {
    const now = this.#clock.now().getTime();
    const generation = this.#generation;
    const license = (await this.getById(id)) ?? null;
    if (generation === this.#generation)
      remember(this.#byId, id, { value: license, loadedAt: now });
    return license;
  }

  async #loadSecretKey(hash: string): Promise<LicenseSecretKey | undefined> {
    const now = this.#clock.now().getTime();
    const generation = this.#generation;
    const row = first(
      await this.#store.db
        .select()
        .from(licenseSecretKeys)
        .where(eq(licenseSecretKeys.hash, hash))
        .limit(1),
    );
    // Unknown hashes are not cached: a flood of made-up keys must not evict real ones.
    if (row && generation === this.#generation) {
      remember(this.#secretByHash, hash, { value: row, loadedAt: now });
    }
    return row;
  }

  async #loadSigningKeys(licenseId: string, now: number): Promise<SigningKey[]> {
    const generation = this.#generation;
    const rows = await this.#store.db
      .select()
      .from(licenseSigningSecrets)
      .where(
        and(
          eq(licenseSigningSecrets.licenseId, licenseId),
          or(
            isNull(licenseSigningSecrets.expiresAt),
            gt(licenseSigningSecrets.expiresAt, new Date(now)),
          ),
        ),
      )
      .orderBy(desc(licenseSigningSecrets.createdAt));
    const keys = rows.map((row) => ({
      id: row.id,
      key: new TextEncoder().encode(
        this.#secrets.open(row.ciphertext, signingSecretContext(licenseId, row.id)),
      ),
      expiresAt: row.expiresAt?.getTime() ?? null,
    }));
    if (generation === this.#generation) {
      remember(this.#signingKeys, licenseId, { value: keys, loadedAt: now });
    }
    return keys;
  }
}

/** Additional data that binds a sealed signing secret to its license and row. */
export function signingSecretContext(licenseId: string, secretId: string): string {
  return `signing-secret:${licenseId}:${secretId}`;
}

export type { LicenseSecretKey };
