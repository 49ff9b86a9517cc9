import { and, desc, eq, inArray, or, type SQL } from 'drizzle-orm';
import type { Logger } from 'pino';
import type Stripe from 'stripe';
import type { Db, Tx } from '../../db/client.js';
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

/**
 * The subscriptions table, kept in step with Stripe: which row is a learner's live or open
 * subscription, how a row reads through the API, and how Stripe's state of a subscription is
 * written to its row (from checkout, from a change, or from an event).
 */
export class SubscriptionStore {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #catalog: TierCatalog;
  readonly #learners: LearnerLookup;
  readonly #onTierChange: (licenseId: string, learnerId: string) => void;

  constructor(options: {
    db: Db;
    clock: Clock;
    logger: Logger;
    catalog: TierCatalog;
    learners: LearnerLookup;
    /** Called when a row starts or stops giving features, or moves to another tier. */
    onTierChange: (licenseId: string, learnerId: string) => void;
  }) {
    this.#db = options.db;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#catalog = options.catalog;
    this.#learners = options.learners;
    this.#onTierChange = options.onTierChange;
  }

  /** The learner's newest subscription that meets every condition. */
  newest(
    db: Db | Tx,
    learner: LearnerKey,
    ...conditions: (SQL | undefined)[]
  ): SubscriptionRow | undefined {
    return db
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
      .limit(1)
      .get();
  }

  /** The learner's one live subscription, if any. */
  live(db: Db | Tx, learner: LearnerKey): SubscriptionRow | undefined {
    return this.newest(db, learner, liveRows);
  }

  /** The learner's live subscription, else one waiting for its first payment. */
  current(db: Db | Tx, learner: LearnerKey): SubscriptionRow | undefined {
    return this.live(db, learner) ?? this.newest(db, learner, openRows);
  }

  byId(id: string): SubscriptionRow | undefined {
    return this.#db.select().from(subscriptions).where(eq(subscriptions.id, id)).get();
  }

  view(row: SubscriptionRow): SubscriptionView {
    const tier = this.#catalog.list(row.licenseId).find((t) => t.id === row.tierId);
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

  #rowFor(tx: Tx, sub: Stripe.Subscription, hint?: string): SubscriptionRow | undefined {
    const byStripe = tx
      .select()
      .from(subscriptions)
      .where(eq(subscriptions.stripeSubscriptionId, sub.id))
      .get();
    if (byStripe) return byStripe;
    const metadata = sub.metadata ?? {};
    const rowId = hint ?? metadata.subscription_row;
    if (rowId && metadata.license_id) {
      const row = tx
        .select()
        .from(subscriptions)
        .where(and(eq(subscriptions.id, rowId), eq(subscriptions.licenseId, metadata.license_id)))
        .get();
      if (row && !row.stripeSubscriptionId) return row;
    }
    // A subscription made elsewhere (Stripe's dashboard) counts when it names a learner of
    // that license and bills one of that license's prices.
    const { license_id: licenseId, learner_id: learnerId } = metadata;
    const priceId = sub.items.data[0]?.price.id;
    if (!licenseId || !learnerId || !priceId) return undefined;
    const learner = this.#learners.find(tx, licenseId, learnerId);
    const known = this.#catalog.byPriceId(licenseId, priceId);
    if (!learner || !known) return undefined;
    const now = this.#clock.now();
    return tx
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
      .returning()
      .get();
  }

  /**
   * Writes Stripe's state of a subscription, read at `readAt`, to its row (`hint`: the row
   * checkout made for it, before Stripe's id is known).
   */
  apply(tx: Tx, sub: Stripe.Subscription, readAt: Date, now: Date, hint?: string): void {
    const row = this.#rowFor(tx, sub, hint);
    if (!row) return;
    if (sub.metadata?.license_id && sub.metadata.license_id !== row.licenseId) {
      this.#logger.error({ subscription: sub.id }, 'subscription names another license');
      return;
    }
    // A read issued before the one already written, or a late copy of a state Stripe has left
    // for good, changes nothing; a state Stripe never leaves is news whenever it was read.
    if (row.syncedAt && readAt < row.syncedAt && !FINAL_STATUSES.has(sub.status)) return;
    if (FINAL_STATUSES.has(row.status) && row.status !== sub.status) return;
    const item = sub.items.data[0];
    const price = item?.price;
    const known = price ? this.#catalog.byPriceId(row.licenseId, price.id) : undefined;
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
    tx.update(subscriptions).set(next).where(eq(subscriptions.id, row.id)).run();
    if (isEntitled(row) !== isEntitled(next) || row.tierId !== next.tierId) {
      this.#onTierChange(row.licenseId, row.learnerId);
    }
  }
}
