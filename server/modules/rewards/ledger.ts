import { createHash } from 'node:crypto';
import { and, asc, desc, eq, gt, gte, inArray, isNotNull, lt, lte, or, sql } from 'drizzle-orm';
import { writeTransaction, type Db, type Tx } from '../../db/client.js';
import { ApiError } from '../../errors.js';
import type { Clock } from '../../services.js';
import { generateId } from '../../lib/ids.js';
import { applyScore } from './leaderboard.js';
import {
  MAX_AMOUNT,
  type EarnResult,
  type HistoryPage,
  type LedgerCheck,
  type MoveResult,
  type ReversalResult,
  type RewardSettings,
  type ShareReversal,
  type TransactionType,
  type TransactionView,
} from './contract.js';
import { localDay, periodsAt } from './periods.js';
import {
  rewardAccounts,
  rewardDailyEarnings,
  rewardIdempotency,
  rewardLots,
  rewardPostings,
  rewardRules,
  rewardSettings,
  rewardTransactions,
  type SystemAccount,
} from './schema.js';

export const learnerAccount = (learnerId: string) => `learner:${learnerId}`;

const ISSUANCE: SystemAccount = 'system:issuance';
const REDEMPTION: SystemAccount = 'system:redemption';
const EXPIRY: SystemAccount = 'system:expiry';

export function view(row: typeof rewardTransactions.$inferSelect): TransactionView {
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

function fingerprint(operation: string, params: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([operation, params]))
    .digest('hex');
}

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.getTime()}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { at: number; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const ms = Number(at);
  if (!id || !Number.isSafeInteger(ms)) {
    throw new ApiError('validation_failed', 'The cursor is not one this API handed out.', {
      errors: [{ path: 'query.cursor', message: 'Unknown cursor' }],
    });
  }
  return { at: ms, id };
}

export function insufficientBalance(balance: number, needed: number): ApiError {
  return new ApiError(
    'conflict',
    `The balance (${balance}) does not cover ${needed} token${needed === 1 ? '' : 's'}.`,
    { extensions: { reason: 'insufficient_balance', balance, needed } },
  );
}

/**
 * The token ledger. Every change is a transaction whose postings sum to zero, moving tokens
 * between a learner's account and a system account (issuance, redemption, expiry). Every
 * read-then-write runs in an IMMEDIATE transaction, so concurrent requests — in this process
 * or another one on the same file — can never spend the same tokens twice.
 */
export class Ledger {
  readonly #db: Db;
  readonly #clock: Clock;

  constructor(db: Db, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  get db(): Db {
    return this.#db;
  }

  get clock(): Clock {
    return this.#clock;
  }

  /* Settings and rules */

  settings(licenseId: string, tx: Db | Tx = this.#db): RewardSettings {
    const row = tx
      .select()
      .from(rewardSettings)
      .where(eq(rewardSettings.licenseId, licenseId))
      .get();
    return {
      timeZone: row?.timeZone ?? 'UTC',
      expiryDays: row?.expiryDays ?? null,
      tokenName: row?.tokenName ?? null,
    };
  }

  updateSettings(licenseId: string, patch: Partial<RewardSettings>): RewardSettings {
    const now = this.#clock.now();
    return writeTransaction(this.#db, (tx) => {
      const next = { ...this.settings(licenseId, tx), ...patch };
      tx.insert(rewardSettings)
        .values({ licenseId, ...next, createdAt: now, updatedAt: now })
        .onConflictDoUpdate({
          target: rewardSettings.licenseId,
          set: { ...next, updatedAt: now },
        })
        .run();
      return next;
    });
  }

  rules(licenseId: string) {
    return this.#db
      .select({
        activity: rewardRules.activity,
        amount: rewardRules.amount,
        dailyCap: rewardRules.dailyCap,
      })
      .from(rewardRules)
      .where(eq(rewardRules.licenseId, licenseId))
      .orderBy(asc(rewardRules.activity))
      .all();
  }

