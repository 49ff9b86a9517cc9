import { and, eq, gt, isNull, max } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/store.js';
import type { Clock } from '../../../services.js';
import type { CourseCoupon, FeatureUnlock } from '../contract.js';
import { rewardCoupons, rewardFeatureGrants } from '../schema.js';

/**
 * What redeemed rewards hand to other modules: features unlocked with tokens (billing's
 * feature access reads them) and course coupons (the checkout accepts and uses them).
 */

/** Features the learner unlocked with tokens that are still running. */
export async function activeFeatures(
  db: Db,
  clock: Clock,
  licenseId: string,
  learnerId: string,
): Promise<FeatureUnlock[]> {
  const grants = await db
    .select({ feature: rewardFeatureGrants.feature, until: rewardFeatureGrants.expiresAt })
    .from(rewardFeatureGrants)
    .where(
      and(
        eq(rewardFeatureGrants.licenseId, licenseId),
        eq(rewardFeatureGrants.learnerId, learnerId),
        gt(rewardFeatureGrants.expiresAt, clock.now()),
        isNull(rewardFeatureGrants.revokedAt),
      ),
    );
  return grants.map((g) => ({ feature: g.feature, until: g.until.toISOString() }));
}

/**
 * A probe for caches of feature access: the id of the learner's newest feature grant (0 when
 * none), which changes exactly when a new unlock is redeemed. One index lookup
 * (`reward_feature_grants_learner_idx`), cheap enough to ask on every request.
 */
export async function newestGrant(db: Db, licenseId: string, learnerId: string): Promise<number> {
  const [row] = await db
    .select({ id: max(rewardFeatureGrants.id) })
    .from(rewardFeatureGrants)
    .where(
      and(
        eq(rewardFeatureGrants.licenseId, licenseId),
        eq(rewardFeatureGrants.learnerId, learnerId),
      ),
    );
  return row?.id ?? 0;
}

/** A coupon the checkout may accept: issued by this license and not used yet. */
export async function unusedCoupon(
  db: Db,
  licenseId: string,
  code: string,
): Promise<CourseCoupon | null> {
  const [coupon] = await db
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
    .limit(1);
  return coupon ?? null;
}

/**
 * Marks a coupon used, inside the transaction that records the purchase it paid for.
 * Returns false when it was used already (two checkouts raced with one code).
 */
export async function useCoupon(
  tx: Tx,
  licenseId: string,
  code: string,
  now: Date,
): Promise<boolean> {
  const used = await tx
    .update(rewardCoupons)
    .set({ usedAt: now })
    .where(
      and(
        eq(rewardCoupons.licenseId, licenseId),
        eq(rewardCoupons.code, code),
        isNull(rewardCoupons.usedAt),
      ),
    )
    .returning({ code: rewardCoupons.code });
  return used.length > 0;
}
