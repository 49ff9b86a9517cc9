import type { Tx } from '../../../db/store.js';
import { ApiError } from '../../../errors.js';
import type { ReversalResult, ShareReversal, TransactionView } from '../contract.js';
import { fingerprint, recall, remember, resultsUnder } from './idempotency.js';
import { addLot, consumeLots, expireLearner } from './lots.js';
import { scoreIn } from './moves.js';
import {
  balanceIn,
  ISSUANCE,
  post,
  REDEMPTION,
  reversalOf,
  transactionOf,
  transactionView,
  type LedgerContext,
  type TransactionRow,
} from './postings.js';

/**
 * Reversals: a whole earn, bonus or spend undone (a refund, a rejected or canceled
 * redemption), or an earn or bonus taken back in shares as a purchase's refunds add up.
 * Taking tokens back never drives a balance below zero: what the learner already spent is
 * recorded as the reversal's `shortfall` instead.
 */

/**
 * Undoes an earn, bonus or spend. Shares of an earning already taken back are not taken
 * twice; a transaction is reversed as a whole at most once.
 */
export async function reverseIn(
  ctx: LedgerContext,
  tx: Tx,
  licenseId: string,
  transactionId: string,
  reason: string,
): Promise<ReversalResult> {
  const original = await transactionOf(tx, licenseId, transactionId);
  if (!['earn', 'bonus', 'spend'].includes(original.type)) {
    throw new ApiError('conflict', `A ${original.type} transaction cannot be reversed.`, {
      extensions: { reason: 'not_reversible' },
    });
  }
  const already = await reversalOf(tx, transactionId);
  if (already) {
    throw new ApiError('conflict', 'This transaction has already been reversed.', {
      extensions: { reason: 'already_reversed', reversalId: already },
    });
  }
  const { learnerId } = original;
  let row: TransactionRow;
  let shortfall = 0;
  if (original.type === 'spend') {
    const amount = -original.amount;
    row = await post(ctx, tx, licenseId, {
      learnerId,
      type: 'reversal',
      amount,
      reason,
      counterparty: REDEMPTION,
      reversesId: original.id,
    });
    await addLot(ctx, tx, licenseId, learnerId, row.id, amount);
  } else {
    // Shares already taken back (partial refunds) are not taken twice.
    const due = original.amount - (await sharesReversed(tx, licenseId, original.id));
    ({ row, shortfall } = await takeBack(ctx, tx, original, due, reason, original.id));
  }
  return {
    transaction: transactionView(row),
    shortfall,
    balance: await balanceIn(tx, licenseId, learnerId),
  };
}

/** Takes `due` tokens of an earn or bonus back; what the learner spent becomes the shortfall. */
async function takeBack(
  ctx: LedgerContext,
  tx: Tx,
  original: TransactionRow,
  due: number,
  reason: string,
  reversesId: string | undefined,
): Promise<{ row: TransactionRow; shortfall: number }> {
  const { licenseId, learnerId } = original;
  await expireLearner(ctx, tx, licenseId, learnerId);
  const balance = await balanceIn(tx, licenseId, learnerId);
  const take = Math.min(balance, due);
  const shortfall = due - take;
  await consumeLots(tx, licenseId, learnerId, take, original.id);
  const row = await post(ctx, tx, licenseId, {
    learnerId,
    type: 'reversal',
    amount: -take,
    reason,
    counterparty: ISSUANCE,
    ...(reversesId ? { reversesId } : {}),
    shortfall,
  });
  await scoreIn(ctx, tx, licenseId, learnerId, -due, original.createdAt);
  return { row, shortfall };
}

/** Keys of the shares taken back from a transaction sort together under this prefix. */
function sharePrefix(transactionId: string): string {
  return `share:${transactionId}:`;
}

/** Tokens of a transaction taken back in shares so far (shortfalls included). */
async function sharesReversed(tx: Tx, licenseId: string, transactionId: string): Promise<number> {
  const shares = await resultsUnder<ShareReversal>(tx, licenseId, sharePrefix(transactionId));
  return shares.reduce((total, share) => total + share.tokens, 0);
}

/**
 * Takes back the share `part / whole` of an earn or bonus (a purchase's tokens as its refunds
 * add up): afterwards the tokens taken back in shares come to exactly
 * floor(amount × part / whole), never more than the original. Each share has its own key: a
 * repeat returns the first result, and `part` only counts as it grows. The share that
 * completes the original is its reversal (`reversesId`), so it is never reversed again. What
 * the learner already spent is recorded as the shortfall, as for a whole reversal. Returns
 * null when the original was already reversed as a whole.
 */
export async function reverseShareIn(
  ctx: LedgerContext,
  tx: Tx,
  licenseId: string,
  transactionId: string,
  share: { part: number; whole: number; key: string; reason: string },
): Promise<ShareReversal | null> {
  const { part, whole } = share;
  if (!Number.isSafeInteger(part) || !Number.isSafeInteger(whole) || part < 0 || whole <= 0) {
    throw new Error('a share is a safe integer part of a positive whole');
  }
  const original = await transactionOf(tx, licenseId, transactionId);
  if (original.type !== 'earn' && original.type !== 'bonus') {
    throw new ApiError('conflict', `A ${original.type} transaction cannot be reversed in shares.`, {
      extensions: { reason: 'not_reversible' },
    });
  }
  const key = `${sharePrefix(transactionId)}${share.key}`;
  const print = fingerprint('reverse-share', { transactionId, part, whole });
  const seen = await recall<ShareReversal>(
    tx,
    licenseId,
    key,
    print,
    'This share was already taken back with other amounts.',
  );
  if (seen) return seen.result;
  if (await reversalOf(tx, transactionId)) return null;
  const before = await sharesReversed(tx, licenseId, transactionId);
  // Exact: amounts and parts are safe integers, their product may not be.
  const target = Number((BigInt(original.amount) * BigInt(Math.min(part, whole))) / BigInt(whole));
  const tokens = Math.max(0, target - before);
  let transaction: TransactionView | null = null;
  let shortfall = 0;
  if (tokens > 0) {
    const complete = before + tokens === original.amount;
    const taken = await takeBack(
      ctx,
      tx,
      original,
      tokens,
      share.reason,
      complete ? original.id : undefined,
    );
    transaction = transactionView(taken.row);
    shortfall = taken.shortfall;
  }
  const result: ShareReversal = {
    tokens,
    transaction,
    shortfall,
    reversed: before + tokens,
    balance: await balanceIn(tx, licenseId, original.learnerId),
  };
  await remember(ctx, tx, licenseId, key, print, result);
  return result;
}
