import type { Db } from '../../db/store.js';

/*
 * What billing needs from other modules, handed in at construction (server/services.ts), so
 * that billing reads no other module's tables. Payments is reached through its registration
 * interface (`payments/products.ts`).
 */

/** Looks learners up, inside the caller's transaction when given one (a write's `tx`). */
export interface LearnerLookup {
  find(db: Db, licenseId: string, learnerId: string): Promise<{ id: string } | undefined>;
}

/** The license settings billing reads: the currency a checkout defaults to. */
export interface LicenseLookup {
  getById(licenseId: string): Promise<{ currency: string } | undefined>;
}

/** Features learners unlocked with tokens (the rewards module's redemptions). */
export interface RewardUnlocks {
  /** Unlocks not ended yet, each until an ISO time. */
  activeFeatures(
    licenseId: string,
    learnerId: string,
  ): Promise<{ feature: string; until: string }[]>;
  /**
   * A marker that changes whenever the learner is granted a new unlock (the newest grant's
   * id, 0 for none): cheap enough to ask on every request.
   */
  newestGrant(licenseId: string, learnerId: string): Promise<number>;
}
