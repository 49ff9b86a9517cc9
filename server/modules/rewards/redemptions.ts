import { randomBytes } from 'node:crypto';
import { and, desc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { writeTransaction, type Db, type Tx } from '../../db/client.js';
import { ApiError } from '../../errors.js';
import type { Clock } from '../../services.js';
import { generateId } from '../../lib/ids.js';
import { enqueueEvents } from '../outbox/service.js';
import type {
  FeatureUnlock,
  OperatorRedemption,
  RedemptionEvent,
  RedemptionStatus,
  RedemptionView,
  RewardDetails,
  RewardItemInput,
  RewardItemPatch,
  RewardItemView,
  RewardKind,
  ShippingDetails,
} from './contract.js';
import type { Ledger } from './ledger.js';
import { rewardCoupons, rewardFeatureGrants, rewardItems, rewardRedemptions } from './schema.js';

type ItemRow = typeof rewardItems.$inferSelect;
type RedemptionRow = typeof rewardRedemptions.$inferSelect;

function itemView(row: ItemRow): RewardItemView {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    description: row.description,
    cost: row.cost,
    stock: row.stock,
    perLearnerLimit: row.perLearnerLimit,
    details: row.details,
    active: row.active,
  };
}

export function redemptionView(row: RedemptionRow): RedemptionView {
  return {
    id: row.id,
    itemId: row.itemId,
    kind: row.kind,
    title: row.title,
    cost: row.cost,
    status: row.status,
    couponCode: row.couponCode,
    featureUntil: row.featureUntil?.toISOString() ?? null,
    note: row.note,
    shipping: row.shipping,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Coupon codes people can read aloud: no 0/O or 1/I. */
function couponCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(12);
  let code = '';
  for (let i = 0; i < 12; i++) code += alphabet[bytes[i]! % alphabet.length];
  return `LX-${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

function detailErrors(kind: RewardKind, details: RewardDetails) {
  const errors: { path: string; message: string }[] = [];
  if (kind === 'feature_unlock') {
    if (!details.feature)
      errors.push({ path: 'body.details.feature', message: 'Required for a feature unlock' });
    if (!details.days)
      errors.push({ path: 'body.details.days', message: 'Required for a feature unlock' });
  }
  if (kind === 'course_coupon' && !details.percentOff === !details.amountOff) {
    errors.push({
      path: 'body.details.percentOff',
      message: 'Give exactly one of percentOff or amountOff',
    });
  }
  if (kind === 'course_coupon' && details.amountOff && !details.currency) {
    errors.push({ path: 'body.details.currency', message: 'Required with amountOff' });
  }
  return errors;
}

/**
 * `redemption.<status>` for the license's webhook endpoints, queued in the transaction of the
 * change, so a partner (an LMS fulfilling `partner` rewards) hears of each step exactly once.
 */
function queueRedemptionEvent(tx: Tx, row: RedemptionRow, partner: string | null, now: Date): void {
  const payload: RedemptionEvent = {
    redemptionId: row.id,
    learnerId: row.learnerId,
    itemId: row.itemId,
    kind: row.kind,
    title: row.title,
    cost: row.cost,
    status: row.status,
    partner,
    note: row.note,
    featureUntil: row.featureUntil?.toISOString() ?? null,
  };
  enqueueEvents(
    tx,
    [
      {
        licenseId: row.licenseId,
        type: `redemption.${row.status}`,
        dedupeKey: `redemption.${row.status}:${row.id}`,
        payload,
      },
    ],
    now,
  );
}

/**
 * The rewards catalog and the redemption workflow. Feature unlocks and course coupons are
 * fulfilled the moment they are redeemed; merchandise and partner rewards wait for the
 * operator (or partner). Rejected and canceled redemptions return the tokens and the stock.
 */
export class Redemptions {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #ledger: Ledger;

  constructor(db: Db, clock: Clock, ledger: Ledger) {
    this.#db = db;
    this.#clock = clock;
    this.#ledger = ledger;
  }

  /* Catalog */

  items(licenseId: string, options: { activeOnly?: boolean } = {}): RewardItemView[] {
    return this.#db
      .select()
      .from(rewardItems)
      .where(
        and(
          eq(rewardItems.licenseId, licenseId),
          options.activeOnly ? eq(rewardItems.active, true) : undefined,
        ),
      )
      .orderBy(rewardItems.cost, rewardItems.title)
      .all()
      .map(itemView);
  }

  #item(tx: Db | Tx, licenseId: string, id: string): ItemRow {
    const row = tx
      .select()
      .from(rewardItems)
      .where(and(eq(rewardItems.licenseId, licenseId), eq(rewardItems.id, id)))
      .get();
    if (!row) throw new ApiError('not_found', 'No such reward.');
    return row;
  }

  createItem(licenseId: string, input: RewardItemInput): RewardItemView {
    const details = input.details ?? {};
    const errors = detailErrors(input.kind, details);
    if (errors.length)
      throw new ApiError('validation_failed', 'The reward details are incomplete.', { errors });
    const now = this.#clock.now();
    const row = this.#db
      .insert(rewardItems)
      .values({
        id: generateId('rwd'),
        licenseId,
        kind: input.kind,
        title: input.title,
        description: input.description ?? '',
        cost: input.cost,
        stock: input.stock ?? null,
        perLearnerLimit: input.perLearnerLimit ?? null,
        details,
        active: input.active ?? true,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    return itemView(row);
  }

  updateItem(licenseId: string, id: string, patch: RewardItemPatch): RewardItemView {
    return writeTransaction(this.#db, (tx) => {
      const current = this.#item(tx, licenseId, id);
      const kind = patch.kind ?? current.kind;
      const details = patch.details ?? current.details;
      const errors = detailErrors(kind, details);
      if (errors.length)
        throw new ApiError('validation_failed', 'The reward details are incomplete.', { errors });
      const row = tx
        .update(rewardItems)
        .set({ ...patch, kind, details, updatedAt: this.#clock.now() })
        .where(and(eq(rewardItems.licenseId, licenseId), eq(rewardItems.id, id)))
        .returning()
        .get();
      return itemView(row!);
    });
  }

  /* Redeeming */

  redeem(
    licenseId: string,
    learnerId: string,
    input: { itemId: string; shipping?: ShippingDetails; idempotencyKey: string },
  ): RedemptionView {
    const params = { learnerId, itemId: input.itemId, shipping: input.shipping ?? null };
    return this.#ledger.idempotent(licenseId, input.idempotencyKey, 'redeem', params, (tx) => {
      const item = this.#item(tx, licenseId, input.itemId);
      if (!item.active) {
        throw new ApiError('conflict', 'This reward is no longer offered.', {
          extensions: { reason: 'reward_inactive' },
        });
      }
      if (item.kind === 'merchandise' && !input.shipping) {
        throw new ApiError('validation_failed', 'Merchandise needs a shipping address.', {
          errors: [{ path: 'body.shipping', message: 'Required for merchandise' }],
        });
      }
      if (item.stock !== null && item.stock <= 0) {
        throw new ApiError('conflict', 'This reward is out of stock.', {
          extensions: { reason: 'out_of_stock' },
        });
      }
      if (item.perLearnerLimit !== null) {
        const taken = tx
          .select({ n: sql<number>`count(*)` })
          .from(rewardRedemptions)
          .where(
            and(
              eq(rewardRedemptions.licenseId, licenseId),
              eq(rewardRedemptions.itemId, item.id),
              eq(rewardRedemptions.learnerId, learnerId),
              inArray(rewardRedemptions.status, ['requested', 'fulfilled']),
            ),
          )
          .get()!.n;
        if (taken >= item.perLearnerLimit) {
          throw new ApiError(
            'conflict',
            `You can redeem this reward at most ${item.perLearnerLimit} time(s).`,
            { extensions: { reason: 'limit_reached', limit: item.perLearnerLimit } },
          );
        }
      }
      const spend = this.#ledger.spendIn(tx, licenseId, {
        learnerId,
        amount: item.cost,
        reason: `reward:${item.title}`,
      });
      if (item.stock !== null) {
        tx.update(rewardItems)
          .set({ stock: sql`${rewardItems.stock} - 1` })
          .where(eq(rewardItems.id, item.id))
          .run();
      }
      const now = this.#clock.now();
      const id = generateId('rdm');
      let status: RedemptionStatus = 'requested';
      let code: string | null = null;
      let featureUntil: Date | null = null;
      if (item.kind === 'feature_unlock') {
        status = 'fulfilled';
        featureUntil = new Date(now.getTime() + (item.details.days ?? 0) * 86_400_000);
        tx.insert(rewardFeatureGrants)
          .values({
            licenseId,
            learnerId,
            feature: item.details.feature ?? '',
            redemptionId: id,
            expiresAt: featureUntil,
          })
          .run();
      } else if (item.kind === 'course_coupon') {
        status = 'fulfilled';
        code = couponCode();
        tx.insert(rewardCoupons)
          .values({
            code,
            licenseId,
            learnerId,
            redemptionId: id,
            percentOff: item.details.percentOff ?? null,
            amountOff: item.details.amountOff ?? null,
            currency: item.details.currency ?? null,
            courseId: item.details.courseId ?? null,
            createdAt: now,
          })
          .run();
      }
      const row = tx
        .insert(rewardRedemptions)
        .values({
          id,
          licenseId,
          learnerId,
          itemId: item.id,
          kind: item.kind,
          title: item.title,
          cost: item.cost,
          status,
          spendTransactionId: spend.id,
          shipping: input.shipping ?? null,
          couponCode: code,
          featureUntil,
          createdAt: now,
          updatedAt: now,
        })
        .returning()
        .get();
      queueRedemptionEvent(tx, row, item.details.partner ?? null, now);
      return redemptionView(row);
    });
  }

  redemptions(
    licenseId: string,
    options: { learnerId?: string; status?: RedemptionStatus; limit?: number } = {},
  ): RedemptionView[] {
    return this.#rows(licenseId, options).map(redemptionView);
  }

  /** The operator's view: every redemption with the learner it belongs to. */
  redemptionsWithLearner(
    licenseId: string,
    options: { learnerId?: string; status?: RedemptionStatus; limit?: number } = {},
  ): OperatorRedemption[] {
    return this.#rows(licenseId, options).map((row) => ({
      ...redemptionView(row),
      learnerId: row.learnerId,
    }));
  }

  #rows(
    licenseId: string,
    options: { learnerId?: string; status?: RedemptionStatus; limit?: number },
  ): RedemptionRow[] {
    return this.#db
      .select()
      .from(rewardRedemptions)
      .where(
        and(
          eq(rewardRedemptions.licenseId, licenseId),
          options.learnerId ? eq(rewardRedemptions.learnerId, options.learnerId) : undefined,
          options.status ? eq(rewardRedemptions.status, options.status) : undefined,
        ),
      )
      .orderBy(desc(rewardRedemptions.createdAt), desc(rewardRedemptions.id))
      .limit(options.limit ?? 50)
      .all();
  }

  #redemption(tx: Tx, licenseId: string, id: string): RedemptionRow {
    const row = tx
      .select()
      .from(rewardRedemptions)
      .where(and(eq(rewardRedemptions.licenseId, licenseId), eq(rewardRedemptions.id, id)))
      .get();
    if (!row) throw new ApiError('not_found', 'No such redemption.');
    return row;
  }

  /** Moves a requested redemption on; rejecting or canceling returns the tokens and the stock. */
  #transition(
    licenseId: string,
    id: string,
    to: Exclude<RedemptionStatus, 'requested'>,
    note: string | null,
    learnerId?: string,
  ): RedemptionView {
    return writeTransaction(this.#db, (tx) => {
      const row = this.#redemption(tx, licenseId, id);
      if (learnerId !== undefined && row.learnerId !== learnerId) {
        throw new ApiError('not_found', 'No such redemption.');
      }
      if (row.status !== 'requested') {
        throw new ApiError('conflict', `This redemption is already ${row.status}.`, {
          extensions: { reason: 'redemption_closed', status: row.status },
        });
      }
      let reversalTransactionId: string | null = null;
      if (to !== 'fulfilled') {
        reversalTransactionId = this.#ledger.reverseIn(
          tx,
          licenseId,
          row.spendTransactionId,
          `${to}:${row.title}`,
        ).transaction.id;
        tx.update(rewardItems)
          .set({ stock: sql`${rewardItems.stock} + 1` })
          .where(and(eq(rewardItems.id, row.itemId), sql`${rewardItems.stock} is not null`))
          .run();
      }
      const updated = tx
        .update(rewardRedemptions)
        .set({ status: to, note, reversalTransactionId, updatedAt: this.#clock.now() })
        .where(eq(rewardRedemptions.id, id))
        .returning()
        .get();
      const item = tx.select().from(rewardItems).where(eq(rewardItems.id, row.itemId)).get();
      queueRedemptionEvent(tx, updated!, item?.details.partner ?? null, this.#clock.now());
      return redemptionView(updated!);
    });
  }

  fulfil(licenseId: string, id: string, note: string | null = null): RedemptionView {
    return this.#transition(licenseId, id, 'fulfilled', note);
  }

  reject(licenseId: string, id: string, note: string | null = null): RedemptionView {
    return this.#transition(licenseId, id, 'rejected', note);
  }

  /** A learner takes back a request the operator has not acted on yet. */
  cancel(licenseId: string, learnerId: string, id: string): RedemptionView {
    return this.#transition(licenseId, id, 'canceled', null, learnerId);
  }

  /** Features the learner unlocked with tokens that are still running. */
  activeFeatures(licenseId: string, learnerId: string): FeatureUnlock[] {
    return this.#db
      .select({ feature: rewardFeatureGrants.feature, until: rewardFeatureGrants.expiresAt })
      .from(rewardFeatureGrants)
      .where(
        and(
          eq(rewardFeatureGrants.licenseId, licenseId),
          eq(rewardFeatureGrants.learnerId, learnerId),
          gt(rewardFeatureGrants.expiresAt, this.#clock.now()),
          isNull(rewardFeatureGrants.revokedAt),
        ),
      )
      .all()
      .map((g) => ({ feature: g.feature, until: g.until.toISOString() }));
  }

  /** A coupon the checkout may accept: issued by this license and not used yet. */
  coupon(licenseId: string, code: string) {
    return (
      this.#db
        .select()
        .from(rewardCoupons)
        .where(
          and(
            eq(rewardCoupons.licenseId, licenseId),
            eq(rewardCoupons.code, code),
            isNull(rewardCoupons.usedAt),
          ),
        )
        .get() ?? null
    );
  }

  /**
   * Marks a coupon used, inside the transaction that records the purchase it paid for.
   * Returns false when it was used already (two checkouts raced with one code).
   */
  useCoupon(tx: Tx, licenseId: string, code: string, now: Date): boolean {
    const used = tx
      .update(rewardCoupons)
      .set({ usedAt: now })
      .where(
        and(
          eq(rewardCoupons.licenseId, licenseId),
          eq(rewardCoupons.code, code),
          isNull(rewardCoupons.usedAt),
        ),
      )
      .run();
    return used.changes > 0;
  }
}
