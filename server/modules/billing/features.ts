import { ALL, type Bus } from '../../lib/bus.js';
import type { Logger } from 'pino';
import { ApiError } from '../../errors.js';
import type { Clock } from '../../services.js';
import type { FeatureGrant, FeatureView } from './contract.js';

/** Five minutes: a tier change reaches every request by then even without an invalidation. */
export const FEATURE_CACHE_TTL_MS = 5 * 60_000;
const MAX_ENTRIES = 50_000;

/** What the database says a learner may use. */
export interface Entitlement {
  /** The learner's tier, or null when the license has no free tier to fall back on. */
  tier: string | null;
  tierFeatures: string[];
  /** Features unlocked with tokens, each until an ISO time. */
  rewards: { feature: string; until: string }[];
}

/** Reads a learner's entitlement; fails when the database cannot answer. */
export type EntitlementReader = (licenseId: string, learnerId: string) => Promise<Entitlement>;

/**
 * A cheap marker of what the cache cannot hear about (a reward unlock granted by another
 * module): when it changes, the cached answer is read again.
 */
export type ChangeProbe = (licenseId: string, learnerId: string) => Promise<number>;

interface Entry {
  value: Entitlement;
  readAt: number;
  probe: number | null;
  /** Past this, the value is read again before it is used (unless the read fails). */
  freshUntil: number;
}

/**
 * Feature access per learner, cached for a TTL and dropped at once when a subscription
 * changes the learner's tier. When the cache has nothing fresh and the database fails, the
 * last value known is answered, marked stale, rather than locking the learner out.
 */
export class FeatureAccess {
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #logger: Logger;
  readonly #entries = new Map<string, Entry>();
  #bus: { bus: Bus; onError: (error: unknown) => void } | undefined;
  readonly #probe: ChangeProbe | undefined;
  #read: EntitlementReader;
  /**
   * Counts invalidations: a read that was out while one happened may predate the change, so
   * its answer is kept as the last known value but not as a fresh one.
   */
  #invalidations = 0;

  constructor(options: {
    clock: Clock;
    logger: Logger;
    read: EntitlementReader;
    probe?: ChangeProbe;
    ttlMs?: number;
  }) {
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#read = options.read;
    this.#probe = options.probe;
    this.#ttlMs = options.ttlMs ?? FEATURE_CACHE_TTL_MS;
  }

  /** Swaps how entitlements are read (a slower store, or a failing one in tests). */
  useReader(read: EntitlementReader): void {
    this.#read = read;
  }

  /** The next answer for this learner comes from the database, in every process. */
  invalidate(licenseId: string, learnerId: string): void {
    this.#publish(`${licenseId}:${learnerId}`);
  }

  /** The next answer for every learner of the license comes from the database. */
  invalidateLicense(licenseId: string): void {
    this.#publish(`${licenseId}:*`);
  }

  /** Hands invalidations to `bus`, which tells every process (this one synchronously). */
  shareInvalidations(bus: Bus, onError: (error: unknown) => void): void {
    this.#bus = { bus, onError };
    bus.subscribe('features', (key) => this.#drop(key));
  }

  #publish(key: string): void {
    if (!this.#bus) {
      this.#drop(key);
      return;
    }
    const { bus, onError } = this.#bus;
    bus.publish('features', key).catch(onError);
  }

  /** `licenseId:learnerId`, `licenseId:*` (the license's learners) or `*` (everyone). */
  #drop(key: string): void {
    if (key === ALL) {
      this.#invalidations += 1;
      for (const entry of this.#entries.values()) entry.freshUntil = Number.NEGATIVE_INFINITY;
    } else if (key.endsWith(':*')) {
      this.#dropLicense(key.slice(0, -2));
    } else {
      this.#dropLearner(key);
    }
  }

  #dropLearner(key: string): void {
    this.#invalidations += 1;
    const entry = this.#entries.get(key);
    // The value stays as the last known one, for when the database cannot answer.
    if (entry) entry.freshUntil = Number.NEGATIVE_INFINITY;
  }

  #dropLicense(licenseId: string): void {
    this.#invalidations += 1;
    const prefix = `${licenseId}:`;
    for (const [key, entry] of this.#entries) {
      if (key.startsWith(prefix)) entry.freshUntil = Number.NEGATIVE_INFINITY;
    }
  }

  async get(licenseId: string, learnerId: string): Promise<FeatureView> {
    const key = `${licenseId}:${learnerId}`;
    const now = this.#clock.now().getTime();
    const invalidations = this.#invalidations;
    const probe = await this.#probed(licenseId, learnerId);
    let entry = this.#entries.get(key);
    let stale = false;
    if (!entry || entry.freshUntil <= now || (probe !== null && probe !== entry.probe)) {
      try {
        const value = await this.#read(licenseId, learnerId);
        const fresh = invalidations === this.#invalidations;
        entry = {
          value,
          readAt: now,
          probe,
          freshUntil: fresh ? now + this.#ttlMs : Number.NEGATIVE_INFINITY,
        };
        this.#entries.delete(key);
        this.#entries.set(key, entry);
        if (this.#entries.size > MAX_ENTRIES) {
          this.#entries.delete(this.#entries.keys().next().value!);
        }
      } catch (error) {
        // The last value known, whichever read left it.
        entry = this.#entries.get(key) ?? entry;
        if (!entry) {
          this.#logger.error({ err: error, licenseId }, 'feature access unreadable');
          throw new ApiError(
            'service_unavailable',
            'Feature access cannot be read right now. Try again shortly.',
            { headers: { 'Retry-After': '5' } },
          );
        }
        this.#logger.warn({ err: error, licenseId }, 'feature access answered from cache');
        stale = true;
      }
    }
    return this.#view(entry.value, entry.readAt, stale, now);
  }

  async #probed(licenseId: string, learnerId: string): Promise<number | null> {
    if (!this.#probe) return null;
    try {
      return await this.#probe(licenseId, learnerId);
    } catch {
      // The read that follows, or the cached value, decides.
      return null;
    }
  }

  async has(licenseId: string, learnerId: string, feature: string): Promise<boolean> {
    return (await this.get(licenseId, learnerId)).features.includes(feature);
  }

  #view(value: Entitlement, readAt: number, stale: boolean, now: number): FeatureView {
    // The API names a tier's features' source `plan`.
    const grants: FeatureGrant[] = value.tierFeatures.map((feature) => ({
      feature,
      source: 'plan',
      until: null,
    }));
    const byTier = new Set(value.tierFeatures);
    const rewards = new Map<string, string>();
    for (const r of value.rewards) {
      if (byTier.has(r.feature) || Date.parse(r.until) <= now) continue;
      const known = rewards.get(r.feature);
      if (!known || Date.parse(known) < Date.parse(r.until)) rewards.set(r.feature, r.until);
    }
    for (const [feature, until] of rewards) grants.push({ feature, source: 'reward', until });
    return {
      tier: value.tier,
      features: grants.map((g) => g.feature),
      grants,
      stale,
      checkedAt: new Date(readAt).toISOString(),
    };
  }
}
