import type { Store, Tx } from '../../db/store.js';
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
import { activeFeatures, newestGrant, unusedCoupon, useCoupon } from './redemptions/unlocks.js';

/**
 * The rewards catalog and the redemption workflow. Feature unlocks and course coupons are
 * fulfilled the moment they are redeemed; merchandise and partner rewards wait for the
 * operator (or partner). Rejected and canceled redemptions return the tokens and the stock.
 *
 * Each redemption uses one unit of the license's `redemptions` allowance, in the write
 * that spends the tokens: a refusal spends nothing, and a redemption that does not commit
 * counts nothing. Canceled and rejected redemptions were made all the same and stay counted.
 *
 * This class is the service surface; each job lives in its own file under `redemptions/`.
 */
export class Redemptions {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #ledger: Ledger;
  readonly #allowance: Allowance;

  /** `allowance`: the license's `redemptions` allowance (the usage meter); none by default. */
  constructor(store: Store, clock: Clock, ledger: Ledger, allowance: Allowance = unlimited) {
    this.#store = store;
    this.#clock = clock;
    this.#ledger = ledger;
    this.#allowance = allowance;
  }

  /* Catalog */

  async items(
    licenseId: string,
    options: { activeOnly?: boolean } = {},
  ): Promise<RewardItemView[]> {
    return listItems(this.#store.db, licenseId, options);
  }

  async createItem(licenseId: string, input: RewardItemInput): Promise<RewardItemView> {
    return createItem(this.#store, this.#clock, licenseId, input);
  }

  async updateItem(licenseId: string, id: string, patch: RewardItemPatch): Promise<RewardItemView> {
    return updateItem(this.#store, this.#clock, licenseId, id, patch);
  }

  /* Redeeming */

  /** Spends the learner's tokens on a reward, once per idempotency key. */
  async redeem(
    licenseId: string,
    learnerId: string,
    input: { itemId: string; shipping?: ShippingDetails; idempotencyKey: string },
  ): Promise<RedemptionView> {
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

  async redemptions(licenseId: string, filter: RedemptionFilter = {}): Promise<RedemptionView[]> {
    const rows = await redemptionRows(this.#store.db, licenseId, filter);
    return rows.map(redemptionView);
  }

  /** The operator's view: every redemption with the learner it belongs to. */
  async redemptionsWithLearner(
    licenseId: string,
    filter: RedemptionFilter = {},
  ): Promise<OperatorRedemption[]> {
    const rows = await redemptionRows(this.#store.db, licenseId, filter);
    return rows.map((row) => ({ ...redemptionView(row), learnerId: row.learnerId }));
  }

  async fulfil(licenseId: string, id: string, note: string | null = null): Promise<RedemptionView> {
    return transition(this.#deps(), licenseId, id, 'fulfilled', note);
  }

  async reject(licenseId: string, id: string, note: string | null = null): Promise<RedemptionView> {
    return transition(this.#deps(), licenseId, id, 'rejected', note);
  }

  /** A learner takes back a request the operator has not acted on yet. */
  async cancel(licenseId: string, learnerId: string, id: string): Promise<RedemptionView> {
    return transition(this.#deps(), licenseId, id, 'canceled', null, learnerId);
  }

  /* What redemptions hand out */

  /** Features the learner unlocked with tokens that are still running. */
  async activeFeatures(licenseId: string, learnerId: string): Promise<FeatureUnlock[]> {
    return activeFeatures(this.#store.db, this.#clock, licenseId, learnerId);
  }

  /**
   * The id of the learner's newest feature grant (0: none). It changes exactly when a new
   * unlock is redeemed, so a cache of feature access can probe it instead of re-reading.
   */
  async newestFeatureGrant(licenseId: string, learnerId: string): Promise<number> {
    return newestGrant(this.#store.db, licenseId, learnerId);
  }

  /** A coupon the checkout may accept: issued by this license and not used yet. */
  async coupon(licenseId: string, code: string): Promise<CourseCoupon | null> {
    return unusedCoupon(this.#store.db, licenseId, code);
  }

  /**
   * Marks a coupon used, inside the transaction that records the purchase it paid for.
   * Returns false when it was used already (two checkouts raced with one code).
   */
  async useCoupon(tx: Tx, licenseId: string, code: string, now: Date): Promise<boolean> {
    return useCoupon(tx, licenseId, code, now);
  }

  #deps() {
    return { store: this.#store, clock: this.#clock, ledger: this.#ledger };
  }
}
