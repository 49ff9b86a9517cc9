import { and, desc, eq, inArray, or, type SQL } from 'drizzle-orm';
import type { Logger } from 'pino';
import type Stripe from 'stripe';
import { first, type Db, type Store, type Tx } from '../../db/store.js';
import { iso } from '../../lib/dates.js';
import { generateId } from '../../lib/ids.js';
import type { Clock } from '../../services.js';
import type { TierCatalog } from './catalog.js';
import type { SubscriptionView } from './contract.js';
import type { LearnerLookup } from './dependencies.js';
import { subscriptions, type SubscriptionRow } from './schema.js';

/** Statuses in which the learner has the tier's features (past due: while Stripe retries). */
export const ENTITLED_STATUSES = ['active', 'trialing', 'past_due'];
/** A subscription in one of these is the learner's one subscription: no second checkout. */
const LIVE_STATUSES = [...ENTITLED_STATUSES, 'unpaid', 'paused'];
/** Started but not paid: a second click reuses it. */
const OPEN_STATUSES = ['pending', 'incomplete'];
/** Stripe never moves a subscription out of these. */
export const FINAL_STATUSES = new Set(['canceled', 'incomplete_expired']);

/** A row gives the tier's features: an entitled status, and any trial has its card saved. */
export const isEntitled = (row: { status: string; awaitingSetup: boolean }) =>
  ENTITLED_STATUSES.includes(row.status) && !row.awaitingSetup;

/** Rows that are the learner's one subscription (a trial still waiting for its card is not). */
const liveRows = and(
  inArray(subscriptions.status, LIVE_STATUSES),
  eq(subscriptions.awaitingSetup, false),
);
/** Rows started but not paid for (or, for a trial, without a saved card yet). */
export const openRows = or(
  inArray(subscriptions.status, OPEN_STATUSES),
  and(eq(subscriptions.status, 'trialing'), eq(subscriptions.awaitingSetup, true)),
);

export const fromUnix = (s: number | null | undefined) =>
  typeof s === 'number' ? new Date(s * 1000) : null;
export const idOf = (x: string | { id: string } | null | undefined) =>
  typeof x === 'string' ? x : (x?.id ?? null);

type LearnerKey = { licenseId: string; id: string };
/** A learner named by a subscription row. */
type LearnerOf = { licenseId: string; learnerId: string };

/**
 * The subscriptions table, kept in step with Stripe: which row is a learner's live or open
 * subscription, how a row reads through the API, and how Stripe's state of a subscription is
 * written to its row (from checkout, from a change, or from an event).
 */
export class SubscriptionStore {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #catalog: TierCatalog;
  readonly #learners: LearnerLookup;
  readonly #onTierChange: (licenseId: string, learnerId: string) => void;