  setRule(licenseId: string, rule: { activity: string; amount: number; dailyCap: number | null }) {
    const now = this.#clock.now();
    this.#db
      .insert(rewardRules)
      .values({ licenseId, ...rule, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({
        target: [rewardRules.licenseId, rewardRules.activity],
        set: { amount: rule.amount, dailyCap: rule.dailyCap, updatedAt: now },
      })
      .run();
    return rule;
  }

  deleteRule(licenseId: string, activity: string): boolean {
    const result = this.#db
      .delete(rewardRules)
      .where(and(eq(rewardRules.licenseId, licenseId), eq(rewardRules.activity, activity)))
      .run();
    return result.changes > 0;
  }

  /* Idempotency */

  /**
   * Runs `work` once per idempotency key: a repeat with the same parameters returns the first
   * result, a repeat with different ones is a conflict. The check and the work share one
   * IMMEDIATE transaction, so two concurrent requests with one key cannot both do the work.
   */
  idempotent<T>(
    licenseId: string,
    key: string,
    operation: string,
    params: unknown,
    work: (tx: Tx) => T,
  ): T {
    const print = fingerprint(operation, params);
    return writeTransaction(this.#db, (tx) => {
      const seen = tx
        .select()
        .from(rewardIdempotency)
        .where(and(eq(rewardIdempotency.licenseId, licenseId), eq(rewardIdempotency.key, key)))
        .get();
      if (seen) {
        if (seen.fingerprint !== print) {
          throw new ApiError(
            'conflict',
            'This idempotency key was already used for a different request.',
            { extensions: { reason: 'idempotency_key_reused' } },
          );
        }
        return seen.result as T;
      }
      const result = work(tx);
      tx.insert(rewardIdempotency)
        .values({ licenseId, key, fingerprint: print, result, createdAt: this.#clock.now() })
        .run();
      return result;
    });
  }

  /* Writing */

  /**
   * Records one transaction: its postings (which must sum to zero), the account balances, and
   * refuses to take a learner account below zero.
   */
  post(
    tx: Tx,
    licenseId: string,
    entry: {
      learnerId: string;
      type: TransactionType;
      amount: number;
      reason: string;
      counterparty: SystemAccount;
      reversesId?: string;
      shortfall?: number;
    },
  ): typeof rewardTransactions.$inferSelect {
    const now = this.#clock.now();
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

  balanceIn(tx: Db | Tx, licenseId: string, learnerId: string): number {
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

  #addLot(tx: Tx, licenseId: string, learnerId: string, transactionId: string, amount: number) {
    const { expiryDays } = this.settings(licenseId, tx);
    const now = this.#clock.now();
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
  #consumeLots(
    tx: Tx,
    licenseId: string,
    learnerId: string,
    amount: number,
    preferTransaction?: string,
  ) {
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

  /** Adds to (or, for a reversal, takes from) the learner's scores for the periods of `at`. */
  #score(tx: Tx, licenseId: string, learnerId: string, delta: number, at: Date) {
    const { timeZone } = this.settings(licenseId, tx);
    applyScore(
      tx,
      licenseId,
      learnerId,
      delta,
      periodsAt(at, timeZone),
      this.#clock.now().getTime(),
    );
  }

  /** Expires the learner's lots that are due, oldest first, as one `expire` transaction. */
  expireLearner(tx: Tx, licenseId: string, learnerId: string): number {
    const now = this.#clock.now();
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
    this.post(tx, licenseId, {
      learnerId,
      type: 'expire',
      amount: -total,
      reason: 'expired',
      counterparty: EXPIRY,
    });
    return total;
  }

  #hasDueLots(licenseId: string, learnerId: string): boolean {
    return !!this.#db
      .select({ id: rewardLots.id })
      .from(rewardLots)
      .where(and(openLots(licenseId, learnerId), dueBy(this.#clock.now())))
      .get();
  }

  /** Expires every due lot of the license; returns how many tokens expired. */
  expireDue(licenseId: string): number {
    return writeTransaction(this.#db, (tx) => {
      const learners = tx
        .selectDistinct({ learnerId: rewardLots.learnerId })
        .from(rewardLots)
        .where(
          and(
            eq(rewardLots.licenseId, licenseId),
            gt(rewardLots.remaining, 0),
            dueBy(this.#clock.now()),
          ),
        )
        .all();
      let total = 0;
      for (const { learnerId } of learners) total += this.expireLearner(tx, licenseId, learnerId);
      return total;
    });
  }

  /**
   * Credits tokens for a reported activity under the license's rule, up to the rule's daily
   * cap in the license's time zone.
   */
  earn(
    licenseId: string,
    input: { learnerId: string; activity: string; units?: number; idempotencyKey: string },
  ): EarnResult {
    const params = {
      learnerId: input.learnerId,
      activity: input.activity,
      units: input.units ?? 1,
    };
    return this.idempotent(licenseId, input.idempotencyKey, 'earn', params, (tx) =>
      this.earnIn(tx, licenseId, params),
    );
  }

  /**
   * Earns inside an open transaction, for a caller that records its own cause in it (a
   * purchase); the caller makes it happen once.
   */
  earnIn(
    tx: Tx,
    licenseId: string,
    input: { learnerId: string; activity: string; units: number },
  ): EarnResult {
    const rule = tx
      .select()
      .from(rewardRules)
      .where(and(eq(rewardRules.licenseId, licenseId), eq(rewardRules.activity, input.activity)))
      .get();
    if (!rule) {
      throw new ApiError('validation_failed', `No earning rule exists for "${input.activity}".`, {
        errors: [{ path: 'body.activity', message: 'No earning rule for this activity' }],
      });
    }
    const asked = Math.min(MAX_AMOUNT, rule.amount * input.units);
    let awarded = asked;
    const now = this.#clock.now();
    if (rule.dailyCap !== null) {
      const day = localDay(now, this.settings(licenseId, tx).timeZone);
      const key = and(
        eq(rewardDailyEarnings.licenseId, licenseId),
        eq(rewardDailyEarnings.learnerId, input.learnerId),
        eq(rewardDailyEarnings.activity, input.activity),
        eq(rewardDailyEarnings.day, day),
      );
      const today = tx.select().from(rewardDailyEarnings).where(key).get()?.amount ?? 0;
      awarded = Math.max(0, Math.min(asked, rule.dailyCap - today));
      if (awarded > 0) {
        tx.insert(rewardDailyEarnings)
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
          })
          .run();
      }
    }
    let transaction: TransactionView | null = null;
    if (awarded > 0) {
      const row = this.post(tx, licenseId, {
        learnerId: input.learnerId,
        type: 'earn',
        amount: awarded,
        reason: input.activity,
        counterparty: ISSUANCE,
      });
      this.#addLot(tx, licenseId, input.learnerId, row.id, awarded);
      this.#score(tx, licenseId, input.learnerId, awarded, now);
      transaction = view(row);
    }
    return {
      awarded,
      capped: awarded < asked,
      transaction,
      balance: this.balanceIn(tx, licenseId, input.learnerId),
    };
  }

  /** An operator's or customer admin's grant. Idempotent when a key is given. */
  bonus(
    licenseId: string,
    input: { learnerId: string; amount: number; reason: string; idempotencyKey?: string },
  ): MoveResult {
    const work = (tx: Tx): MoveResult => {
      const row = this.post(tx, licenseId, {
        learnerId: input.learnerId,
        type: 'bonus',
        amount: input.amount,
        reason: input.reason,
        counterparty: ISSUANCE,
      });
      this.#addLot(tx, licenseId, input.learnerId, row.id, input.amount);
      this.#score(tx, licenseId, input.learnerId, input.amount, this.#clock.now());
      return { transaction: view(row), balance: this.balanceIn(tx, licenseId, input.learnerId) };
    };
    const params = { learnerId: input.learnerId, amount: input.amount, reason: input.reason };
    return input.idempotencyKey
      ? this.idempotent(licenseId, input.idempotencyKey, 'bonus', params, work)
      : writeTransaction(this.#db, work);
  }

  /** Debits the learner inside an open transaction; refuses what the balance does not cover. */
  spendIn(
    tx: Tx,
    licenseId: string,
    input: { learnerId: string; amount: number; reason: string },
  ): typeof rewardTransactions.$inferSelect {
    this.expireLearner(tx, licenseId, input.learnerId);
    const balance = this.balanceIn(tx, licenseId, input.learnerId);
    if (balance < input.amount) throw insufficientBalance(balance, input.amount);
    this.#consumeLots(tx, licenseId, input.learnerId, input.amount);
    return this.post(tx, licenseId, {
      learnerId: input.learnerId,
      type: 'spend',
      amount: -input.amount,
      reason: input.reason,
      counterparty: REDEMPTION,
    });
  }

  spend(
    licenseId: string,
    input: { learnerId: string; amount: number; reason: string; idempotencyKey: string },
  ): MoveResult {
    const params = { learnerId: input.learnerId, amount: input.amount, reason: input.reason };
    return this.idempotent(licenseId, input.idempotencyKey, 'spend', params, (tx) => {
      const row = this.spendIn(tx, licenseId, input);
      return { transaction: view(row), balance: this.balanceIn(tx, licenseId, input.learnerId) };
    });
  }

  /**
   * Undoes an earn, bonus or spend. Taking back earned tokens never drives the balance below
   * zero: what the learner already spent is recorded as the shortfall instead.
   */
  reverseIn(tx: Tx, licenseId: string, transactionId: string, reason: string): ReversalResult {
    const original = tx
      .select()
      .from(rewardTransactions)
      .where(
        and(eq(rewardTransactions.licenseId, licenseId), eq(rewardTransactions.id, transactionId)),
      )
      .get();
    if (!original) throw new ApiError('not_found', 'No such transaction.');
    if (!['earn', 'bonus', 'spend'].includes(original.type)) {
      throw new ApiError('conflict', `A ${original.type} transaction cannot be reversed.`, {
        extensions: { reason: 'not_reversible' },
      });
    }
    const already = tx
      .select({ id: rewardTransactions.id })
      .from(rewardTransactions)
      .where(eq(rewardTransactions.reversesId, transactionId))
      .get();
    if (already) {
      throw new ApiError('conflict', 'This transaction has already been reversed.', {
        extensions: { reason: 'already_reversed', reversalId: already.id },
      });
    }
    const { learnerId } = original;
    let row: typeof rewardTransactions.$inferSelect;
    let shortfall = 0;
    if (original.type === 'spend') {
      const amount = -original.amount;
      row = this.post(tx, licenseId, {
        learnerId,
        type: 'reversal',
        amount,
        reason,
        counterparty: REDEMPTION,
        reversesId: original.id,
      });
      this.#addLot(tx, licenseId, learnerId, row.id, amount);
    } else {
      // Shares already taken back (partial refunds) are not taken twice.
      const due = original.amount - this.#sharesReversed(tx, licenseId, original.id);
      ({ row, shortfall } = this.#takeBack(tx, original, due, reason, original.id));
    }
    return { transaction: view(row), shortfall, balance: this.balanceIn(tx, licenseId, learnerId) };
  }

  /** Takes `due` tokens of an earn or bonus back; what the learner spent becomes the shortfall. */
  #takeBack(
    tx: Tx,
    original: typeof rewardTransactions.$inferSelect,
    due: number,
    reason: string,
    reversesId: string | undefined,
  ) {
    const { licenseId, learnerId } = original;
    this.expireLearner(tx, licenseId, learnerId);
    const balance = this.balanceIn(tx, licenseId, learnerId);
    const take = Math.min(balance, due);
    const shortfall = due - take;
    this.#consumeLots(tx, licenseId, learnerId, take, original.id);
    const row = this.post(tx, licenseId, {
      learnerId,
      type: 'reversal',
      amount: -take,
      reason,
      counterparty: ISSUANCE,
      ...(reversesId ? { reversesId } : {}),
      shortfall,
    });
    this.#score(tx, licenseId, learnerId, -due, original.createdAt);
    return { row, shortfall };
  }

  /** Keys of the shares taken back from a transaction sort together under this prefix. */
  static #sharePrefix(transactionId: string): string {
    return `share:${transactionId}:`;
  }

  /** Tokens of a transaction taken back in shares so far (shortfalls included). */
  #sharesReversed(tx: Tx, licenseId: string, transactionId: string): number {
    const prefix = Ledger.#sharePrefix(transactionId);
    return tx
      .select({ result: rewardIdempotency.result })
      .from(rewardIdempotency)
      .where(
        and(
          eq(rewardIdempotency.licenseId, licenseId),
          gte(rewardIdempotency.key, prefix),
          lt(rewardIdempotency.key, `${prefix}\uffff`),
        ),
      )
      .all()
      .reduce((total, { result }) => total + (result as ShareReversal).tokens, 0);
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
  reverseShareIn(
    tx: Tx,
    licenseId: string,
    transactionId: string,
    share: { part: number; whole: number; key: string; reason: string },
  ): ShareReversal | null {
    const { part, whole } = share;
    if (!Number.isSafeInteger(part) || !Number.isSafeInteger(whole) || part < 0 || whole <= 0) {
      throw new Error('a share is a safe integer part of a positive whole');
    }
    const original = tx
      .select()
      .from(rewardTransactions)
      .where(
        and(eq(rewardTransactions.licenseId, licenseId), eq(rewardTransactions.id, transactionId)),
      )
      .get();
    if (!original) throw new ApiError('not_found', 'No such transaction.');
    if (original.type !== 'earn' && original.type !== 'bonus') {
      throw new ApiError(
        'conflict',
        `A ${original.type} transaction cannot be reversed in shares.`,
        {
          extensions: { reason: 'not_reversible' },
        },
      );
    }
    const key = `${Ledger.#sharePrefix(transactionId)}${share.key}`;
    const print = fingerprint('reverse-share', { transactionId, part, whole });
    const seen = tx
      .select()
      .from(rewardIdempotency)
      .where(and(eq(rewardIdempotency.licenseId, licenseId), eq(rewardIdempotency.key, key)))
      .get();
    if (seen) {
      if (seen.fingerprint !== print) {
        throw new ApiError('conflict', 'This share was already taken back with other amounts.', {
          extensions: { reason: 'idempotency_key_reused' },
        });
      }
      return seen.result as ShareReversal;
    }
    const reversed = tx
      .select({ id: rewardTransactions.id })
      .from(rewardTransactions)
      .where(eq(rewardTransactions.reversesId, transactionId))
      .get();
    if (reversed) return null;
    const before = this.#sharesReversed(tx, licenseId, transactionId);
    // Exact: amounts and parts are safe integers, their product may not be.
    const target = Number(
      (BigInt(original.amount) * BigInt(Math.min(part, whole))) / BigInt(whole),
    );
    const tokens = Math.max(0, target - before);
    let transaction: TransactionView | null = null;
    let shortfall = 0;
    if (tokens > 0) {
      const complete = before + tokens === original.amount;
      const taken = this.#takeBack(
        tx,
        original,
        tokens,
        share.reason,
        complete ? original.id : undefined,
      );
      transaction = view(taken.row);
      shortfall = taken.shortfall;
    }
    const result: ShareReversal = {
      tokens,
      transaction,
      shortfall,
      reversed: before + tokens,
      balance: this.balanceIn(tx, licenseId, original.learnerId),
    };
    tx.insert(rewardIdempotency)
      .values({ licenseId, key, fingerprint: print, result, createdAt: this.#clock.now() })
      .run();
    return result;
  }

  reverse(
    licenseId: string,
    transactionId: string,
    reason: string,
    idempotencyKey?: string,
  ): ReversalResult {
    const work = (tx: Tx) => this.reverseIn(tx, licenseId, transactionId, reason);
    return idempotencyKey
      ? this.idempotent(licenseId, idempotencyKey, 'reverse', { transactionId, reason }, work)
      : writeTransaction(this.#db, work);
  }

  /* Reading */

  balance(licenseId: string, learnerId: string): number {
    if (this.#hasDueLots(licenseId, learnerId)) {
      writeTransaction(this.#db, (tx) => this.expireLearner(tx, licenseId, learnerId));
    }
    return this.balanceIn(this.#db, licenseId, learnerId);
  }

  /** Tokens that expire within `days`, and when the first of them does. */
  expiring(licenseId: string, learnerId: string, days = 30) {
    const until = new Date(this.#clock.now().getTime() + days * 86_400_000);
    const row = this.#db
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

  history(
    licenseId: string,
    learnerId: string,
    options: { type?: TransactionType; cursor?: string; limit: number },
  ): HistoryPage {
    const after = options.cursor ? decodeCursor(options.cursor) : undefined;
    const rows = this.#db
      .select()
      .from(rewardTransactions)
      .where(
        and(
          eq(rewardTransactions.licenseId, licenseId),
          eq(rewardTransactions.learnerId, learnerId),
          options.type ? eq(rewardTransactions.type, options.type) : undefined,
          after
            ? or(
                lt(rewardTransactions.createdAt, new Date(after.at)),
                and(
                  eq(rewardTransactions.createdAt, new Date(after.at)),
                  lt(rewardTransactions.id, after.id),
                ),
              )
            : undefined,
        ),
      )
      .orderBy(desc(rewardTransactions.createdAt), desc(rewardTransactions.id))
      .limit(options.limit + 1)
      .all();
    const page = rows.slice(0, options.limit);
    const last = page.at(-1);
    return {
      items: page.map(view),
      nextCursor:
        rows.length > options.limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  /**
   * Proves the books balance: each transaction's postings sum to zero, each stored balance
   * equals the replay of its postings, no learner is below zero, and the unexpired lots add up
   * to each learner's balance. Pass no license to check every tenant.
   */
  check(licenseId?: string): LedgerCheck {
    const db = this.#db;
    const problems: string[] = [];
    const tenant = (column: string) =>
      licenseId ? sql` and ${sql.raw(column)} = ${licenseId}` : sql``;
    const unbalanced = db.all<{ id: string; total: number }>(
      sql`select transaction_id as id, sum(amount) as total from reward_postings where 1 = 1${tenant('license_id')} group by transaction_id having sum(amount) != 0`,
    );
    for (const t of unbalanced) problems.push(`transaction ${t.id}: postings sum to ${t.total}`);
    const orphans = db.all<{ id: string }>(
      sql`select t.id from reward_transactions t where not exists (select 1 from reward_postings p where p.transaction_id = t.id)${tenant('t.license_id')}`,
    );
    for (const t of orphans) problems.push(`transaction ${t.id}: no postings`);
    const mismatched = db.all<{
      license: string;
      account: string;
      stored: number | null;
      replay: number | null;
    }>(
      sql`select license_id as license, account, stored, replay from (
            select a.license_id, a.account, a.balance as stored,
              (select coalesce(sum(p.amount), 0) from reward_postings p where p.license_id = a.license_id and p.account = a.account) as replay
            from reward_accounts a
            union all
            select p.license_id, p.account, null, sum(p.amount) from reward_postings p
            where not exists (select 1 from reward_accounts a where a.license_id = p.license_id and a.account = p.account)
            group by p.license_id, p.account
          ) where (stored is null or stored != replay)${tenant('license_id')}`,
    );
    for (const m of mismatched) {
      problems.push(
        `${m.license} ${m.account}: stored ${m.stored ?? 'missing'}, replay ${m.replay}`,
      );
    }
    const negative = db.all<{ license: string; account: string; balance: number }>(
      sql`select license_id as license, account, balance from reward_accounts where account like 'learner:%' and balance < 0${tenant('license_id')}`,
    );
    for (const n of negative)
      problems.push(`${n.license} ${n.account}: negative balance ${n.balance}`);
    const lots = db.all<{ license: string; learner: string; balance: number; lots: number }>(
      sql`select a.license_id as license, substr(a.account, 9) as learner, a.balance,
            (select coalesce(sum(l.remaining), 0) from reward_lots l where l.license_id = a.license_id and l.learner_id = substr(a.account, 9)) as lots
          from reward_accounts a where a.account like 'learner:%'${tenant('a.license_id')}
          and a.balance != (select coalesce(sum(l.remaining), 0) from reward_lots l where l.license_id = a.license_id and l.learner_id = substr(a.account, 9))`,
    );
    for (const l of lots)
      problems.push(`${l.license} learner:${l.learner}: balance ${l.balance}, lots ${l.lots}`);
    const count = (table: string) =>
      db.get<{ n: number }>(
        sql`select count(*) as n from ${sql.raw(table)} where 1 = 1${tenant('license_id')}`,
      )?.n ?? 0;
    return {
      ok: problems.length === 0,
      transactions: count('reward_transactions'),
      postings: count('reward_postings'),
      accounts: count('reward_accounts'),
      problems,
    };
  }
}
