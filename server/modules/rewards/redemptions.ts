import type { Db, Tx } from '../../db/client.js';
import { spending, unlimited, type Allowance } from '../../lib/allowance.js';
import type { Clock } from '../../services.js';
import type {
  CourseCoupon,
  FeatureUnlock,
  OperatorRedemption,
  RedemptionView,
  RewardItemInput,
  RewardItemPatch,
  RewardItemView,
  ShippingDetails,
} from './contract.js';
import type { Ledger } from './ledger.js';
import { createItem, listItems, updateItem } from './redemptions/catalog.js';
import { redeemIn } from './redemptions/redeem.js';
import { redemptionRows, redemptionView, type RedemptionFilter } from './redemptions/records.js';
import { transition } from './redemptions/transitions.js';
import {
  activeFeatures,
  newestGrantProbe,
  unusedCoupon,
  useCoupon,
} from './redemptions/unlocks.js';

/**
 * The rewards catalog and the redemption workflow. Feature unlocks and course coupons are
 * fulfilled the moment they are redeemed; merchandise and partner rewards wait for the
 * operator (or partner). Rejected and canceled redemptions return the tokens and the stock.
 *
 * Each redemption uses one unit of the license's `redemptions` allowance, in the transaction
 * that spends the tokens: a refusal spends nothing, and a redemption that does not commit
 * counts nothing. Canceled and rejected redemptions were made all the same and stay counted.
 *
 * This class is the service surface; each job lives in its own file under `redemptions/`.
 */
export class Redemptions {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #ledger: Ledger;
  readonly #newestGrant: (licenseId: string, learnerId: string) => number;
  readonly #allowance: Allowance;

  /** `allowance`: the license's `redemptions` allowance (the usage meter); none by default. */
  constructor(db: Db, clock: Clock, ledger: Ledger, allowance: Allowance = unlimited) {
    this.#db = db;
    this.#clock = clock;
    this.#ledger = ledger;
    this.#allowance = allowance;
    this.#newestGrant = newestGrantProbe(db);
  }

  /* Catalog */

  items(licenseId: string, options: { activeOnly?: boolean } = {}): RewardItemView[] {
    return listItems(this.#db, licenseId, options);
  }

  createItem(licenseId: string, input: RewardItemInput): RewardItemView {
    return createItem(this.#db, this.#clock, licenseId, input);
  }

  updateItem(licenseId: string, id: string, patch: RewardItemPatch): RewardItemView {
    return updateItem(this.#db, this.#clock, licenseId, id, patch);
  }

  /* Redeeming */

  /** Spends the learner's tokens on a reward, once per idempotency key. */
  redeem(
    licenseId: string,
    learnerId: string,
    input: { itemId: string; shipping?: ShippingDetails; idempotencyKey: string },
  ): RedemptionView {
    const params = { learnerId, itemId: input.itemId, shipping: input.shipping ?? null };
    // A repeated request returns the first result without calling redeemIn: counted once.
    return spending(this.#allowance, licenseId, (consume) =>
      this.#ledger.idempotent(licenseId, input.idempotencyKey, 'redeem', params, (tx) =>
        redeemIn(
          { clock: this.#clock, ledger: this.#ledger, consume },
          tx,
          licenseId,
          learnerId,
          input,
        ),
      ),
    );
  }

  redemptions(licenseId: string, filter: RedemptionFilter = {}): RedemptionView[] {
    return redemptionRows(this.#db, licenseId, filter).map(redemptionView);
  }

  /** The operator's view: every redemption with the learner it belongs to. */
  redemptionsWithLearner(licenseId: string, filter: RedemptionFilter = {}): OperatorRedemption[] {
    return redemptionRows(this.#db, licenseId, filter).map((row) => ({
      ...redemptionView(row),
      learnerId: row.learnerId,
    }));
  }

  fulfil(licenseId: string, id: string, note: string | null = null): RedemptionView {
    return transition(this.#deps(), licenseId, id, 'fulfilled', note);
  }

  reject(licenseId: string, id: string, note: string | null = null): RedemptionView {
    return transition(this.#deps(), licenseId, id, 'rejected', note);
  }

  /** A learner takes back a request the operator has not acted on yet. */
  cancel(licenseId: string, learnerId: string, id: string): RedemptionView {
    return transition(this.#deps(), licenseId, id, 'canceled', null, learnerId);
  }

  /* What redemptions hand out */

  /** Features the learner unlocked with tokens that are still running. */
  activeFeatures(licenseId: string, learnerId: string): FeatureUnlock[] {
    return activeFeatures(this.#db, this.#clock, licenseId, learnerId);
  }

  /**
   * The id of the learner's newest feature grant (0: none). It changes exactly when a new
   * unlock is redeemed, so a cache of feature access can probe it instead of re-reading.
   */
  newestFeatureGrant(licenseId: string, learnerId: string): number {
    return this.#newestGrant(licenseId, learnerId);
  }

  /** A coupon the checkout may accept: issued by this license and not used yet. */
  coupon(licenseId: string, code: string): CourseCoupon | null {
    return unusedCoupon(this.#db, licenseId, code);
  }

  /**
   * Marks a coupon used, inside the transaction that records the purchase it paid for.
   * Returns false when it was used already (two checkouts raced with one code).
   */
  useCoupon(tx: Tx, licenseId: string, code: string, now: Date): boolean {
    return useCoupon(tx, licenseId, code, now);
  }

  #deps() {
    return { db: this.#db, clock: this.#clock, ledger: this.#ledger };
  }
}