  constructor(options: {
    store: Store;
    clock: Clock;
    logger: Logger;
    catalog: TierCatalog;
    learners: LearnerLookup;
    /** Called when a row starts or stops giving features, or moves to another tier. */
    onTierChange: (licenseId: string, learnerId: string) => void;
  }) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#catalog = options.catalog;
    this.#learners = options.learners;
    this.#onTierChange = options.onTierChange;
  }

  /**
   * The learner's newest subscription that meets every condition (`db`: the store's reads, or
   * a write's `tx`).
   */
  async newest(
    db: Db,
    learner: LearnerKey,
    ...conditions: (SQL | undefined)[]
  ): Promise<SubscriptionRow | undefined> {
    return first(
      await db
        .select()
        .from(subscriptions)
        .where(
          and(
            eq(subscriptions.licenseId, learner.licenseId),
            eq(subscriptions.learnerId, learner.id),
            ...conditions,
          ),
        )
        .orderBy(desc(subscriptions.createdAt))
        .limit(1),
    );
  }

  /** The learner's one live subscription, if any. */
  live(db: Db, learner: LearnerKey): Promise<SubscriptionRow | undefined> {
    return this.newest(db, learner, liveRows);
  }

  /** The learner's live subscription, else one waiting for its first payment. */
  async current(db: Db, learner: LearnerKey): Promise<SubscriptionRow | undefined> {
    return (await this.live(db, learner)) ?? (await this.newest(db, learner, openRows));
  }

  async byId(id: string): Promise<SubscriptionRow | undefined> {
    return first(
      await this.#store.db.select().from(subscriptions).where(eq(subscriptions.id, id)).limit(1),
    );
  }

  async view(row: SubscriptionRow): Promise<SubscriptionView> {
    const tier = (await this.#catalog.list(row.licenseId)).find((t) => t.id === row.tierId);
    return {
      id: row.id,
      stripeSubscriptionId: row.stripeSubscriptionId,
      planId: row.tierId,
      planName: tier?.name ?? row.tierId,
      interval: row.interval,
      amount: row.amount,
      currency: row.currency,
      status: row.status,
      entitled: isEntitled(row),
      trialEnd: iso(row.trialEnd),
      currentPeriodStart: iso(row.currentPeriodStart),
      currentPeriodEnd: iso(row.currentPeriodEnd),
      cancelAtPeriodEnd: row.cancelAtPeriodEnd,
      canceledAt: iso(row.canceledAt),
    };
  }

  async #rowFor(
    tx: Tx,
    sub: Stripe.Subscription,
    hint?: string,
  ): Promise<SubscriptionRow | undefined> {
    const byStripe = first(
      await tx
        .select()
        .from(subscriptions)
        .where(eq(subscriptions.stripeSubscriptionId, sub.id))
        .limit(1),
    );
    if (byStripe) return byStripe;
    const metadata = sub.metadata ?? {};
    const rowId = hint ?? metadata.subscription_row;
    if (rowId && metadata.license_id) {
      const row = first(
        await tx
          .select()
          .from(subscriptions)
          .where(and(eq(subscriptions.id, rowId), eq(subscriptions.licenseId, metadata.license_id)))
          .limit(1),
      );
      if (row && !row.stripeSubscriptionId) return row;
    }
    // A subscription made elsewhere (Stripe's dashboard) counts when it names a learner of
    // that license and bills one of that license's prices.
    const { license_id: licenseId, learner_id: learnerId } = metadata;
    const priceId = sub.items.data[0]?.price.id;
    if (!licenseId || !learnerId || !priceId) return undefined;
    const learner = await this.#learners.find(tx, licenseId, learnerId);
    const known = await this.#catalog.byPriceId(licenseId, priceId);
    if (!learner || !known) return undefined;
    const now = this.#clock.now();
    const [inserted] = await tx
      .insert(subscriptions)
      .values({
        id: generateId('lsub'),
        licenseId,
        learnerId,
        tierId: known.tierId,
        interval: known.interval,
        currency: known.currency,
        amount: known.amount,
        status: 'pending',
        idempotencyKey: `stripe_${sub.id}`,
        customerId: idOf(sub.customer) ?? '',
        stripeSubscriptionId: sub.id,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    return inserted;
  }

  /**
   * Writes Stripe's state of a subscription, read at `readAt`, to its row (`hint`: the row
   * checkout made for it, before Stripe's id is known). Returns the learner whose features
   * it changed (already dropped from the cache), if any.
   */
  async apply(
    tx: Tx,
    sub: Stripe.Subscription,
    readAt: Date,
    now: Date,
    hint?: string,
  ): Promise<LearnerOf | null> {
    const row = await this.#rowFor(tx, sub, hint);
    if (!row) return null;
    if (sub.metadata?.license_id && sub.metadata.license_id !== row.licenseId) {
      this.#logger.error({ subscription: sub.id }, 'subscription names another license');
      return null;
    }
    // A read issued before the one already written, or a late copy of a state Stripe has left
    // for good, changes nothing; a state Stripe never leaves is news whenever it was read.
    if (row.syncedAt && readAt < row.syncedAt && !FINAL_STATUSES.has(sub.status)) return null;
    if (FINAL_STATUSES.has(row.status) && row.status !== sub.status) return null;
    const item = sub.items.data[0];
    const price = item?.price;
    const known = price ? await this.#catalog.byPriceId(row.licenseId, price.id) : undefined;
    const next = {
      status: sub.status,
      stripeSubscriptionId: sub.id,
      tierId: known?.tierId ?? price?.metadata?.plan_id ?? row.tierId,
      interval: (price?.recurring?.interval as 'month' | 'year' | undefined) ?? row.interval,
      currency: price?.currency.toUpperCase() ?? row.currency,
      amount: price?.unit_amount ?? row.amount,
      priceId: price?.id ?? row.priceId,
      trialEnd: fromUnix(sub.trial_end),
      currentPeriodStart: fromUnix(item?.current_period_start),
      currentPeriodEnd: fromUnix(item?.current_period_end),
      cancelAtPeriodEnd: sub.cancel_at_period_end || sub.cancel_at !== null,
      canceledAt: fromUnix(sub.canceled_at),
      endedAt: fromUnix(sub.ended_at),
      latestInvoiceId: idOf(sub.latest_invoice),
      awaitingSetup: FINAL_STATUSES.has(sub.status)
        ? row.awaitingSetup
        : sub.status === 'trialing' && sub.pending_setup_intent !== null,
      syncedAt: readAt,
      updatedAt: now,
    };
    await tx.update(subscriptions).set(next).where(eq(subscriptions.id, row.id));
    if (isEntitled(row) !== isEntitled(next) || row.tierId !== next.tierId) {
      this.#onTierChange(row.licenseId, row.learnerId);
      return { licenseId: row.licenseId, learnerId: row.learnerId };
    }
    return null;
  }

  /**
   * {@link apply} in a write of its own. The learner's cached features are dropped again once
   * it has committed: a read made between the change and its commit saw the row before it.
   */
  async save(sub: Stripe.Subscription, readAt: Date, hint?: string): Promise<void> {
    const changed = await this.#store.write((tx) =>
      this.apply(tx, sub, readAt, this.#clock.now(), hint),
    );
    if (changed) this.#onTierChange(changed.licenseId, changed.learnerId);
  }
}
