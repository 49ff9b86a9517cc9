import { and, desc, eq, inArray, or, type SQL } from 'drizzle-orm';
import type { Logger } from 'pino';
import Stripe from 'stripe';
import { writeTransaction, type Db, type Tx } from '../../db/client.js';
import { ApiError } from '../../errors.js';
import type { Clock } from '../../services.js';
import { learners } from '../learners/schema.js';
import type { Learner } from '../learners/service.js';
import { generateId } from '../../lib/ids.js';
import type { LicenseService } from '../licenses/service.js';
import type { CheckoutRequest, CheckoutSession } from '../payments/contract.js';
import type { EventEffect, Priced, Product, StripeEventHandler } from '../payments/products.js';
import type { PlanCatalog } from './catalog.js';
import type { Plan, PlanPrice } from './plans.js';
import {
  subscriptionInvoices,
  subscriptions,
  type SubscriptionInvoiceRow,
  type SubscriptionRow,
} from './schema.js';
import { iso } from '../../lib/dates.js';

/** Statuses in which the learner has the tier's features (past due: while Stripe retries). */
export const ENTITLED_STATUSES = ['active', 'trialing', 'past_due'];
/** A subscription in one of these is the learner's one subscription: no second checkout. */
const LIVE_STATUSES = [...ENTITLED_STATUSES, 'unpaid', 'paused'];
/** Started but not paid: a second click reuses it. */
const OPEN_STATUSES = ['pending', 'incomplete'];
/** Stripe never moves a subscription out of these. */
const FINAL_STATUSES = new Set(['canceled', 'incomplete_expired']);
const FINAL_INVOICE_STATUSES = new Set(['paid', 'void']);

export const SUBSCRIPTION_EVENTS = [
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.paused',
  'customer.subscription.resumed',
  'invoice.finalized',
  'invoice.paid',
  'invoice.payment_failed',
  'invoice.voided',
  'invoice.marked_uncollectible',
  'setup_intent.succeeded',
] as const;

/** A row gives the tier's features: an entitled status, and any trial has its card saved. */
const isEntitled = (row: { status: string; awaitingSetup: boolean }) =>
  ENTITLED_STATUSES.includes(row.status) && !row.awaitingSetup;

/** Rows that are the learner's one subscription (a trial still waiting for its card is not). */
const liveRows = and(
  inArray(subscriptions.status, LIVE_STATUSES),
  eq(subscriptions.awaitingSetup, false),
);
/** Rows started but not paid for (or, for a trial, without a saved card yet). */
const openRows = or(
  inArray(subscriptions.status, OPEN_STATUSES),
  and(eq(subscriptions.status, 'trialing'), eq(subscriptions.awaitingSetup, true)),
);

/** Checkout in subscription mode: what Stripe.js confirms, and how. */
export interface SubscriptionCheckoutSession extends CheckoutSession {
  mode: 'subscription';
  /** Stripe's subscription id. */
  subscriptionId: string;
  /**
   * `payment`: confirm the first invoice's payment intent (`confirmPayment`). `setup`: a trial,
   * nothing to pay now; save the card with the setup intent (`confirmSetup`).
   */
  intentType: 'payment' | 'setup';
  /** ISO time the trial ends, when there is one. */
  trialEnd: string | null;
  planId: string;
  interval: 'month' | 'year';
}

export interface SubscriptionView {
  id: string;
  stripeSubscriptionId: string | null;
  planId: string;
  planName: string;
  interval: 'month' | 'year';
  /** Integer minor units per interval. */
  amount: number;
  currency: string;
  status: string;
  /** Whether the status gives the tier's features. */
  entitled: boolean;
  trialEnd: string | null;
  currentPeriodStart: string | null;
  currentPeriodEnd: string | null;
  cancelAtPeriodEnd: boolean;
  canceledAt: string | null;
}

export interface InvoiceView {
  id: string;
  number: string | null;
  status: string;
  billingReason: string | null;
  amountDue: number;
  amountPaid: number;
  currency: string;
  periodStart: string | null;
  periodEnd: string | null;
  hostedInvoiceUrl: string | null;
  issuedAt: string;
}

export interface ChangePreview {
  /** Integer minor units charged now (negative: credited to the learner's balance). */
  amountDue: number;
  currency: string;
  lines: { description: string | null; amount: number; proration: boolean }[];
}

