import { and, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/client.js';
import { ApiError } from '../../../errors.js';
import { generateId } from '../../../lib/ids.js';
import type { Clock } from '../../../services.js';
import type { TransactionType, TransactionView } from '../contract.js';
import {
  rewardAccounts,
  rewardPostings,
  rewardTransactions,
  type SystemAccount,
} from '../schema.js';

/**
 * Double-entry bookkeeping: every transaction is two postings that sum to zero, a learner's
 * account against a system account, and each account's stored balance moves with them.
 */

/** What every part of the ledger works with: the database and the one clock. */
export interface LedgerContext {
  readonly db: Db;
  readonly clock: Clock;
}

export type TransactionRow = typeof rewardTransactions.$inferSelect;

export const learnerAccount = (learnerId: string) => `learner:${learnerId}`;

export const ISSUANCE: SystemAccount = 'system:issuance';
export const REDEMPTION: SystemAccount = 'system:redemption';
export const EXPIRY: SystemAccount = 'system:expiry';

export function transactionView(row: TransactionRow): TransactionView {
  return {
    id: row.id,
    type: row.type,
    amount: row.amount,
    reason: row.reason,
    reversesId: row.reversesId,
    shortfall: row.shortfall,
    createdAt: row.createdAt.toISOString(),
  };
}

export function insufficientBalance(balance: number, needed: number): ApiError {
  return new ApiError(
    'conflict',
    `The balance (${balance}) does not cover ${needed} token${needed === 1 ? '' : 's'}.`,
    { extensions: { reason: 'insufficient_balance', balance, needed } },
  );
}

export interface Posting {
  learnerId: string;
  type: TransactionType;
  /** Positive credits the learner, negative debits them. */
  amount: number;
  reason: string;
  counterparty: SystemAccount;
  reversesId?: string;
  shortfall?: number;
}

/**
 * Records one transaction: its postings (which must sum to zero), the account balances, and
 * refuses to take a learner account below zero.
 */
export function post(
  ctx: LedgerContext,
  tx: Tx,
  licenseId: string,
  entry: Posting,
): TransactionRow {
  const now = ctx.clock.now();
  if (!Number.isSafeInteger(entry.amount)) throw new Error('ledger amounts are integers');
  const legs = [
    { account: learnerAccount(entry.learnerId), amount: entry.amount },
    { account: entry.counterparty, amount: -entry.amount },
  ];
  const row = tx
    .insert(rewardTransactions)
    .values({
      id: generateId('rtx'),
      licenseId,
      learnerId: entry.learnerId,
      type: entry.type,
      amount: entry.amount,
      reason: entry.reason,
      reversesId: entry.reversesId ?? null,
      shortfall: entry.shortfall ?? 0,
      createdAt: now,
    })
    .returning()
    .get();
  for (const leg of legs) {
    tx.insert(rewardPostings)
      .values({ licenseId, transactionId: row.id, ...leg })
      .run();
    const account = tx
      .insert(rewardAccounts)
      .values({ licenseId, account: leg.account, balance: leg.amount, updatedAt: now })
      .onConflictDoUpdate({
        target: [rewardAccounts.licenseId, rewardAccounts.account],
        set: { balance: sql`${rewardAccounts.balance} + ${leg.amount}`, updatedAt: now },
      })
      .returning({ balance: rewardAccounts.balance })
      .get();
    if (leg.account.startsWith('learner:') && account.balance < 0) {
      // Callers check first; this is the last line of defence and rolls everything back.
      throw insufficientBalance(account.balance - leg.amount, -leg.amount);
    }
  }
  return row;
}

/** The learner's stored balance, as of the open transaction when one is given. */
export function balanceIn(tx: Db | Tx, licenseId: string, learnerId: string): number {
  const row = tx
    .select({ balance: rewardAccounts.balance })
    .from(rewardAccounts)
    .where(
      and(
        eq(rewardAccounts.licenseId, licenseId),
        eq(rewardAccounts.account, learnerAccount(learnerId)),
      ),
    )
    .get();
  return row?.balance ?? 0;
}

/** One transaction of the license, or a 404. */
export function transactionOf(
  tx: Db | Tx,
  licenseId: string,
  transactionId: string,
): TransactionRow {
  const row = tx
    .select()
    .from(rewardTransactions)
    .where(
      and(eq(rewardTransactions.licenseId, licenseId), eq(rewardTransactions.id, transactionId)),
    )
    .get();
  if (!row) throw new ApiError('not_found', 'No such transaction.');
  return row;
}

/** The id of the transaction that reversed `transactionId` as a whole, if any. */
export function reversalOf(tx: Db | Tx, transactionId: string): string | null {
  return (
    tx
      .select({ id: rewardTransactions.id })
      .from(rewardTransactions)
      .where(eq(rewardTransactions.reversesId, transactionId))
      .get()?.id ?? null
  );
}
