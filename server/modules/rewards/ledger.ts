import { writeTransaction, type Db, type Tx } from '../../db/client.js';
import type { Clock } from '../../services.js';
import type {
  EarnResult,
  ExpiringTokens,
  GrantInput,
  HistoryPage,
  HistoryQuery,
  LedgerCheck,
  MoveResult,
  ReversalResult,
  RewardRule,
  RewardSettings,
  ShareReversal,
} from './contract.js';
import { checkBooks } from './ledger/check.js';
import { history } from './ledger/history.js';
import { idempotent } from './ledger/idempotency.js';
import { expireDue, expireLearner, expiring, hasDueLots } from './ledger/lots.js';
import { bonusIn, earnIn, spendIn } from './ledger/moves.js';
import {
  balanceIn,
  post,
  transactionView,
  type LedgerContext,
  type Posting,
  type TransactionRow,
} from './ledger/postings.js';
import { reverseIn, reverseShareIn } from './ledger/reversals.js';
import {
  deleteRule,
  listRules,
  readSettings,
  ruleFor,
  setRule,
  updateSettings,
} from './ledger/settings.js';

/**
 * The token ledger. Every change is a transaction whose postings sum to zero, moving tokens
 * between a learner's account and a system account (issuance, redemption, expiry). Every
 * read-then-write runs in an IMMEDIATE transaction, so concurrent requests — in this process
 * or another one on the same file — can never spend the same tokens twice.
 *
 * This class is the ledger's service surface; each job lives in its own file under
 * `ledger/`. Methods ending in `In` work inside a transaction the caller holds open.
 */
export class Ledger {
  readonly #ctx: LedgerContext;

  constructor(db: Db, clock: Clock) {
    this.#ctx = { db, clock };
  }

  get db(): Db {
    return this.#ctx.db;
  }

  get clock(): Clock {
    return this.#ctx.clock;
  }

  /* Settings and rules */

  settings(licenseId: string, tx: Db | Tx = this.#ctx.db): RewardSettings {
    return readSettings(tx, licenseId);
  }

  updateSettings(licenseId: string, patch: Partial<RewardSettings>): RewardSettings {
    return updateSettings(this.#ctx, licenseId, patch);
  }

  rules(licenseId: string): RewardRule[] {
    return listRules(this.#ctx.db, licenseId);
  }

  /** The license's rule for `activity`, or null when the activity earns nothing. */
  ruleIn(tx: Db | Tx, licenseId: string, activity: string): RewardRule | null {
    return ruleFor(tx, licenseId, activity);
  }

  setRule(licenseId: string, rule: RewardRule): RewardRule {
    return setRule(this.#ctx, licenseId, rule);
  }

  deleteRule(licenseId: string, activity: string): boolean {
    return deleteRule(this.#ctx.db, licenseId, activity);
  }

  /* Writing */

  /** Runs `work` once per idempotency key (see `ledger/idempotency.ts`). */
  idempotent<T>(
    licenseId: string,
    key: string,
    operation: string,
    params: unknown,
    work: (tx: Tx) => T,
  ): T {
    return idempotent(this.#ctx, licenseId, key, operation, params, work);
  }

  /** Records one balanced transaction; refuses to take a learner below zero. */
  post(tx: Tx, licenseId: string, entry: Posting): TransactionRow {
    return post(this.#ctx, tx, licenseId, entry);
  }

  balanceIn(tx: Db | Tx, licenseId: string, learnerId: string): number {
    return balanceIn(tx, licenseId, learnerId);
  }

  /** Credits tokens for a reported activity under the license's rule and daily cap. */
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
      earnIn(this.#ctx, tx, licenseId, params),
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
    return earnIn(this.#ctx, tx, licenseId, input);
  }

  /** An operator's or customer admin's grant. Idempotent when a key is given. */
  bonus(licenseId: string, input: GrantInput & { idempotencyKey?: string }): MoveResult {
    const params = { learnerId: input.learnerId, amount: input.amount, reason: input.reason };
    const work = (tx: Tx) => bonusIn(this.#ctx, tx, licenseId, params);
    return input.idempotencyKey
      ? this.idempotent(licenseId, input.idempotencyKey, 'bonus', params, work)
      : writeTransaction(this.#ctx.db, work);
  }

  /** Debits the learner inside an open transaction; refuses what the balance does not cover. */
  spendIn(
    tx: Tx,
    licenseId: string,
    input: { learnerId: string; amount: number; reason: string },
  ): TransactionRow {
    return spendIn(this.#ctx, tx, licenseId, input);
  }

  spend(
    licenseId: string,
    input: { learnerId: string; amount: number; reason: string; idempotencyKey: string },
  ): MoveResult {
    const params = { learnerId: input.learnerId, amount: input.amount, reason: input.reason };
    return this.idempotent(licenseId, input.idempotencyKey, 'spend', params, (tx) => {
      const row = spendIn(this.#ctx, tx, licenseId, input);
      return {
        transaction: transactionView(row),
        balance: balanceIn(tx, licenseId, input.learnerId),
      };
    });
  }

  /** Undoes an earn, bonus or spend; tokens already spent become the shortfall. */
  reverseIn(tx: Tx, licenseId: string, transactionId: string, reason: string): ReversalResult {
    return reverseIn(this.#ctx, tx, licenseId, transactionId, reason);
  }

  reverse(
    licenseId: string,
    transactionId: string,
    reason: string,
    idempotencyKey?: string,
  ): ReversalResult {
    const work = (tx: Tx) => reverseIn(this.#ctx, tx, licenseId, transactionId, reason);
    return idempotencyKey
      ? this.idempotent(licenseId, idempotencyKey, 'reverse', { transactionId, reason }, work)
      : writeTransaction(this.#ctx.db, work);
  }

  /**
   * Takes back the share `part / whole` of an earn or bonus, once per `key`: the shares come
   * to floor(amount × part / whole) in all (see `ledger/reversals.ts`). Null when the original
   * was already reversed as a whole.
   */
  reverseShareIn(
    tx: Tx,
    licenseId: string,
    transactionId: string,
    share: { part: number; whole: number; key: string; reason: string },
  ): ShareReversal | null {
    return reverseShareIn(this.#ctx, tx, licenseId, transactionId, share);
  }

  /** Expires the learner's due lots inside an open transaction; returns the tokens expired. */
  expireLearner(tx: Tx, licenseId: string, learnerId: string): number {
    return expireLearner(this.#ctx, tx, licenseId, learnerId);
  }

  /** Expires every due lot of the license; returns how many tokens expired. */
  expireDue(licenseId: string): number {
    return expireDue(this.#ctx, licenseId);
  }

  /* Reading */

  /** The learner's balance, after expiring what is due. */
  balance(licenseId: string, learnerId: string): number {
    if (hasDueLots(this.#ctx, licenseId, learnerId)) {
      writeTransaction(this.#ctx.db, (tx) => expireLearner(this.#ctx, tx, licenseId, learnerId));
    }
    return balanceIn(this.#ctx.db, licenseId, learnerId);
  }

  /** Tokens that expire within `days`, and when the first of them does. */
  expiring(licenseId: string, learnerId: string, days = 30): ExpiringTokens {
    return expiring(this.#ctx, licenseId, learnerId, days);
  }

  history(licenseId: string, learnerId: string, options: HistoryQuery): HistoryPage {
    return history(this.#ctx.db, licenseId, learnerId, options);
  }

  /** Proves the books balance (see `ledger/check.ts`); pass no license to check every tenant. */
  check(licenseId?: string): LedgerCheck {
    return checkBooks(this.#ctx.db, licenseId);
  }
}
