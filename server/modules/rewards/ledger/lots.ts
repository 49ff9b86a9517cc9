import { and, asc, eq, gt, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { Tx } from '../../../db/store.js';
import type { ExpiringTokens } from '../contract.js';
import { rewardLots } from '../schema.js';
import { EXPIRY, post, type LedgerContext } from './postings.js';
import { readSettings } from './settings.js';

/**
 * Token lots and expiry. Each credit is a lot that remembers when it expires (with the
 * license's `expiryDays`); spending and expiry take tokens from the oldest lots first, so a
 * learner's balance always equals what their open lots hold.
 */

/** A learner's lots that still hold tokens. */
function openLots(licenseId: string, learnerId: string) {
  return and(
    eq(rewardLots.licenseId, licenseId),
    eq(rewardLots.learnerId, learnerId),
    gt(rewardLots.remaining, 0),
  );
}

/** Lots with an expiry at or before `by`. */
function dueBy(by: Date) {
  return and(isNotNull(rewardLots.expiresAt), lte(rewardLots.expiresAt, by));
}

export async function addLot(
  ctx: LedgerContext,
  tx: Tx,
  licenseId: string,
  learnerId: string,
  transactionId: string,
  amount: number,
): Promise<void> {
  const { expiryDays } = await readSettings(tx, licenseId);
  const now = ctx.clock.now();
  await tx.insert(rewardLots).values({
    licenseId,
    learnerId,
    transactionId,
    remaining: amount,
    expiresAt: expiryDays ? new Date(now.getTime() + expiryDays * 86_400_000) : null,
  });
}

/** Takes `amount` out of the learner's lots, a given transaction's lot first, then oldest. */
export async function consumeLots(
  tx: Tx,
  licenseId: string,
  learnerId: string,
  amount: number,
  preferTransaction?: string,
): Promise<void> {
  let left = amount;
  const lots = await tx
    .select({ id: rewardLots.id, remaining: rewardLots.remaining })
    .from(rewardLots)
    .where(openLots(licenseId, learnerId))
    .orderBy(
      preferTransaction
        ? sql`${rewardLots.transactionId} = ${preferTransaction} desc`
        : asc(rewardLots.id),
      asc(rewardLots.id),
    );
  for (const lot of lots) {
    if (left === 0) break;
    const take = Math.min(left, lot.remaining);
    await tx
      .update(rewardLots)
      .set({ remaining: lot.remaining - take })
      .where(eq(rewardLots.id, lot.id));
    left -= take;
  }
}

/** Expires the learner's lots that are due, oldest first, as one `expire` transaction. */
export async function expireLearner(
  ctx: LedgerContext,
  tx: Tx,
  licenseId: string,
  learnerId: string,
): Promise<number> {
  const now = ctx.clock.now();
  const due = await tx
    .select({ id: rewardLots.id, remaining: rewardLots.remaining })
    .from(rewardLots)
    .where(and(openLots(licenseId, learnerId), dueBy(now)));
  const total = due.reduce((sum, lot) => sum + lot.remaining, 0);
  if (total === 0) return 0;
  await tx
    .update(rewardLots)
    .set({ remaining: 0 })
    .where(
      inArray(
        rewardLots.id,
        due.map((l) => l.id),
      ),
    );
  await post(ctx, tx, licenseId, {
    learnerId,
    type: 'expire',
    amount: -total,
    reason: 'expired',
    counterparty: EXPIRY,
  });
  return total;
}

/** Whether the learner holds tokens past their date; a cheap read before any write. */
export async function hasDueLots(
  ctx: LedgerContext,
  licenseId: string,
  learnerId: string,
): Promise<boolean> {
  const [lot] = await ctx.store.db
    .select({ id: rewardLots.id })
    .from(rewardLots)
    .where(and(openLots(licenseId, learnerId), dueBy(ctx.clock.now())))
    .limit(1);
  return !!lot;
}

/** Expires every due lot of the license; returns how many tokens expired. */
export async function expireDue(ctx: LedgerContext, licenseId: string): Promise<number> {
  return ctx.store.write(async (tx) => {
    const learners = await tx
      .selectDistinct({ learnerId: rewardLots.learnerId })
      .from(rewardLots)
      .where(
        and(
          eq(rewardLots.licenseId, licenseId),
          gt(rewardLots.remaining, 0),
          dueBy(ctx.clock.now()),
        ),
      );
    let total = 0;
    for (const { learnerId } of learners) {
      total += await expireLearner(ctx, tx, licenseId, learnerId);
    }
    return total;
  });
}

/** Tokens that expire within `days`, and when the first of them does. */
export async function expiring(
  ctx: LedgerContext,
  licenseId: string,
  learnerId: string,
  days: number,
): Promise<ExpiringTokens> {
  const until = new Date(ctx.clock.now().getTime() + days * 86_400_000);
  const [row] = await ctx.store.db
    .select({
      amount: sql<number>`coalesce(sum(${rewardLots.remaining}), 0)`.mapWith(Number),
      // Read back through the column, as a Date on either store.
      first: sql<Date>`min(${rewardLots.expiresAt})`.mapWith(rewardLots.expiresAt),
    })
    .from(rewardLots)
    .where(and(openLots(licenseId, learnerId), dueBy(until)));
  return {
    amount: row?.amount ?? 0,
    firstAt: row?.first ? row.first.toISOString() : null,
  };
}
