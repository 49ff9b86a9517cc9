import { and, asc, eq, gt, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import { writeTransaction, type Tx } from '../../../db/client.js';
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

export function addLot(
  ctx: LedgerContext,
  tx: Tx,
  licenseId: string,
  learnerId: string,
  transactionId: string,
  amount: number,
): void {
  const { expiryDays } = readSettings(tx, licenseId);
  const now = ctx.clock.now();
  tx.insert(rewardLots)
    .values({
      licenseId,
      learnerId,
      transactionId,
      remaining: amount,
      expiresAt: expiryDays ? new Date(now.getTime() + expiryDays * 86_400_000) : null,
    })
    .run();
}

/** Takes `amount` out of the learner's lots, a given transaction's lot first, then oldest. */
export function consumeLots(
  tx: Tx,
  licenseId: string,
  learnerId: string,
  amount: number,
  preferTransaction?: string,
): void {
  let left = amount;
  const lots = tx
    .select({ id: rewardLots.id, remaining: rewardLots.remaining })
    .from(rewardLots)
    .where(openLots(licenseId, learnerId))
    .orderBy(
      preferTransaction
        ? sql`${rewardLots.transactionId} = ${preferTransaction} desc`
        : asc(rewardLots.id),
      asc(rewardLots.id),
    )
    .all();
  for (const lot of lots) {
    if (left === 0) break;
    const take = Math.min(left, lot.remaining);
    tx.update(rewardLots)
      .set({ remaining: lot.remaining - take })
      .where(eq(rewardLots.id, lot.id))
      .run();
    left -= take;
  }
}

/** Expires the learner's lots that are due, oldest first, as one `expire` transaction. */
export function expireLearner(
  ctx: LedgerContext,
  tx: Tx,
  licenseId: string,
  learnerId: string,
): number {
  const now = ctx.clock.now();
  const due = tx
    .select({ id: rewardLots.id, remaining: rewardLots.remaining })
    .from(rewardLots)
    .where(and(openLots(licenseId, learnerId), dueBy(now)))
    .all();
  const total = due.reduce((sum, lot) => sum + lot.remaining, 0);
  if (total === 0) return 0;
  tx.update(rewardLots)
    .set({ remaining: 0 })
    .where(
      inArray(
        rewardLots.id,
        due.map((l) => l.id),
      ),
    )
    .run();
  post(ctx, tx, licenseId, {
    learnerId,
    type: 'expire',
    amount: -total,
    reason: 'expired',
    counterparty: EXPIRY,
  });
  return total;
}

/** Whether the learner holds tokens past their date; a cheap read before any write. */
export function hasDueLots(ctx: LedgerContext, licenseId: string, learnerId: string): boolean {
  return !!ctx.db
    .select({ id: rewardLots.id })
    .from(rewardLots)
    .where(and(openLots(licenseId, learnerId), dueBy(ctx.clock.now())))
    .get();
}

/** Expires every due lot of the license; returns how many tokens expired. */
export function expireDue(ctx: LedgerContext, licenseId: string): number {
  return writeTransaction(ctx.db, (tx) => {
    const learners = tx
      .selectDistinct({ learnerId: rewardLots.learnerId })
      .from(rewardLots)
      .where(
        and(
          eq(rewardLots.licenseId, licenseId),
          gt(rewardLots.remaining, 0),
          dueBy(ctx.clock.now()),
        ),
      )
      .all();
    let total = 0;
    for (const { learnerId } of learners) total += expireLearner(ctx, tx, licenseId, learnerId);
    return total;
  });
}

/** Tokens that expire within `days`, and when the first of them does. */
export function expiring(
  ctx: LedgerContext,
  licenseId: string,
  learnerId: string,
  days: number,
): ExpiringTokens {
  const until = new Date(ctx.clock.now().getTime() + days * 86_400_000);
  const row = ctx.db
    .select({
      amount: sql<number>`coalesce(sum(${rewardLots.remaining}), 0)`,
      first: sql<number | null>`min(${rewardLots.expiresAt})`,
    })
    .from(rewardLots)
    .where(and(openLots(licenseId, learnerId), dueBy(until)))
    .get();
  return {
    amount: row?.amount ?? 0,
    firstAt: row?.first ? new Date(row.first).toISOString() : null,
  };
}