const fromUnix = (s: number | null | undefined) =>
  typeof s === 'number' ? new Date(s * 1000) : null;
const idOf = (x: string | { id: string } | null | undefined) =>
  typeof x === 'string' ? x : (x?.id ?? null);

function unreachable(error: unknown): ApiError {
  return new ApiError(
    'service_unavailable',
    'The payment provider did not answer. Try again: nothing is charged twice.',
    { extensions: { cause: error instanceof Stripe.errors.StripeError ? error.type : undefined } },
  );
}

function webLink(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/**
 * Learners' subscriptions to the license's tiers. Checkout starts them in Stripe; Stripe's
 * events (re-read from Stripe, so order does not matter) move them on; learners change,
 * cancel and resume them here.
 */
export class SubscriptionService {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #stripe: Stripe | null;
  readonly #logger: Logger;
  readonly #catalog: PlanCatalog;
  readonly #licenses: LicenseService;
  readonly #onTierChange: (licenseId: string, learnerId: string) => void;
  readonly #inFlight = new Map<string, Promise<unknown>>();

  constructor(options: {
    db: Db;
    clock: Clock;
    stripe: Stripe | null;
    logger: Logger;
    catalog: PlanCatalog;
    licenses: LicenseService;
    onTierChange: (licenseId: string, learnerId: string) => void;
  }) {
    this.#db = options.db;
    this.#clock = options.clock;
    this.#stripe = options.stripe;
    this.#logger = options.logger;
    this.#catalog = options.catalog;
    this.#licenses = options.licenses;
    this.#onTierChange = options.onTierChange;
  }

  /** The `plan` kind of checkout: a Stripe subscription to one of the license's tiers. */
  readonly product: Product<'plan'> = {
    price: (learner, request) => this.#price(learner, request),
    startCheckout: ({ stripe, learner, customerId, priced }) =>
      this.#startCheckout(stripe, learner, customerId, priced),
  };

  /** Applies Stripe's subscription and invoice events, re-reading the object first. */
  readonly handleEvent: StripeEventHandler = async (stripe, event, payments) => {
    const object = event.data.object as { id?: string; object?: string };
    if (!object.id) return null;
    if (object.object === 'subscription') {
      const sub = await stripe.subscriptions.retrieve(object.id);
      const readAt = this.#clock.now();
      return (tx, now) => this.#applySubscription(tx, sub, readAt, now);
    }
    if (object.object === 'invoice') {
      const invoice = await stripe.invoices.retrieve(object.id);
      const subId = invoice.parent?.subscription_details?.subscription;
      const sub = subId ? await stripe.subscriptions.retrieve(idOf(subId)!) : null;
      const readAt = this.#clock.now();
      const effect: EventEffect = (tx, now) => {
        if (sub) this.#applySubscription(tx, sub, readAt, now);
        this.#applyInvoice(tx, invoice, readAt, now);
        // A paid invoice is a payment (receipt, tokens, partner event), once per invoice.
        const paidBy =
          sub && invoice.status === 'paid'
            ? tx
                .select()
                .from(subscriptions)
                .where(eq(subscriptions.stripeSubscriptionId, sub.id))
                .get()
            : undefined;
        if (sub && paidBy) {
          const { planId, planName, interval } = this.#view(paidBy);
          payments.recordInvoicePaid(
            tx,
            {
              licenseId: paidBy.licenseId,
              learnerId: paidBy.learnerId,
              tier: { id: planId, name: planName, interval },
              subscriptionId: sub.id,
              invoice,
            },
            now,
          );
        }
      };
      return effect;
    }
    if (object.object === 'setup_intent') return this.#setupSucceeded(stripe, object.id);
    return null;
  };

  /**
   * A trial's card is saved: the trials of that customer still waiting for one are re-read
   * from Stripe (which no longer names a pending setup intent for the one confirmed).
   */
  async #setupSucceeded(stripe: Stripe, setupIntentId: string): Promise<EventEffect | null> {
    const si = await stripe.setupIntents.retrieve(setupIntentId);
    const customerId = idOf(si.customer);
    if (si.status !== 'succeeded' || !customerId) return null;
    const waiting = this.#db
      .select({ stripeSubscriptionId: subscriptions.stripeSubscriptionId })
      .from(subscriptions)
      .where(
        and(
          eq(subscriptions.customerId, customerId),
          eq(subscriptions.status, 'trialing'),
          eq(subscriptions.awaitingSetup, true),
        ),
      )
      .all();
    const subs: Stripe.Subscription[] = [];
    for (const { stripeSubscriptionId } of waiting) {
      if (stripeSubscriptionId)
        subs.push(await stripe.subscriptions.retrieve(stripeSubscriptionId));
    }
    if (!subs.length) return null;
    const readAt = this.#clock.now();
    return (tx, now) => {
      for (const sub of subs) this.#applySubscription(tx, sub, readAt, now);
    };
  }

  // ── Checkout ────────────────────────────────────────────────────────────────────────────

  #resolve(
    licenseId: string,
    request: { planId: string; interval: 'month' | 'year'; currency?: string | undefined },
    path = 'body',
  ): { plan: Plan; price: PlanPrice } {
    const plan = this.#catalog.plans(licenseId).find((p) => p.id === request.planId);
    if (!plan) {
      throw new ApiError('validation_failed', `There is no plan "${request.planId}".`, {
        errors: [{ path: `${path}.planId`, message: 'Unknown plan' }],
      });
    }
    const currency =
      request.currency?.toUpperCase() ?? this.#licenses.getById(licenseId)?.currency ?? 'USD';
    const candidates = plan.prices.filter((p) => p.interval === request.interval);
    const price =
      candidates.find((p) => p.currency.toUpperCase() === currency) ??
      (request.currency ? undefined : candidates[0]);
    if (!price || price.amount <= 0) {
      throw new ApiError(
        'validation_failed',
        `The ${plan.name} plan has nothing to pay per ${request.interval}${request.currency ? ` in ${currency}` : ''}.`,
        { errors: [{ path: `${path}.planId`, message: 'This plan and interval are not paid' }] },
      );
    }
    return { plan, price: { ...price, currency: price.currency.toUpperCase() } };
  }

  #price(learner: Learner, request: Extract<CheckoutRequest, { kind: 'plan' }>): Priced {
    const { plan, price } = this.#resolve(learner.licenseId, request);
    const live = this.#live(this.#db, learner);
    if (live) {
      throw new ApiError(
        'conflict',
        'You already have a subscription: change its plan instead of starting another.',
        { extensions: { subscriptionId: live.id, planId: live.planId, status: live.status } },
      );
    }
    return {
      kind: 'plan',
      item: `${plan.id}:${price.interval}`,
      amount: price.amount,
      currency: price.currency,
      description: `${plan.name} (${price.interval === 'month' ? 'monthly' : 'yearly'})`,
      metadata: { plan_id: plan.id, interval: price.interval },
    };
  }

  /** The learner's newest subscription that meets every condition. */
  #newest(
    db: Db | Tx,
    learner: { licenseId: string; id: string },
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

  #live(db: Db | Tx, learner: { licenseId: string; id: string }): SubscriptionRow | undefined {
    return this.#newest(db, learner, liveRows);
  }

  #hadTrial(db: Db | Tx, learner: Learner): boolean {
    return db
      .select({ trialEnd: subscriptions.trialEnd, awaitingSetup: subscriptions.awaitingSetup })
      .from(subscriptions)
      .where(
        and(
          eq(subscriptions.licenseId, learner.licenseId),
          eq(subscriptions.learnerId, learner.id),
        ),
      )
      .all()
      .some((r) => r.trialEnd !== null && !r.awaitingSetup);
  }

  async #startCheckout(
    stripe: Stripe,
    learner: Learner,
    customerId: string,
    priced: Priced,
  ): Promise<SubscriptionCheckoutSession> {
    const [planId = '', interval = 'month'] = priced.item.split(':');
    const { plan, price } = this.#resolve(learner.licenseId, {
      planId,
      interval: interval as 'month' | 'year',
      currency: priced.currency,
    });
    const stripePrice = await this.#catalog.ensurePrice(learner.licenseId, plan, price);
    // The row and its idempotency key exist before Stripe is asked, so a retry after a lost
    // answer replays the same request instead of creating a second subscription.
    const row = writeTransaction(this.#db, (tx) => {
      const live = this.#live(tx, learner);
      if (live) throw new ApiError('conflict', 'You already have a subscription.');
      const open = this.#newest(
        tx,
        learner,
        eq(subscriptions.planId, plan.id),
        eq(subscriptions.interval, price.interval),
        eq(subscriptions.currency, price.currency),
        eq(subscriptions.amount, price.amount),
        openRows,
      );
      if (open) return open;
      const now = this.#clock.now();
      const id = generateId('lsub');
      return tx
        .insert(subscriptions)
        .values({
          id,
          licenseId: learner.licenseId,
          learnerId: learner.id,
          planId: plan.id,
          interval: price.interval,
          currency: price.currency,
          amount: price.amount,
          status: 'pending',
          idempotencyKey: `lx_${id}`,
          customerId,
          priceId: stripePrice.priceId,
          createdAt: now,
          updatedAt: now,
        })
        .returning()
        .get();
    });

    await this.#abandonOthers(stripe, learner, row.id);

    const expand = ['latest_invoice.confirmation_secret', 'pending_setup_intent'];
    const trial = plan.trialDays > 0 && !this.#hadTrial(this.#db, learner);
    let sub: Stripe.Subscription;
    try {
      sub = row.stripeSubscriptionId
        ? await stripe.subscriptions.retrieve(row.stripeSubscriptionId, { expand })
        : await stripe.subscriptions.create(
            {
              customer: customerId,
              items: [{ price: stripePrice.priceId }],
              payment_behavior: 'default_incomplete',
              payment_settings: { save_default_payment_method: 'on_subscription' },
              ...(trial
                ? {
                    trial_period_days: plan.trialDays,
                    trial_settings: { end_behavior: { missing_payment_method: 'cancel' } },
                  }
                : {}),
              metadata: {
                license_id: learner.licenseId,
                learner_id: learner.id,
                subscription_row: row.id,
                plan_id: plan.id,
                interval: price.interval,
              },
              expand,
            },
            { idempotencyKey: row.idempotencyKey },
          );
    } catch (error) {
      this.#logger.warn({ err: error, subscriptionRow: row.id }, 'subscription not created');
      throw unreachable(error);
    }
    const readAt = this.#clock.now();
    writeTransaction(this.#db, (tx) => this.#applySubscription(tx, sub, readAt, readAt, row.id));
    if (FINAL_STATUSES.has(sub.status)) {
      // Expired or cancelled meanwhile: this one is done, so the click starts afresh.
      return this.#startCheckout(stripe, learner, customerId, priced);
    }
    return this.#session(stripe, row.id, sub, plan.id, price.interval);
  }

  /**
   * Cancels the learner's other unpaid subscriptions in Stripe, so that paying for one tier
   * after starting checkout for another leaves one subscription, not two.
   */
  async #abandonOthers(stripe: Stripe, learner: Learner, keep: string): Promise<void> {
    const others = this.#db
      .select()
      .from(subscriptions)
      .where(
        and(
          eq(subscriptions.licenseId, learner.licenseId),
          eq(subscriptions.learnerId, learner.id),
          openRows,
        ),
      )
      .all()
      .filter((r) => r.id !== keep && r.stripeSubscriptionId);
    for (const other of others) {
      let sub: Stripe.Subscription;
      try {
        sub = await stripe.subscriptions.cancel(other.stripeSubscriptionId!);
      } catch (error) {
        this.#logger.warn({ err: error, subscriptionRow: other.id }, 'open subscription kept');
        throw unreachable(error);
      }
      const readAt = this.#clock.now();
      writeTransaction(this.#db, (tx) => this.#applySubscription(tx, sub, readAt, readAt));
    }
  }

  async #session(
    stripe: Stripe,
    rowId: string,
    sub: Stripe.Subscription,
    planId: string,
    interval: 'month' | 'year',
  ): Promise<SubscriptionCheckoutSession> {
    const base = {
      paymentId: rowId,
      mode: 'subscription' as const,
      subscriptionId: sub.id,
      trialEnd: iso(fromUnix(sub.trial_end)),
      planId,
      interval,
    };
    const setup = sub.pending_setup_intent;
    if (setup && typeof setup !== 'string') {
      return {
        ...base,
        paymentIntentId: setup.id,
        clientSecret: setup.client_secret ?? '',
        amount: 0,
        currency: (sub.currency ?? 'usd').toUpperCase(),
        status: setup.status,
        intentType: 'setup',
      };
    }
    const invoice = typeof sub.latest_invoice === 'string' ? null : sub.latest_invoice;
    const secret = invoice?.confirmation_secret?.client_secret ?? '';
    const intentId = secret.split('_secret_')[0] ?? '';
    let status =
      sub.status === 'active' || sub.status === 'trialing'
        ? 'succeeded'
        : 'requires_payment_method';
    if (intentId) {
      try {
        status = (await stripe.paymentIntents.retrieve(intentId)).status;
      } catch (error) {
        throw unreachable(error);
      }
    }
    return {
      ...base,
      paymentIntentId: intentId,
      clientSecret: secret,
      amount: invoice?.amount_due ?? 0,
      currency: (invoice?.currency ?? sub.currency ?? 'usd').toUpperCase(),
      status,
      intentType: 'payment',
    };
  }

  // ── Stripe state → rows ────────────────────────────────────────────────────────────────

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
    const learner = tx
      .select({ id: learners.id })
      .from(learners)
      .where(and(eq(learners.id, learnerId), eq(learners.licenseId, licenseId)))
      .get();
    const known = this.#catalog.byPriceId(licenseId, priceId);
    if (!learner || !known) return undefined;
    const now = this.#clock.now();
    return tx
      .insert(subscriptions)
      .values({
        id: generateId('lsub'),
        licenseId,
        learnerId,
        planId: known.planId,
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

  #applySubscription(
    tx: Tx,
    sub: Stripe.Subscription,
    readAt: Date,
    now: Date,
    hint?: string,
  ): void {
    const row = this.#rowFor(tx, sub, hint);
    if (!row) return;
    if (sub.metadata?.license_id && sub.metadata.license_id !== row.licenseId) {
      this.#logger.error({ subscription: sub.id }, 'subscription names another license');
      return;
    }
    // A read older than the one already written, or a late copy of a state Stripe has left
    // for good, changes nothing.
    if (row.syncedAt && readAt < row.syncedAt) return;
    if (FINAL_STATUSES.has(row.status) && row.status !== sub.status) return;
    const item = sub.items.data[0];
    const price = item?.price;
    const known = price ? this.#catalog.byPriceId(row.licenseId, price.id) : undefined;
    const next = {
      status: sub.status,
      stripeSubscriptionId: sub.id,
      planId: known?.planId ?? price?.metadata?.plan_id ?? row.planId,
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
    if (isEntitled(row) !== isEntitled(next) || row.planId !== next.planId) {
      this.#onTierChange(row.licenseId, row.learnerId);
    }
  }

  #applyInvoice(tx: Tx, invoice: Stripe.Invoice, readAt: Date, now: Date): void {
    const subId = idOf(invoice.parent?.subscription_details?.subscription);
    if (!subId || !invoice.id) return;
    const row = tx
      .select()
      .from(subscriptions)
      .where(eq(subscriptions.stripeSubscriptionId, subId))
      .get();
    if (!row) return;
    const existing = tx
      .select()
      .from(subscriptionInvoices)
      .where(eq(subscriptionInvoices.id, invoice.id))
      .get();
    if (existing && existing.licenseId !== row.licenseId) return;
    if (existing && readAt < existing.syncedAt) return;
    if (existing && FINAL_INVOICE_STATUSES.has(existing.status)) {
      if (existing.status !== invoice.status) return;
    }
    const lines = invoice.lines?.data ?? [];
    const periods = lines.filter((l) => l.amount >= 0 && l.period);
    const periodStart = periods.length
      ? Math.min(...periods.map((l) => l.period.start))
      : invoice.period_start;
    const periodEnd = periods.length
      ? Math.max(...periods.map((l) => l.period.end))
      : invoice.period_end;
    const values = {
      number: invoice.number ?? null,
      status: invoice.status ?? 'draft',
      billingReason: invoice.billing_reason ?? null,
      amountDue: invoice.amount_due,
      amountPaid: invoice.amount_paid,
      currency: invoice.currency.toUpperCase(),
      periodStart: fromUnix(periodStart),
      periodEnd: fromUnix(periodEnd),
      hostedInvoiceUrl: webLink(invoice.hosted_invoice_url),
      issuedAt: fromUnix(invoice.created) ?? now,
      syncedAt: readAt,
      updatedAt: now,
    };
    tx.insert(subscriptionInvoices)
      .values({
        id: invoice.id,
        licenseId: row.licenseId,
        learnerId: row.learnerId,
        subscriptionId: row.id,
        createdAt: now,
        ...values,
      })
      .onConflictDoUpdate({ target: subscriptionInvoices.id, set: values })
      .run();
  }

  // ── The learner's own subscription ──────────────────────────────────────────────────────

  #requireStripe(): Stripe {
    if (!this.#stripe) {
      throw new ApiError('service_unavailable', 'Payments are not configured on this server.');
    }
    return this.#stripe;
  }

  #view(row: SubscriptionRow): SubscriptionView {
    const plan = this.#catalog.plans(row.licenseId).find((p) => p.id === row.planId);
    return {
      id: row.id,
      stripeSubscriptionId: row.stripeSubscriptionId,
      planId: row.planId,
      planName: plan?.name ?? row.planId,
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

  /** The learner's live subscription, else one waiting for its first payment, else null. */
  current(learner: { licenseId: string; id: string }): SubscriptionView | null {
    const row = this.#live(this.#db, learner) ?? this.#newest(this.#db, learner, openRows);
    return row ? this.#view(row) : null;
  }

  /** The plan id that gives the learner features now, or null. */
  entitledPlan(licenseId: string, learnerId: string): string | null {
    const row = this.#db
      .select({ planId: subscriptions.planId })
      .from(subscriptions)
      .where(
        and(
          eq(subscriptions.licenseId, licenseId),
          eq(subscriptions.learnerId, learnerId),
          inArray(subscriptions.status, ENTITLED_STATUSES),
          eq(subscriptions.awaitingSetup, false),
        ),
      )
      .orderBy(desc(subscriptions.createdAt))
      .limit(1)
      .get();
    return row?.planId ?? null;
  }

  #requireLive(learner: Learner): SubscriptionRow & { stripeSubscriptionId: string } {
    const row = this.#live(this.#db, learner);
    if (!row?.stripeSubscriptionId) {
      throw new ApiError('not_found', 'You have no subscription. Subscribe through checkout.');
    }
    return row as SubscriptionRow & { stripeSubscriptionId: string };
  }

  async #sync(stripe: Stripe, run: () => Promise<Stripe.Subscription>): Promise<void> {
    let sub: Stripe.Subscription;
    try {
      sub = await run();
    } catch (error) {
      if (error instanceof ApiError) throw error;
      if (error instanceof Stripe.errors.StripeCardError) {
        throw new ApiError('conflict', error.message, { extensions: { decline: error.code } });
      }
      this.#logger.warn({ err: error }, 'subscription change not made');
      throw unreachable(error);
    }
    const readAt = this.#clock.now();
    writeTransaction(this.#db, (tx) => this.#applySubscription(tx, sub, readAt, readAt));
  }

  /** One change at a time per learner in this process; idempotency keys cover the rest. */
  async #serial<T>(learner: Learner, fn: () => Promise<T>): Promise<T> {
    const key = `${learner.licenseId}:${learner.id}`;
    const previous = this.#inFlight.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(fn);
    this.#inFlight.set(key, run);
    try {
      return await run;
    } finally {
      if (this.#inFlight.get(key) === run) this.#inFlight.delete(key);
    }
  }

  /**
   * Moves the learner's subscription to another tier or interval. The difference is prorated
   * and invoiced at once (an upgrade is charged, a downgrade credited to the next invoices).
   * With `preview`, nothing changes: Stripe's preview of that invoice is returned.
   */
  async change(
    learner: Learner,
    request: {
      planId: string;
      interval: 'month' | 'year';
      currency?: string | undefined;
      preview?: boolean | undefined;
    },
  ): Promise<{ subscription: SubscriptionView; preview: ChangePreview | null }> {
    const stripe = this.#requireStripe();
    return this.#serial(learner, async () => {
      const row = this.#requireLive(learner);
      const { plan, price } = this.#resolve(learner.licenseId, {
        planId: request.planId,
        interval: request.interval,
        currency: request.currency ?? row.currency,
      });
      if (
        plan.id === row.planId &&
        price.interval === row.interval &&
        price.amount === row.amount &&
        price.currency === row.currency
      ) {
        throw new ApiError('conflict', `You are already on ${plan.name} (${price.interval}ly).`);
      }
      const target = await this.#catalog.ensurePrice(learner.licenseId, plan, price);
      let itemId: string;
      try {
        const sub = await stripe.subscriptions.retrieve(row.stripeSubscriptionId);
        itemId = sub.items.data[0]!.id;
      } catch (error) {
        throw unreachable(error);
      }
      const items = [{ id: itemId, price: target.priceId }];
      if (request.preview) {
        let invoice: Stripe.Invoice;
        try {
          invoice = await stripe.invoices.createPreview({
            customer: row.customerId,
            subscription: row.stripeSubscriptionId,
            subscription_details: { items, proration_behavior: 'always_invoice' },
          });
        } catch (error) {
          throw unreachable(error);
        }
        return {
          subscription: this.#view(row),
          preview: {
            amountDue: invoice.lines.data.reduce((sum, l) => sum + l.amount, 0),
            currency: invoice.currency.toUpperCase(),
            lines: invoice.lines.data.map((l) => ({
              description: l.description,
              amount: l.amount,
              proration: l.parent?.subscription_item_details?.proration ?? false,
            })),
          },
        };
      }
      await this.#sync(stripe, () =>
        stripe.subscriptions.update(
          row.stripeSubscriptionId,
          {
            items,
            proration_behavior: 'always_invoice',
            payment_behavior: 'allow_incomplete',
            cancel_at_period_end: false,
          },
          {
            idempotencyKey: `lx_${row.id}_${row.priceId}_to_${target.priceId}_${row.updatedAt.getTime()}`,
          },
        ),
      );
      return { subscription: this.current(learner)!, preview: null };
    });
  }

  /** Cancels at the end of the period (or trial); the learner keeps the tier until then. */
  async cancel(learner: Learner): Promise<SubscriptionView> {
    const stripe = this.#requireStripe();
    return this.#serial(learner, async () => {
      const row = this.#requireLive(learner);
      if (!row.cancelAtPeriodEnd) {
        await this.#sync(stripe, () =>
          stripe.subscriptions.update(row.stripeSubscriptionId, { cancel_at_period_end: true }),
        );
      }
      return this.#view(
        this.#db.select().from(subscriptions).where(eq(subscriptions.id, row.id)).get()!,
      );
    });
  }

  /** Undoes a cancellation that has not taken effect yet. */
  async resume(learner: Learner): Promise<SubscriptionView> {
    const stripe = this.#requireStripe();
    return this.#serial(learner, async () => {
      const row = this.#requireLive(learner);
      if (row.cancelAtPeriodEnd) {
        await this.#sync(stripe, () =>
          stripe.subscriptions.update(row.stripeSubscriptionId, { cancel_at_period_end: false }),
        );
      }
      return this.#view(
        this.#db.select().from(subscriptions).where(eq(subscriptions.id, row.id)).get()!,
      );
    });
  }

  /** The learner's subscription invoices, newest first. */
  billing(learner: { licenseId: string; id: string }, limit = 100): InvoiceView[] {
    return this.#db
      .select()
      .from(subscriptionInvoices)
      .where(
        and(
          eq(subscriptionInvoices.licenseId, learner.licenseId),
          eq(subscriptionInvoices.learnerId, learner.id),
        ),
      )
      .orderBy(desc(subscriptionInvoices.issuedAt), desc(subscriptionInvoices.createdAt))
      .limit(limit)
      .all()
      .filter((r) => r.status !== 'draft')
      .map((r: SubscriptionInvoiceRow) => ({
        id: r.id,
        number: r.number,
        status: r.status,
        billingReason: r.billingReason,
        amountDue: r.amountDue,
        amountPaid: r.amountPaid,
        currency: r.currency,
        periodStart: iso(r.periodStart),
        periodEnd: iso(r.periodEnd),
        hostedInvoiceUrl: r.hostedInvoiceUrl,
        issuedAt: r.issuedAt.toISOString(),
      }));
  }

  /** Every subscription of a license's learner (operator view), newest first. */
  history(licenseId: string, learnerId: string): SubscriptionView[] {
    return this.#db
      .select()
      .from(subscriptions)
      .where(and(eq(subscriptions.licenseId, licenseId), eq(subscriptions.learnerId, learnerId)))
      .orderBy(desc(subscriptions.createdAt))
      .all()
      .map((r) => this.#view(r));
  }
}
