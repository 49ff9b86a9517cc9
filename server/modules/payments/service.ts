import { and, desc, eq, inArray, lt, sum } from 'drizzle-orm';
import type { Logger } from 'pino';
import Stripe from 'stripe';
import { writeTransaction, type Db, type Tx } from '../../db/client.js';
import { ApiError } from '../../errors.js';
import type { Clock } from '../../services.js';
import type { Learner } from '../learners/service.js';
import { generateId } from '../../lib/ids.js';
import type { SecretBox } from '../licenses/secrets.js';
import { learners } from '../learners/schema.js';
import { enqueueEvents } from '../outbox/service.js';
import { planProduct, type CheckoutRequest, type Priced } from './pricing.js';
import type {
  CheckoutSession,
  EventEffect,
  EventPayments,
  InvoicePaid,
  Product,
  RefundApplied,
  StripeEventHandler,
} from './products.js';
import { Receipts } from './receipts.js';
import {
  payments,
  refundRequests,
  refunds,
  stripeCustomers,
  stripeEvents,
  type PaymentRow,
  type ReceiptRow,
  type RefundRow,
} from './schema.js';

/** Stripe's default: a signature older than five minutes is a replay, not a delivery. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** Payment-intent states from which Stripe never moves on; a late event cannot undo them. */
const FINAL_STATUSES = new Set(['succeeded', 'canceled']);
/** A payment in one of these can still be paid, so a second click reuses it. */
const OPEN_STATUSES = [
  'pending',
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
  'processing',
];

export type { CheckoutSession } from './products.js';

export interface PaymentView {
  paymentId: string;
  paymentIntentId: string | null;
  kind: string;
  item: string;
  amount: number;
  amountRefunded: number;
  currency: string;
  status: string;
  failureCode: string | null;
  /**
   * Once the payment succeeded: a path on the API origin (`/v1/receipts/rcp_…/html?access=…`)
   * that opens the printable receipt in a new tab, signed for this learner, valid for an hour.
   */
  receiptUrl: string | null;
}

export interface RefundView {
  id: string;
  paymentId: string;
  amount: number;
  currency: string;
  status: string;
  reason: string | null;
  source: string;
  createdAt: string;
}

/** A payment as the operator sees it: the learner's view, its receipt and its refunds. */
export interface PaymentDetail extends Omit<PaymentView, 'receiptUrl'> {
  licenseId: string;
  learnerId: string;
  description: string | null;
  receiptId: string | null;
  receiptNumber: number | null;
  refunds: RefundView[];
  createdAt: string;
}

export const refundReasons = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;
export type RefundReason = (typeof refundReasons)[number];

/**
 * Tokens a purchase earns (the rewards module's `purchase.completed` rule), awarded and taken
 * back, in proportion to each refund, inside the transactions that record the payment and its
 * refunds.
 */
export interface PurchaseRewards {
  /** Returns the reward transaction's id, or null when the license awards nothing. */
  awardIn(tx: Tx, payment: PaymentRow, now: Date): string | null;
  /**
   * Takes back the refund's share of the award, so that the tokens taken back come to
   * floor(award × refunded so far / paid); once per refund. A balance already spent below it is
   * recorded as a shortfall.
   */
  reverseIn(
    tx: Tx,
    payment: PaymentRow,
    rewardTransactionId: string,
    refund: { id: string; totalRefunded: number },
    now: Date,
  ): void;
}

export interface WebhookOutcome {
  eventId: string;
  type: string;
  duplicate: boolean;
}

function refundView(row: RefundRow): RefundView {
  return {
    id: row.id,
    paymentId: row.paymentId,
    amount: row.amount,
    currency: row.currency,
    status: row.status,
    reason: row.reason,
    source: row.source,
    createdAt: row.createdAt.toISOString(),
  };
}

function view(row: PaymentRow, receiptUrl: string | null = null): PaymentView {
  return {
    paymentId: row.id,
    paymentIntentId: row.paymentIntentId,
    kind: row.kind,
    item: row.item,
    amount: row.amount,
    amountRefunded: row.amountRefunded,
    currency: row.currency,
    status: row.status,
    failureCode: row.failureCode,
    receiptUrl,
  };
}

function unreachable(error: unknown): ApiError {
  return new ApiError(
    'service_unavailable',
    'The payment provider did not answer. Try again: nothing is charged twice.',
    { extensions: { cause: error instanceof Stripe.errors.StripeError ? error.type : undefined } },
  );
}

