import type { Db, Store, Tx } from '../../db/store.js';
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
 * read-then-write runs in one `store.write`, so concurrent requests — in this process or
 * another one on the same store — can never spend the same tokens twice.
 *
 * This class is the ledger's service surface; each job lives in its own file under
 * `ledger/`. Methods ending in `In` work inside a transaction the caller holds open.
 */
export class Ledger {
  readonly #ctx: LedgerContext;

  constructor(store: Store, clock: Clock) {
    this.#ctx = { store, clock };
  }

  get store(): Store {
    return this.#ctx.store;
  }

  get clock(): Clock {
    return this.#ctx.clock;
  }

  /* Settings and rules */

  async settings(licenseId: string, tx: Db = this.#ctx.store.db): Promise<RewardSettings> {
    return readSettings(tx, licenseId);
  }

  async updateSettings(licenseId: string, patch: Partial<RewardSettings>): Promise<RewardSettings> {
    return updateSettings(this.#ctx, licenseId, patch);
  }

  async rules(licenseId: string): Promise<RewardRule[]> {
    return listRules(this.#ctx.store.db, licenseId);
  }

  /** The license's rule for `activity`, or null when the activity earns nothing. */
  async ruleIn(tx: Db, licenseId: string, activity: string): Promise<RewardRule | null> {
    return ruleFor(tx, licenseId, activity);
  }

  async setRule(licenseId: string, rule: RewardRule): Promise<RewardRule> {
    return setRule(this.#ctx, licenseId, rule);
  }

  async deleteRule(licenseId: string, activity: string): Promise<boolean> {
    return deleteRule(this.#ctx, licenseId, activity);
  }

  /* Writing */

  /** Runs `work` once per idempotency key (see `ledger/idempotency.ts`). */
  async idempotent<T>(
    licenseId: string,
    key: string,
    operation: string,
    params: unknown,
    work: (tx: Tx) => Promise<T>,
  ): Promise<T> {
    return idempotent(this.#ctx, licenseId, key, operation, params, work);
  }

  /** Records one balanced transaction; refuses to take a learner below zero. */
  async post(tx: Tx, licenseId: string, entry: Posting): Promise<TransactionRow> {
    return post(this.#ctx, tx, licenseId, entry);
  }

  async balanceIn(tx: Db, licenseId: string, learnerId: string): Promise<number> {
    return balanceIn(tx, licenseId, learnerId);
  }

  /** Credits tokens for a reported activity under the license's rule and daily cap. */
  async earn(
    licenseId: string,
    input: { learnerId: string; activity: string; units?: number; idempotencyKey: string },
  ): Promise<EarnResult> {
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
  async earnIn(
    tx: Tx,
    licenseId: string,
    input: { learnerId: string; activity: string; units: number },
  ): Promise<EarnResult> {
    return earnIn(this.#ctx, tx, licenseId, input);
  }

  /** An operator's or customer admin's grant. Idempotent when a key is given. */
  async bonus(
    licenseId: string,
    input: GrantInput & { idempotencyKey?: string },
  ): Promise<MoveResult> {
    const params = { learnerId: input.learnerId, amount: input.amount, reason: input.reason };
    const work = (tx: Tx) => bonusIn(this.#ctx, tx, licenseId, params);
    return input.idempotencyKey
      ? this.idempotent(licenseId, input.idempotencyKey, 'bonus', params, work)
      : this.#ctx.store.write(work);
  }

  /** Debits the learner inside an open transaction; refuses what the balance does not cover. */
  async spendIn(
    tx: Tx,
    licenseId: string,
    input: { learnerId: string; amount: number; reason: string },
  ): Promise<TransactionRow> {
    return spendIn(this.#ctx, tx, licenseId, input);
  }

  async spend(
    licenseId: string,
    input: { learnerId: string; amount: number; reason: string; idempotencyKey: string },
  ): Promise<MoveResult> {
    const params = { learnerId: input.learnerId, amount: input.amount, reason: input.reason };
    return this.idempotent(licenseId, input.idempotencyKey, 'spend', params, async (tx) => {
      const row = await spendIn(this.#ctx, tx, licenseId, input);
      return {
        transaction: transactionView(row),
        balance: await balanceIn(tx, licenseId, input.learnerId),
      };
    });
  }

  /** Undoes an earn, bonus or spend; tokens already spent become the shortfall. */
  async reverseIn(
    tx: Tx,
    licenseId: string,
    transactionId: string,
    reason: string,
  ): Promise<ReversalResult> {
    return reverseIn(this.#ctx, tx, licenseId, transactionId, reason);
  }

  async reverse(
    licenseId: string,
    transactionId: string,
    reason: string,
    idempotencyKey?: string,
  ): Promise<ReversalResult> {
    const work = (tx: Tx) => reverseIn(this.#ctx, tx, licenseId, transactionId, reason);
    return idempotencyKey
      ? this.idempotent(licenseId, idempotencyKey, 'reverse', { transactionId, reason }, work)
      : this.#ctx.store.write(work);
  }

  /**
   * Takes back the share `part / whole` of an earn or bonus, once per `key`: the shares come
   * to floor(amount × part / whole) in all (see `ledger/reversals.ts`). Null when the original
   * was already reversed as a whole.
   */
  async reverseShareIn(
    tx: Tx,
    licenseId: string,
    transactionId: string,
    share: { part: number; whole: number; key: string; reason: string },
  ): Promise<ShareReversal | null> {
    return reverseShareIn(this.#ctx, tx, licenseId, transactionId, share);
  }

  /** Expires the learner's due lots inside an open transaction; returns the tokens expired. */
  async expireLearner(tx: Tx, licenseId: string, learnerId: string): Promise<number> {
    return expireLearner(this.#ctx, tx, licenseId, learnerId);
  }

  /** Expires every due lot of the license; returns how many tokens expired. */
  async expireDue(licenseId: string): Promise<number> {
    return expireDue(this.#ctx, licenseId);
  }

  /* Reading */

  /** The learner's balance, after expiring what is due. */
  async balance(licenseId: string, learnerId: string): Promise<number> {
    if (await hasDueLots(this.#ctx, licenseId, learnerId)) {
      await this.#ctx.store.write((tx) => expireLearner(this.#ctx, tx, licenseId, learnerId));
    }
    return balanceIn(this.#ctx.store.db, licenseId, learnerId);
  }

  /** Tokens that expire within `days`, and when the first of them does. */
  async expiring(licenseId: string, learnerId: string, days = 30): Promise<ExpiringTokens> {
    return expiring(this.#ctx, licenseId, learnerId, days);
  }

  async history(licenseId: string, learnerId: string, options: HistoryQuery): Promise<HistoryPage> {
    return history(this.#ctx.store.db, licenseId, learnerId, options);
  }

  /** Proves the books balance (see `ledger/check.ts`); pass no license to check every tenant. */
  async check(licenseId?: string): Promise<LedgerCheck> {
    return checkBooks(this.#ctx.store.db, licenseId);
  }
}
