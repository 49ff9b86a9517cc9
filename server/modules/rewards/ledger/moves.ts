import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../../db/store.js';
import { ApiError } from '../../../errors.js';
import { MAX_AMOUNT, type EarnResult, type MoveResult, type TransactionView } from '../contract.js';
import { applyScore } from '../leaderboard/scores.js';
import { localDay, periodsAt } from '../periods.js';
import { rewardDailyEarnings } from '../schema.js';
import { addLot, consumeLots, expireLearner } from './lots.js';
import {
  balanceIn,
  insufficientBalance,
  ISSUANCE,
  post,
  REDEMPTION,
  transactionView,
  type LedgerContext,
  type TransactionRow,
} from './postings.js';
import { readSettings, ruleFor } from './settings.js';

/**
 * Tokens into and out of a learner's account, inside the caller's open transaction: earning
 * under the license's rules and daily caps, bonus grants, and spending. What a learner earns
 * also moves their leaderboard scores in the same transaction.
 */

/** Adds to (or, for a reversal, takes from) the learner's scores for the periods of `at`. */
export async function scoreIn(
  ctx: LedgerContext,
  tx: Tx,
  licenseId: string,
  learnerId: string,
  delta: number,
  at: Date,
): Promise<void> {
  const { timeZone } = await readSettings(tx, licenseId);
  await applyScore(
    tx,
    licenseId,
    learnerId,
    delta,
    periodsAt(at, timeZone),
    ctx.clock.now().getTime(),
  );
}

/** Counts `asked` tokens against the learner's cap for the local day; returns what fits. */
async function withinDailyCap(
  tx: Tx,
  licenseId: string,
  input: { learnerId: string; activity: string },
  cap: number,
  asked: number,
  day: string,
): Promise<number> {
  const key = and(
    eq(rewardDailyEarnings.licenseId, licenseId),
    eq(rewardDailyEarnings.learnerId, input.learnerId),
    eq(rewardDailyEarnings.activity, input.activity),
    eq(rewardDailyEarnings.day, day),
  );
  const [row] = await tx.select().from(rewardDailyEarnings).where(key).limit(1);
  const today = row?.amount ?? 0;
  const awarded = Math.max(0, Math.min(asked, cap - today));
  if (awarded > 0) {
    await tx
      .insert(rewardDailyEarnings)
      .values({
        licenseId,
        learnerId: input.learnerId,
        activity: input.activity,
        day,
        amount: awarded,
      })
      .onConflictDoUpdate({
        target: [
          rewardDailyEarnings.licenseId,
          rewardDailyEarnings.learnerId,
          rewardDailyEarnings.activity,
          rewardDailyEarnings.day,
        ],
        set: { amount: sql`${rewardDailyEarnings.amount} + ${awarded}` },
      });
  }
  return awarded;
}

/**
 * Credits tokens for a reported activity under the license's rule, up to the rule's daily cap
 * in the license's time zone. A rule-less activity is a 400.
 */
export async function earnIn(
  ctx: LedgerContext,
  tx: Tx,
  licenseId: string,
  input: { learnerId: string; activity: string; units: number },
): Promise<EarnResult> {
  const rule = await ruleFor(tx, licenseId, input.activity);
  if (!rule) {
    throw new ApiError('validation_failed', `No earning rule exists for "${input.activity}".`, {
      errors: [{ path: 'body.activity', message: 'No earning rule for this activity' }],
    });
  }
  const asked = Math.min(MAX_AMOUNT, rule.amount * input.units);
  let awarded = asked;
  const now = ctx.clock.now();
  if (rule.dailyCap !== null) {
    const day = localDay(now, (await readSettings(tx, licenseId)).timeZone);
    awarded = await withinDailyCap(tx, licenseId, input, rule.dailyCap, asked, day);
  }
  let transaction: TransactionView | null = null;
  if (awarded > 0) {
    const row = await post(ctx, tx, licenseId, {
      learnerId: input.learnerId,
      type: 'earn',
      amount: awarded,
      reason: input.activity,
      counterparty: ISSUANCE,
    });
    await addLot(ctx, tx, licenseId, input.learnerId, row.id, awarded);
    await scoreIn(ctx, tx, licenseId, input.learnerId, awarded, now);
    transaction = transactionView(row);
  }
  return {
    awarded,
    capped: awarded < asked,
    transaction,
    balance: await balanceIn(tx, licenseId, input.learnerId),
  };
}

/** An operator's or customer admin's grant; it counts on the leaderboards like earnings. */
export async function bonusIn(
  ctx: LedgerContext,
  tx: Tx,
  licenseId: string,
  input: { learnerId: string; amount: number; reason: string },
): Promise<MoveResult> {
  const row = await post(ctx, tx, licenseId, {
    learnerId: input.learnerId,
    type: 'bonus',
    amount: input.amount,
    reason: input.reason,
    counterparty: ISSUANCE,
  });
  await addLot(ctx, tx, licenseId, input.learnerId, row.id, input.amount);
  await scoreIn(ctx, tx, licenseId, input.learnerId, input.amount, ctx.clock.now());
  return {
    transaction: transactionView(row),
    balance: await balanceIn(tx, licenseId, input.learnerId),
  };
}

/** Debits the learner, oldest lots first; refuses what the balance does not cover. */
export async function spendIn(
  ctx: LedgerContext,
  tx: Tx,
  licenseId: string,
  input: { learnerId: string; amount: number; reason: string },
): Promise<TransactionRow> {
  await expireLearner(ctx, tx, licenseId, input.learnerId);
  const balance = await balanceIn(tx, licenseId, input.learnerId);
  if (balance < input.amount) throw insufficientBalance(balance, input.amount);
  await consumeLots(tx, licenseId, input.learnerId, input.amount);
  return post(ctx, tx, licenseId, {
    learnerId: input.learnerId,
    type: 'spend',
    amount: -input.amount,
    reason: input.reason,
    counterparty: REDEMPTION,
  });
}
