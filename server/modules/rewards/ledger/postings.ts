import { and, eq, sql } from 'drizzle-orm';
import type { Db, Store, Tx } from '../../../db/store.js';
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

/** What every part of the ledger works with: the store and the one clock. */
export interface LedgerContext {
  readonly store: Store;
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
export async function post(
  ctx: LedgerContext,
  tx: Tx,
  licenseId: string,
  entry: Posting,
): Promise<TransactionRow> {
  const now = ctx.clock.now();
  if (!Number.isSafeInteger(entry.amount)) throw new Error('ledger amounts are integers');
  const legs = [
    { account: learnerAccount(entry.learnerId), amount: entry.amount },
    { account: entry.counterparty, amount: -entry.amount },
  ];
  const [row] = await tx
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
    .returning();
  if (!row) throw new Error('the transaction was not recorded');
  for (const leg of legs) {
    await tx.insert(rewardPostings).values({ licenseId, transactionId: row.id, ...leg });
    const [account] = await tx
      .insert(rewardAccounts)
      .values({ licenseId, account: leg.account, balance: leg.amount, updatedAt: now })
      .onConflictDoUpdate({
        target: [rewardAccounts.licenseId, rewardAccounts.account],
        set: { balance: sql`${rewardAccounts.balance} + ${leg.amount}`, updatedAt: now },
      })
      .returning({ balance: rewardAccounts.balance });
    if (!account) throw new Error('the account balance was not recorded');
    if (leg.account.startsWith('learner:') && account.balance < 0) {
      // Callers check first; this is the last line of defence and rolls everything back.
      throw insufficientBalance(account.balance - leg.amount, -leg.amount);
    }
  }
  return row;
}

/** The learner's stored balance, as of the open transaction when one is given. */
export async function balanceIn(tx: Db, licenseId: string, learnerId: string): Promise<number> {
  const [row] = await tx
    .select({ balance: rewardAccounts.balance })
    .from(rewardAccounts)
    .where(
      and(
        eq(rewardAccounts.licenseId, licenseId),
        eq(rewardAccounts.account, learnerAccount(learnerId)),
      ),
    )
    .limit(1);
  return row?.balance ?? 0;
}

/** One transaction of the license, or a 404. */
export async function transactionOf(
  tx: Db,
  licenseId: string,
  transactionId: string,
): Promise<TransactionRow> {
  const [row] = await tx
    .select()
    .from(rewardTransactions)
    .where(
      and(eq(rewardTransactions.licenseId, licenseId), eq(rewardTransactions.id, transactionId)),
    )
    .limit(1);
  if (!row) throw new ApiError('not_found', 'No such transaction.');
  return row;
}

/** The id of the transaction that reversed `transactionId` as a whole, if any. */
export async function reversalOf(tx: Db, transactionId: string): Promise<string | null> {
  const [row] = await tx
    .select({ id: rewardTransactions.id })
    .from(rewardTransactions)
    .where(eq(rewardTransactions.reversesId, transactionId))
    .limit(1);
  return row?.id ?? null;
}