/**
 * Payments through Stripe: checkout creates payment intents for prices the server computes,
 * and Stripe's signed webhooks move them on. The Stripe client is handed in, so the same code
 * talks to Stripe or to the bundled emulator.
 */
export class PaymentService implements EventPayments {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #stripe: Stripe | null;
  readonly #webhookSecret: string | undefined;
  readonly #logger: Logger;
  /** One checkout at a time per learner in this process; idempotency keys cover the rest. */
  readonly #inFlight = new Map<string, Promise<unknown>>();
  readonly #products = new Map<string, Product>([['plan', planProduct as Product]]);
  readonly #eventHandlers = new Map<string, StripeEventHandler>();
  readonly #rewards: PurchaseRewards | undefined;
  readonly receipts: Receipts;

  constructor(options: {
    db: Db;
    clock: Clock;
    stripe: Stripe | null;
    webhookSecret: string | undefined;
    logger: Logger;
    /** Seals the key receipt links are signed with. */
    secrets: SecretBox;
    rewards?: PurchaseRewards;
  }) {
    this.#db = options.db;
    this.#clock = options.clock;
    this.#stripe = options.stripe;
    this.#webhookSecret = options.webhookSecret;
    this.#logger = options.logger;
    this.#rewards = options.rewards;
    this.receipts = new Receipts(options.db, options.clock, options.secrets);
  }

  /** Makes a kind of item purchasable; the module that owns the item prices and fulfils it. */
  registerProduct<K extends CheckoutRequest['kind']>(kind: K, product: Product<K>): void {
    this.#products.set(kind, product as unknown as Product);
  }

  /** Hands Stripe events of these types to another module (subscriptions, for one). */
  handleEvents(types: readonly string[], handler: StripeEventHandler): void {
    for (const type of types) {
      if (this.#eventHandlers.has(type)) throw new Error(`Stripe event ${type} is already handled`);
      this.#eventHandlers.set(type, handler);
    }
  }

  #product(kind: string): Product {
    const product = this.#products.get(kind);
    if (!product) {
      throw new ApiError('validation_failed', `Nothing of kind "${kind}" is sold here.`, {
        errors: [{ path: 'body.kind', message: 'Not sold on this server' }],
      });
    }
    return product;
  }

