import { and, eq, gt, isNull, max, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/client.js';
import type { Clock } from '../../../services.js';
import type { CourseCoupon, FeatureUnlock } from '../contract.js';
import { rewardCoupons, rewardFeatureGrants } from '../schema.js';

/**
 * What redeemed rewards hand to other modules: features unlocked with tokens (billing's
 * feature access reads them) and course coupons (the checkout accepts and uses them).
 */

/** Features the learner unlocked with tokens that are still running. */
export function activeFeatures(
  db: Db,
  clock: Clock,
  licenseId: string,
  learnerId: string,
): FeatureUnlock[] {
  return db
    .select({ feature: rewardFeatureGrants.feature, until: rewardFeatureGrants.expiresAt })
    .from(rewardFeatureGrants)
    .where(
      and(
        eq(rewardFeatureGrants.licenseId, licenseId),
        eq(rewardFeatureGrants.learnerId, learnerId),
        gt(rewardFeatureGrants.expiresAt, clock.now()),
        isNull(rewardFeatureGrants.revokedAt),
      ),
    )
    .all()
    .map((g) => ({ feature: g.feature, until: g.until.toISOString() }));
}

/**
 * A probe for caches of feature access: the id of the learner's newest feature grant (0 when
 * none), which changes exactly when a new unlock is redeemed. Prepared on first use, so a
 * server whose migrations are pending still starts.
 */
export function newestGrantProbe(db: Db): (licenseId: string, learnerId: string) => number {
  let prepared: ReturnType<typeof prepare> | undefined;
  const prepare = () =>
    db
      .select({ id: max(rewardFeatureGrants.id) })
      .from(rewardFeatureGrants)
      .where(
        and(
          eq(rewardFeatureGrants.licenseId, sql.placeholder('licenseId')),
          eq(rewardFeatureGrants.learnerId, sql.placeholder('learnerId')),
        ),
      )
      .prepare();
  return (licenseId, learnerId) => (prepared ??= prepare()).get({ licenseId, learnerId })?.id ?? 0;
}

/** A coupon the checkout may accept: issued by this license and not used yet. */
export function unusedCoupon(db: Db, licenseId: string, code: string): CourseCoupon | null {
  return (
    db
      .select({
        code: rewardCoupons.code,
        learnerId: rewardCoupons.learnerId,
        redemptionId: rewardCoupons.redemptionId,
        percentOff: rewardCoupons.percentOff,
        amountOff: rewardCoupons.amountOff,
        currency: rewardCoupons.currency,
        courseId: rewardCoupons.courseId,
      })
      .from(rewardCoupons)
      .where(
        and(
          eq(rewardCoupons.licenseId, licenseId),
          eq(rewardCoupons.code, code),
          isNull(rewardCoupons.usedAt),
        ),
      )
      .get() ?? null
  );
}

/**
 * Marks a coupon used, inside the transaction that records the purchase it paid for.
 * Returns false when it was used already (two checkouts raced with one code).
 */
export function useCoupon(tx: Tx, licenseId: string, code: string, now: Date): boolean {
  const used = tx
    .update(rewardCoupons)
    .set({ usedAt: now })
    .where(
      and(
        eq(rewardCoupons.licenseId, licenseId),
        eq(rewardCoupons.code, code),
        isNull(rewardCoupons.usedAt),
      ),
    )
    .run();
  return used.changes > 0;
}
