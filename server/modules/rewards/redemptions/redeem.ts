import { randomBytes } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../../db/store.js';
import { ApiError } from '../../../errors.js';
import { generateId } from '../../../lib/ids.js';
import type { Clock } from '../../../services.js';
import type { RedemptionStatus, RedemptionView, ShippingDetails } from '../contract.js';
import type { Ledger } from '../ledger.js';
import { rewardCoupons, rewardFeatureGrants, rewardItems, rewardRedemptions } from '../schema.js';
import { itemOf, type ItemRow } from './catalog.js';
import { queueRedemptionEvent, redemptionView } from './records.js';

/**
 * Redeeming a reward: the checks (active, shipping, stock, per-learner limit), a unit of the
 * license's `redemptions` allowance, the spend, and the rewards fulfilled on the spot (a
 * feature unlock, a course coupon), all in the transaction that holds the idempotency key.
 */

/** Coupon codes people can read aloud: no 0/O or 1/I. */
function couponCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(12);
  let code = '';
  for (let i = 0; i < 12; i++) code += alphabet[bytes[i]! % alphabet.length];
  return `LX-${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/** Refuses a redemption the reward does not allow (before any tokens move). */
async function checkRedeemable(
  tx: Tx,
  licenseId: string,
  learnerId: string,
  item: ItemRow,
  shipping: ShippingDetails | undefined,
): Promise<void> {
  if (!item.active) {
    throw new ApiError('conflict', 'This reward is no longer offered.', {
      extensions: { reason: 'reward_inactive' },
    });
  }
  if (item.kind === 'merchandise' && !shipping) {
    throw new ApiError('validation_failed', 'Merchandise needs a shipping address.', {
      errors: [{ path: 'body.shipping', message: 'Required for merchandise' }],
    });
  }
  if (item.stock !== null && item.stock <= 0) {
    throw new ApiError('conflict', 'This reward is out of stock.', {
      extensions: { reason: 'out_of_stock' },
    });
  }
  if (item.perLearnerLimit !== null) {
    const [counted] = await tx
      .select({ n: sql<number>`count(*)`.mapWith(Number) })
      .from(rewardRedemptions)
      .where(
        and(
          eq(rewardRedemptions.licenseId, licenseId),
          eq(rewardRedemptions.itemId, item.id),
          eq(rewardRedemptions.learnerId, learnerId),
          inArray(rewardRedemptions.status, ['requested', 'fulfilled']),
        ),
      );
    const taken = counted?.n ?? 0;
    if (taken >= item.perLearnerLimit) {
      throw new ApiError(
        'conflict',
        `You can redeem this reward at most ${item.perLearnerLimit} time(s).`,
        { extensions: { reason: 'limit_reached', limit: item.perLearnerLimit } },
      );
    }
  }
}

/**
 * Hands out what needs no one's hands: a feature unlock runs from now for its days, a course
 * coupon gets a code. Anything else waits, `requested`, for the operator or partner.
 */
async function fulfilAtOnce(
  tx: Tx,
  licenseId: string,
  learnerId: string,
  item: ItemRow,
  redemptionId: string,
  now: Date,
): Promise<{ status: RedemptionStatus; couponCode: string | null; featureUntil: Date | null }> {
  if (item.kind === 'feature_unlock') {
    const featureUntil = new Date(now.getTime() + (item.details.days ?? 0) * 86_400_000);
    await tx.insert(rewardFeatureGrants).values({
      licenseId,
      learnerId,
      feature: item.details.feature ?? '',
      redemptionId,
      expiresAt: featureUntil,
    });
    return { status: 'fulfilled', couponCode: null, featureUntil };
  }
  if (item.kind === 'course_coupon') {
    const code = couponCode();
    await tx.insert(rewardCoupons).values({
      code,
      licenseId,
      learnerId,
      redemptionId,
      percentOff: item.details.percentOff ?? null,
      amountOff: item.details.amountOff ?? null,
      currency: item.details.currency ?? null,
      courseId: item.details.courseId ?? null,
      createdAt: now,
    });
    return { status: 'fulfilled', couponCode: code, featureUntil: null };
  }
  return { status: 'requested', couponCode: null, featureUntil: null };
}

export async function redeemIn(
  deps: { clock: Clock; ledger: Ledger; consume: () => Promise<void> },
  tx: Tx,
  licenseId: string,
  learnerId: string,
  input: { itemId: string; shipping?: ShippingDetails },
): Promise<RedemptionView> {
  const item = await itemOf(tx, licenseId, input.itemId);
  await checkRedeemable(tx, licenseId, learnerId, item, input.shipping);
  await deps.consume();
  const spend = await deps.ledger.spendIn(tx, licenseId, {
    learnerId,
    amount: item.cost,
    reason: `reward:${item.title}`,
  });
  if (item.stock !== null) {
    await tx
      .update(rewardItems)
      .set({ stock: sql`${rewardItems.stock} - 1` })
      .where(eq(rewardItems.id, item.id));
  }
  const now = deps.clock.now();
  const id = generateId('rdm');
  const outcome = await fulfilAtOnce(tx, licenseId, learnerId, item, id, now);
  const [row] = await tx
    .insert(rewardRedemptions)
    .values({
      id,
      licenseId,
      learnerId,
      itemId: item.id,
      kind: item.kind,
      title: item.title,
      cost: item.cost,
      status: outcome.status,
      spendTransactionId: spend.id,
      shipping: input.shipping ?? null,
      couponCode: outcome.couponCode,
      featureUntil: outcome.featureUntil,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!row) throw new Error('the redemption was not recorded');
  await queueRedemptionEvent(tx, row, item.details.partner ?? null, now);
  return redemptionView(row);
}