  #requireStripe(): Stripe {
    if (!this.#stripe) {
      throw new ApiError('service_unavailable', 'Payments are not configured on this server.');
    }
    return this.#stripe;
  }

  async checkout(learner: Learner, request: CheckoutRequest): Promise<CheckoutSession> {
    const product = this.#product(request.kind);
    const priced = product.price(learner, request);
    const stripe = this.#requireStripe();
    const lockKey = `${learner.licenseId}:${learner.id}`;
    const previous = this.#inFlight.get(lockKey) ?? Promise.resolve();
    const run = previous
      .catch(() => undefined)
      .then(async () => {
        if (!product.startCheckout) return this.#checkout(stripe, learner, priced);
        const customerId = await this.#customer(stripe, learner);
        return product.startCheckout({ stripe, learner, customerId, priced });
      });
    this.#inFlight.set(lockKey, run);
    try {
      return await run;
    } finally {
      if (this.#inFlight.get(lockKey) === run) this.#inFlight.delete(lockKey);
    }
  }

  async #checkout(stripe: Stripe, learner: Learner, priced: Priced): Promise<CheckoutSession> {
    const customerId = await this.#customer(stripe, learner);
    // The row and its idempotency key exist before Stripe is asked, so a retry after a lost
    // answer replays the same request instead of creating a second payment intent.
    const row = writeTransaction(this.#db, (tx) => {
      const open = tx
        .select()
        .from(payments)
        .where(
          and(
            eq(payments.licenseId, learner.licenseId),
            eq(payments.learnerId, learner.id),
            eq(payments.kind, priced.kind),
            eq(payments.item, priced.item),
            eq(payments.amount, priced.amount),
            eq(payments.currency, priced.currency),
            inArray(payments.status, OPEN_STATUSES),
          ),
        )
        .orderBy(desc(payments.createdAt))
        .limit(1)
        .get();
      if (open) return open;
      const now = this.#clock.now();
      const id = generateId('pay');
      return tx
        .insert(payments)
        .values({
          id,
          licenseId: learner.licenseId,
          learnerId: learner.id,
          kind: priced.kind,
          item: priced.item,
          amount: priced.amount,
          currency: priced.currency,
          description: priced.description,
          status: 'pending',
          idempotencyKey: `lx_${id}`,
          createdAt: now,
          updatedAt: now,
        })
        .returning()
        .get();
    });

    let intent: Stripe.PaymentIntent;
    try {
      intent = row.paymentIntentId
        ? await stripe.paymentIntents.retrieve(row.paymentIntentId)
        : await stripe.paymentIntents.create(
            {
              amount: row.amount,
              currency: row.currency.toLowerCase(),
              customer: customerId,
              description: priced.description,
              automatic_payment_methods: { enabled: true },
              metadata: {
                license_id: learner.licenseId,
                learner_id: learner.id,
                payment_id: row.id,
                ...priced.metadata,
                kind: row.kind,
                item: row.item,
              },
            },
            { idempotencyKey: row.idempotencyKey },
          );
    } catch (error) {
      this.#logger.warn({ err: error, paymentId: row.id }, 'payment intent not created');
      throw unreachable(error);
    }
    writeTransaction(this.#db, (tx) => this.#applyIntent(tx, intent, this.#clock.now()));
    if (FINAL_STATUSES.has(intent.status)) {
      // Paid or cancelled meanwhile: this row is done, so the click starts a fresh payment.
      return this.#checkout(stripe, learner, priced);
    }
    return {
      paymentId: row.id,
      paymentIntentId: intent.id,
      clientSecret: intent.client_secret ?? '',
      amount: intent.amount,
      currency: intent.currency.toUpperCase(),
      status: intent.status,
      mode: 'payment',
    };
  }

  async #customer(stripe: Stripe, learner: Learner): Promise<string> {
    const key = and(
      eq(stripeCustomers.licenseId, learner.licenseId),
      eq(stripeCustomers.learnerId, learner.id),
    );
    const known = this.#db.select().from(stripeCustomers).where(key).get();
    if (known) return known.customerId;
    let customer: Stripe.Customer;
    try {
      // Only identifiers go to Stripe: the learner's name and e-mail stay with the customer.
      customer = await stripe.customers.create(
        { metadata: { license_id: learner.licenseId, learner_id: learner.id } },
        { idempotencyKey: `lx_cus_${learner.licenseId}_${learner.id}` },
      );
    } catch (error) {
      this.#logger.warn({ err: error, learnerId: learner.id }, 'customer not created');
      throw unreachable(error);
    }
    this.#db
      .insert(stripeCustomers)
      .values({
        licenseId: learner.licenseId,
        learnerId: learner.id,
        customerId: customer.id,
        createdAt: this.#clock.now(),
      })
      .onConflictDoNothing()
      .run();
    return this.#db.select().from(stripeCustomers).where(key).get()!.customerId;
  }

  /** A payment of this learner, by its payment intent; another learner's is not found. */
  find(learner: Learner, paymentIntentId: string): PaymentView {
    const row = this.#db
      .select()
      .from(payments)
      .where(
        and(
          eq(payments.licenseId, learner.licenseId),
          eq(payments.learnerId, learner.id),
          eq(payments.paymentIntentId, paymentIntentId),
        ),
      )
      .get();
    if (!row) throw new ApiError('not_found', `No payment ${paymentIntentId} of yours.`);
    const receipt = row.status === 'succeeded' ? this.receipts.forPayment(row.id) : undefined;
    return view(row, receipt ? this.receipts.link(receipt) : null);
  }

  /**
   * Verifies and applies one webhook delivery. The event id is recorded in the same
   * IMMEDIATE transaction as its effect, so concurrent or later copies change nothing.
   */
  async receiveWebhook(rawBody: string, signature: string | undefined): Promise<WebhookOutcome> {
    const stripe = this.#requireStripe();
    if (!this.#webhookSecret) {
      throw new ApiError('service_unavailable', 'Stripe webhooks are not configured.');
    }
    if (!signature) {
      throw new ApiError('bad_request', 'The `Stripe-Signature` header is missing.', {
        errors: [{ path: 'header.stripe-signature', message: 'Required' }],
      });
    }
    let event: Stripe.Event;
    try {
      // The SDK refuses only old timestamps; one dated ahead would stay replayable until then.
      const signedAt = Number(/(?:^|,)t=(\d+)(?:,|$)/.exec(signature)?.[1]);
      if (signedAt > Date.now() / 1000 + WEBHOOK_TOLERANCE_SECONDS) throw new Error('future');
      event = await stripe.webhooks.constructEventAsync(
        rawBody,
        signature,
        this.#webhookSecret,
        WEBHOOK_TOLERANCE_SECONDS,
      );
    } catch {
      throw new ApiError(
        'bad_request',
        'The `Stripe-Signature` does not verify for this body, or it is too old.',
        { errors: [{ path: 'header.stripe-signature', message: 'Invalid or stale signature' }] },
      );
    }
    const outcome = { eventId: event.id, type: event.type };
    if (this.#seen(event.id)) return { ...outcome, duplicate: true };

    const receivedAt = this.#clock.now();
    let effect: EventEffect | null;
    try {
      effect = await this.#effectOf(stripe, event);
    } catch (error) {
      // Not recorded, so Stripe's retry gets another chance.
      this.#logger.warn({ err: error, eventId: event.id }, 'stripe event not applied');
      throw unreachable(error);
    }
    const object = event.data.object as { id?: string };
    const applied = writeTransaction(this.#db, (tx) => {
      const now = this.#clock.now();
      const inserted = tx
        .insert(stripeEvents)
        .values({
          id: event.id,
          type: event.type,
          objectId: typeof object.id === 'string' ? object.id : null,
          receivedAt,
          appliedAt: now,
        })
        .onConflictDoNothing()
        .run();
      if (inserted.changes === 0) return false;
      effect?.(tx, now);
      return true;
    });
    return { ...outcome, duplicate: !applied };
  }

  #seen(eventId: string): boolean {
    return (
      this.#db
        .select({ id: stripeEvents.id })
        .from(stripeEvents)
        .where(eq(stripeEvents.id, eventId))
        .get() !== undefined
    );
  }

  /**
   * Fetches what the event's effect needs. Events can arrive in any order and late, so the
   * object is re-read from Stripe: its current state, not the snapshot in the event, is what
   * gets recorded.
   */
  async #effectOf(stripe: Stripe, event: Stripe.Event): Promise<EventEffect | null> {
    switch (event.type) {
      case 'payment_intent.succeeded': {
        // With its charge, for the amounts and card the receipt shows.
        const intent = await stripe.paymentIntents.retrieve(event.data.object.id, {
          expand: ['latest_charge'],
        });
        return (tx, now) => this.#applyIntent(tx, intent, now);
      }
      case 'payment_intent.payment_failed':
      case 'payment_intent.processing':
      case 'payment_intent.canceled': {
        const intent = await stripe.paymentIntents.retrieve(event.data.object.id);
        return (tx, now) => this.#applyIntent(tx, intent, now);
      }
      case 'charge.refunded': {
        const charge = await stripe.charges.retrieve(event.data.object.id);
        const list: Stripe.Refund[] = [];
        for await (const refund of stripe.refunds.list({ charge: charge.id, limit: 100 })) {
          list.push(refund);
        }
        return (tx, now) => this.#applyRefunds(tx, charge, list, now);
      }
      default: {
        const handler = this.#eventHandlers.get(event.type);
        return handler ? handler(stripe, event, this) : null;
      }
    }
  }

  #rowFor(tx: Tx, intent: Stripe.PaymentIntent): PaymentRow | undefined {
    const byIntent = tx
      .select()
      .from(payments)
      .where(eq(payments.paymentIntentId, intent.id))
      .get();
    if (byIntent) return byIntent;
    const { payment_id: paymentId, license_id: licenseId } = intent.metadata ?? {};
    if (!paymentId || !licenseId) return undefined;
    return tx
      .select()
      .from(payments)
      .where(and(eq(payments.id, paymentId), eq(payments.licenseId, licenseId)))
      .get();
  }

  #applyIntent(tx: Tx, intent: Stripe.PaymentIntent, now: Date): void {
    const metadata = intent.metadata ?? {};
    let row = this.#rowFor(tx, intent);
    if (!row) {
      // An intent the server did not create here (another process, or Stripe's dashboard)
      // is recorded when its metadata names a license and learner of this server.
      const { license_id: licenseId, learner_id: learnerId } = metadata;
      if (!licenseId || !learnerId) return;
      const learner = tx
        .select({ id: learners.id })
        .from(learners)
        .where(and(eq(learners.id, learnerId), eq(learners.licenseId, licenseId)))
        .get();
      if (!learner) return;
      row = tx
        .insert(payments)
        .values({
          id: generateId('pay'),
          licenseId,
          learnerId,
          kind: metadata.kind ?? 'plan',
          item: metadata.item ?? '',
          amount: intent.amount,
          currency: intent.currency.toUpperCase(),
          status: 'pending',
          idempotencyKey: `stripe_${intent.id}`,
          paymentIntentId: intent.id,
          createdAt: now,
          updatedAt: now,
        })
        .returning()
        .get();
    }
    if (metadata.license_id && metadata.license_id !== row.licenseId) {
      this.#logger.error({ paymentId: row.id, intent: intent.id }, 'intent names another license');
      return;
    }
    // A re-read that raced a newer one must not undo a payment Stripe has finished.
    const status =
      FINAL_STATUSES.has(row.status) && row.status !== intent.status ? row.status : intent.status;
    const failure = intent.last_payment_error;
    tx.update(payments)
      .set({
        paymentIntentId: intent.id,
        status,
        amount: intent.amount,
        currency: intent.currency.toUpperCase(),
        failureCode:
          status === 'succeeded'
            ? null
            : (failure?.decline_code ?? failure?.code ?? row.failureCode),
        updatedAt: now,
      })
      .where(eq(payments.id, row.id))
      .run();
    if (status === 'succeeded' && row.status !== 'succeeded') {
      const paid = tx.select().from(payments).where(eq(payments.id, row.id)).get()!;
      this.#succeeded(tx, paid, intent, now);
    }
  }

  /**
   * Everything a success causes, in the transaction that records it: the receipt, the partner
   * event, the purchase's tokens, and then the product's own effect (enrollment, plan…).
   */
  #succeeded(tx: Tx, paid: PaymentRow, intent: Stripe.PaymentIntent, now: Date): void {
    const receipt = this.receipts.issueIn(tx, paid, intent, now);
    const payment = this.#completed(tx, paid, receipt, {}, now);
    this.#products.get(payment.kind)?.succeeded?.(tx, payment, now);
  }

  /** The purchase's tokens and the partner event `purchase.completed`; returns the payment. */
  #completed(
    tx: Tx,
    paid: PaymentRow,
    receipt: ReceiptRow | null,
    extra: Record<string, unknown>,
    now: Date,
  ): PaymentRow {
    let payment = paid;
    const rewardTransactionId = this.#rewards?.awardIn(tx, paid, now) ?? null;
    if (rewardTransactionId) {
      payment = tx
        .update(payments)
        .set({ rewardTransactionId })
        .where(eq(payments.id, paid.id))
        .returning()
        .get();
    }
    enqueueEvents(
      tx,
      [
        {
          licenseId: payment.licenseId,
          type: 'purchase.completed',
          dedupeKey: `purchase.completed:${payment.id}`,
          payload: {
            paymentId: payment.id,
            paymentIntentId: payment.paymentIntentId,
            learnerId: this.#subjectOf(tx, payment) ?? payment.learnerId,
            kind: payment.kind,
            item: payment.item,
            description: receipt?.description ?? payment.description,
            amount: receipt?.amount ?? payment.amount,
            currency: receipt?.currency ?? payment.currency,
            receiptId: receipt?.id ?? null,
            receiptNumber: receipt?.number ?? null,
            paidAt: (receipt?.paidAt ?? now).toISOString(),
            ...extra,
          },
        },
      ],
      now,
    );
    return payment;
  }

  /**
   * Records a subscription invoice Stripe reports paid, inside the transaction of the event
   * that found it paid. Keyed by Stripe's invoice id (the payment's idempotency key), so
   * redelivered, reordered or repeated invoice events record it once. An invoice that paid
   * nothing (a trial's) gets no payment, receipt or partner event.
   */
  recordInvoicePaid(tx: Tx, paid: InvoicePaid, now: Date): void {
    const { invoice } = paid;
    if (!invoice.id || invoice.status !== 'paid' || invoice.amount_paid <= 0) return;
    const learner = tx
      .select({ id: learners.id })
      .from(learners)
      .where(and(eq(learners.id, paid.learnerId), eq(learners.licenseId, paid.licenseId)))
      .get();
    if (!learner) return;
    const intervalWord = paid.plan.interval === 'month' ? 'monthly' : 'yearly';
    const currency = invoice.currency.toUpperCase();
    const row = tx
      .insert(payments)
      .values({
        id: generateId('pay'),
        licenseId: paid.licenseId,
        learnerId: paid.learnerId,
        kind: 'plan',
        item: `${paid.plan.id}:${paid.plan.interval}`,
        amount: invoice.amount_paid,
        currency,
        description: `${paid.plan.name} (${intervalWord})`,
        status: 'succeeded',
        idempotencyKey: `invoice_${invoice.id}`,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing({ target: payments.idempotencyKey })
      .returning()
      .get();
    if (!row) return;
    // Stripe's invoice period is the one before; its lines carry the period billed.
    const lines = (invoice.lines?.data ?? []).filter((l) => l.amount >= 0 && l.period);
    const periodStart = lines.length
      ? Math.min(...lines.map((l) => l.period.start))
      : invoice.period_start;
    const periodEnd = lines.length
      ? Math.max(...lines.map((l) => l.period.end))
      : invoice.period_end;
    const paidAt = invoice.status_transitions?.paid_at;
    const receipt = this.receipts.issueForIn(
      tx,
      row,
      {
        amount: invoice.amount_paid,
        currency,
        description: row.description!,
        paymentIntentId: null,
        chargeId: null,
        card: null,
        paidAt: typeof paidAt === 'number' ? new Date(paidAt * 1000) : now,
      },
      now,
    );
    this.#completed(
      tx,
      row,
      receipt,
      {
        subscription: true,
        subscriptionId: paid.subscriptionId,
        invoiceId: invoice.id,
        billingReason: invoice.billing_reason ?? null,
        plan: paid.plan.id,
        interval: paid.plan.interval,
        period: {
          start: new Date(periodStart * 1000).toISOString(),
          end: new Date(periodEnd * 1000).toISOString(),
        },
      },
      now,
    );
  }

  /** The receipt of a subscription invoice recorded by `recordInvoicePaid`, if it has one. */
  receiptOfInvoice(licenseId: string, invoiceId: string): ReceiptRow | undefined {
    const row = this.#db
      .select({ id: payments.id })
      .from(payments)
      .where(
        and(eq(payments.licenseId, licenseId), eq(payments.idempotencyKey, `invoice_${invoiceId}`)),
      )
      .get();
    return row ? this.receipts.forPayment(row.id) : undefined;
  }

  /** The customer's own id for the learner (`sub`): partner events name learners by it. */
  #subjectOf(tx: Tx, payment: PaymentRow): string | null {
    return (
      tx
        .select({ subject: learners.subject })
        .from(learners)
        .where(and(eq(learners.id, payment.learnerId), eq(learners.licenseId, payment.licenseId)))
        .get()?.subject ?? null
    );
  }

  /**
   * Records each of Stripe's refunds of a charge that is not recorded yet. Refunds are keyed
   * by Stripe's id, so whichever path saw one first (the operator's request or this event),
   * it counts once, with its exact amount, in whatever order the events arrive.
   */
  #applyRefunds(tx: Tx, charge: Stripe.Charge, list: Stripe.Refund[], now: Date): void {
    const intentId =
      typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
    if (!intentId) return;
    const row = tx.select().from(payments).where(eq(payments.paymentIntentId, intentId)).get();
    if (!row) return;
    // Stripe lists newest first; oldest first keeps the running totals in Stripe's order.
    for (const refund of [...list].reverse().sort((a, b) => a.created - b.created)) {
      const source = refund.metadata?.refund_request_id ? 'operator' : 'stripe';
      this.#recordRefund(tx, row.id, refund, source, now);
    }
  }

  /** Records one Stripe refund once; returns it, or null when it was already recorded. */
  #recordRefund(
    tx: Tx,
    paymentId: string,
    refund: Stripe.Refund,
    source: 'operator' | 'stripe',
    now: Date,
  ): RefundRow | null {
    // Failed and canceled refunds never moved money.
    if (refund.status !== 'succeeded' && refund.status !== 'pending') return null;
    const payment = tx.select().from(payments).where(eq(payments.id, paymentId)).get()!;
    const recorded = tx
      .insert(refunds)
      .values({
        id: refund.id,
        licenseId: payment.licenseId,
        paymentId: payment.id,
        amount: refund.amount,
        currency: refund.currency.toUpperCase(),
        status: refund.status,
        reason: refund.reason ?? null,
        source,
        createdAt: now,
      })
      .onConflictDoNothing()
      .returning()
      .get();
    if (!recorded) return null;
    const requestId = refund.metadata?.refund_request_id;
    if (requestId) {
      // The operator's request whose answer was lost on the way back is settled by the event.
      tx.update(refundRequests)
        .set({ status: 'succeeded', refundId: refund.id, updatedAt: now })
        .where(
          and(eq(refundRequests.id, requestId), eq(refundRequests.licenseId, payment.licenseId)),
        )
        .run();
    }
    const total = Number(
      tx
        .select({ total: sum(refunds.amount) })
        .from(refunds)
        .where(eq(refunds.paymentId, payment.id))
        .get()?.total ?? 0,
    );
    const updated = tx
      .update(payments)
      .set({ amountRefunded: total, updatedAt: now })
      .where(eq(payments.id, payment.id))
      .returning()
      .get();
    const applied: RefundApplied = {
      amount: recorded.amount,
      totalRefunded: total,
      full: total >= updated.amount,
    };
    enqueueEvents(
      tx,
      [
        {
          licenseId: updated.licenseId,
          type: 'refund.created',
          dedupeKey: `refund.created:${recorded.id}`,
          payload: {
            refundId: recorded.id,
            paymentId: updated.id,
            paymentIntentId: updated.paymentIntentId,
            learnerId: this.#subjectOf(tx, updated) ?? updated.learnerId,
            kind: updated.kind,
            item: updated.item,
            amount: recorded.amount,
            currency: recorded.currency,
            totalRefunded: total,
            full: applied.full,
            reason: recorded.reason,
          },
        },
      ],
      now,
    );
    if (updated.rewardTransactionId) {
      this.#rewards?.reverseIn(
        tx,
        updated,
        updated.rewardTransactionId,
        { id: recorded.id, totalRefunded: total },
        now,
      );
    }
    this.#products.get(updated.kind)?.refunded?.(tx, updated, applied, now);
    return recorded;
  }

  /* The operator's side */

  #paymentOf(db: Db | Tx, licenseId: string, paymentId: string): PaymentRow {
    const row = db
      .select()
      .from(payments)
      .where(and(eq(payments.licenseId, licenseId), eq(payments.id, paymentId)))
      .get();
    if (!row) throw new ApiError('not_found', `No payment ${paymentId} in license ${licenseId}.`);
    return row;
  }

  #detail(row: PaymentRow): PaymentDetail {
    const base: Partial<PaymentView> & Omit<PaymentView, 'receiptUrl'> = view(row);
    delete base.receiptUrl;
    const receipt = this.receipts.forPayment(row.id);
    return {
      ...base,
      licenseId: row.licenseId,
      learnerId: row.learnerId,
      description: row.description,
      receiptId: receipt?.id ?? null,
      receiptNumber: receipt?.number ?? null,
      refunds: this.#db
        .select()
        .from(refunds)
        .where(and(eq(refunds.licenseId, row.licenseId), eq(refunds.paymentId, row.id)))
        .orderBy(refunds.createdAt)
        .all()
        .map(refundView),
      createdAt: row.createdAt.toISOString(),
    };
  }

  /** A payment of a license with its receipt and refunds. */
  detail(licenseId: string, paymentId: string): PaymentDetail {
    return this.#detail(this.#paymentOf(this.#db, licenseId, paymentId));
  }

  /** A license's payments, newest first. */
  list(
    licenseId: string,
    options: { limit: number; status?: string | undefined; before?: Date | undefined },
  ): PaymentDetail[] {
    return this.#db
      .select()
      .from(payments)
      .where(
        and(
          eq(payments.licenseId, licenseId),
          options.status ? eq(payments.status, options.status) : undefined,
          options.before ? lt(payments.createdAt, options.before) : undefined,
        ),
      )
      .orderBy(desc(payments.createdAt))
      .limit(options.limit)
      .all()
      .map((row) => this.#detail(row));
  }

  /**
   * Refunds a payment, in full (no amount) or in part. Refused before Stripe is asked when
   * the amount is more than what is left; the request and its idempotency key are stored
   * first, and the amount stays reserved until Stripe answers, so neither a retry nor two
   * operators at once can refund more than was paid.
   */
  async refund(
    licenseId: string,
    paymentId: string,
    input: {
      amount?: number | undefined;
      reason?: RefundReason | undefined;
      idempotencyKey: string;
    },
  ): Promise<RefundView> {
    const now = this.#clock.now();
    let stripe: Stripe | undefined;
    const prepared = writeTransaction(this.#db, (tx) => {
      const payment = this.#paymentOf(tx, licenseId, paymentId);
      const previous = tx
        .select()
        .from(refundRequests)
        .where(
          and(
            eq(refundRequests.licenseId, licenseId),
            eq(refundRequests.idempotencyKey, input.idempotencyKey),
          ),
        )
        .get();
      if (previous) {
        const same =
          previous.paymentId === paymentId &&
          (input.amount === undefined || input.amount === previous.amount) &&
          (input.reason ?? null) === previous.reason;
        if (!same) {
          throw new ApiError(
            'conflict',
            'This idempotency key was already used for a different refund request.',
            { extensions: { reason: 'idempotency_key_reused' } },
          );
        }
        if (previous.status !== 'succeeded') stripe = this.#requireStripe();
        return { payment, request: previous };
      }
      if (payment.status !== 'succeeded' || !payment.paymentIntentId) {
        throw new ApiError(
          'conflict',
          `Payment ${paymentId} is not paid, so nothing can be refunded.`,
          {
            extensions: { reason: 'not_paid', status: payment.status },
          },
        );
      }
      const reserved = Number(
        tx
          .select({ total: sum(refundRequests.amount) })
          .from(refundRequests)
          .where(and(eq(refundRequests.paymentId, paymentId), eq(refundRequests.status, 'pending')))
          .get()?.total ?? 0,
      );
      const refundable = payment.amount - payment.amountRefunded - reserved;
      const amount = input.amount ?? refundable;
      if (refundable <= 0 || amount > refundable) {
        throw new ApiError(
          'conflict',
          refundable <= 0
            ? `Payment ${paymentId} has nothing left to refund.`
            : `At most ${refundable} (minor units of ${payment.currency}) of payment ${paymentId} can still be refunded; ${amount} was asked.`,
          {
            extensions: {
              reason: refundable <= 0 ? 'fully_refunded' : 'amount_exceeds_refundable',
              refundable: Math.max(0, refundable),
              currency: payment.currency,
            },
          },
        );
      }
      stripe = this.#requireStripe();
      const id = generateId('rfr');
      const request = tx
        .insert(refundRequests)
        .values({
          id,
          licenseId,
          paymentId,
          idempotencyKey: input.idempotencyKey,
          amount,
          reason: input.reason ?? null,
          status: 'pending',
          createdAt: now,
          updatedAt: now,
        })
        .returning()
        .get();
      return { payment, request };
    });
    const { payment, request } = prepared;
    if (request.status === 'succeeded' && request.refundId) {
      const done = this.#db.select().from(refunds).where(eq(refunds.id, request.refundId)).get();
      if (done) return refundView(done);
    }

    let refund: Stripe.Refund;
    try {
      refund = await stripe!.refunds.create(
        {
          payment_intent: payment.paymentIntentId!,
          amount: request.amount,
          ...(request.reason ? { reason: request.reason as RefundReason } : {}),
          metadata: { license_id: licenseId, payment_id: paymentId, refund_request_id: request.id },
        },
        { idempotencyKey: `lx_${request.id}` },
      );
    } catch (error) {
      if (
        error instanceof Stripe.errors.StripeInvalidRequestError ||
        error instanceof Stripe.errors.StripeCardError
      ) {
        // Stripe said no: nothing moved, so the reservation and the key are released.
        this.#db.delete(refundRequests).where(eq(refundRequests.id, request.id)).run();
        throw new ApiError('conflict', `Stripe refused the refund: ${error.message}`, {
          extensions: { reason: 'refused_by_stripe', stripeCode: error.code },
        });
      }
      this.#logger.warn({ err: error, paymentId }, 'refund not created');
      throw unreachable(error);
    }
    return writeTransaction(this.#db, (tx) => {
      const at = this.#clock.now();
      this.#recordRefund(tx, paymentId, refund, 'operator', at);
      tx.update(refundRequests)
        .set({ status: 'succeeded', refundId: refund.id, updatedAt: at })
        .where(eq(refundRequests.id, request.id))
        .run();
      return refundView(tx.select().from(refunds).where(eq(refunds.id, refund.id)).get()!);
    });
  }
}
