import { and, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type Stripe from 'stripe';
import { first, type Store, type Tx } from '../../db/store.js';
import { generateId } from '../../lib/ids.js';
import type { PurchaseCompleted } from './contract.js';
import type { LearnerDirectory, PartnerEvents, PurchaseRewards } from './dependencies.js';
import type { EventPayments, InvoicePaid, Registry } from './products.js';
import type { Receipts } from './receipts.js';
import { payments, type PaymentRow, type ReceiptRow } from './schema.js';

/** Payment-intent states from which Stripe never moves on; a late event cannot undo them. */
export const FINAL_STATUSES = new Set(['succeeded', 'canceled']);

/**
 * What Stripe reports about money received, recorded inside the transaction that learns it:
 * a payment intent's state, a subscription invoice paid, and everything a success causes
 * (the receipt, the purchase's tokens, the partner event, the product's own effect).
 */
export class Settlement implements EventPayments {
  readonly #store: Store;
  readonly #logger: Logger;
  readonly #receipts: Receipts;
  readonly #registry: Registry;
  readonly #learners: LearnerDirectory;
  readonly #events: PartnerEvents;
  readonly #rewards: PurchaseRewards | undefined;

  constructor(options: {
    store: Store;
    logger: Logger;
    receipts: Receipts;
    registry: Registry;
    learners: LearnerDirectory;
    events: PartnerEvents;
    rewards: PurchaseRewards | undefined;
  }) {
    this.#store = options.store;
    this.#logger = options.logger;
    this.#receipts = options.receipts;
    this.#registry = options.registry;
    this.#learners = options.learners;
    this.#events = options.events;
    this.#rewards = options.rewards;
  }

  /** The customer's own id for the learner (`sub`): partner events name learners by it. */
  async subjectOf(tx: Tx, payment: PaymentRow): Promise<string | null> {
    return (await this.#learners.find(tx, payment.licenseId, payment.learnerId))?.subject ?? null;
  }

  async #rowFor(tx: Tx, intent: Stripe.PaymentIntent): Promise<PaymentRow | undefined> {
    const byIntent = first(
      await tx.select().from(payments).where(eq(payments.paymentIntentId, intent.id)).limit(1),
    );
    if (byIntent) return byIntent;
    const { payment_id: paymentId, license_id: licenseId } = intent.metadata ?? {};
    if (!paymentId || !licenseId) return undefined;
    return first(
      await tx
        .select()
        .from(payments)
        .where(and(eq(payments.id, paymentId), eq(payments.licenseId, licenseId)))
        .limit(1),
    );
  }

  /**
   * Writes a payment intent's state as Stripe reports it in a read issued at `readAt`; its
   * first success settles the payment.
   */
  async applyIntent(tx: Tx, intent: Stripe.PaymentIntent, readAt: Date, now: Date): Promise<void> {
    const metadata = intent.metadata ?? {};
    let row = await this.#rowFor(tx, intent);
    if (!row) {
      // An intent the server did not create here (another process, or Stripe's dashboard)
      // is recorded when its metadata names a license and learner of this server.
      const { license_id: licenseId, learner_id: learnerId } = metadata;
      if (!licenseId || !learnerId) return;
      if (!(await this.#learners.find(tx, licenseId, learnerId))) return;
      const [inserted] = await tx
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
        .returning();
      row = inserted!;
    }
    if (metadata.license_id && metadata.license_id !== row.licenseId) {
      this.#logger.error({ paymentId: row.id, intent: intent.id }, 'intent names another license');
      return;
    }
    // A read issued before the one already written is older news, whenever it answered;
    // a state Stripe never leaves is news whenever it was read.
    if (row.syncedAt && readAt < row.syncedAt && !FINAL_STATUSES.has(intent.status)) return;
    // A re-read that raced a newer one must not undo a payment Stripe has finished.
    const status =
      FINAL_STATUSES.has(row.status) && row.status !== intent.status ? row.status : intent.status;
    const failure = intent.last_payment_error;
    await tx
      .update(payments)
      .set({
        paymentIntentId: intent.id,
        status,
        amount: intent.amount,
        currency: intent.currency.toUpperCase(),
        failureCode:
          status === 'succeeded'
            ? null
            : (failure?.decline_code ?? failure?.code ?? row.failureCode),
        syncedAt: readAt,
        updatedAt: now,
      })
      .where(eq(payments.id, row.id));
    if (status === 'succeeded' && row.status !== 'succeeded') {
      const [paid] = await tx.select().from(payments).where(eq(payments.id, row.id)).limit(1);
      await this.#succeeded(tx, paid!, intent, now);
    }
  }

  /**
   * Everything a success causes, in the transaction that records it: the receipt, the partner
   * event, the purchase's tokens, and then the product's own effect (enrollment…).
   */
  async #succeeded(
    tx: Tx,
    paid: PaymentRow,
    intent: Stripe.PaymentIntent,
    now: Date,
  ): Promise<void> {
    const receipt = await this.#receipts.issueIn(tx, paid, intent, now);
    const payment = await this.#completed(tx, paid, receipt, {}, now);
    await this.#registry.productOf(payment.kind)?.succeeded?.(tx, payment, now);
  }

  /** The purchase's tokens and the partner event `purchase.completed`; returns the payment. */
  async #completed(
    tx: Tx,
    paid: PaymentRow,
    receipt: ReceiptRow | null,
    extra: Partial<PurchaseCompleted>,
    now: Date,
  ): Promise<PaymentRow> {
    let payment = paid;
    const rewardTransactionId = (await this.#rewards?.awardIn(tx, paid, now)) ?? null;
    if (rewardTransactionId) {
      const [updated] = await tx
        .update(payments)
        .set({ rewardTransactionId })
        .where(eq(payments.id, paid.id))
        .returning();
      payment = updated!;
    }
    const payload: PurchaseCompleted = {
      paymentId: payment.id,
      paymentIntentId: payment.paymentIntentId,
      learnerId: (await this.subjectOf(tx, payment)) ?? payment.learnerId,
      kind: payment.kind,
      item: payment.item,
      description: receipt?.description ?? payment.description,
      amount: receipt?.amount ?? payment.amount,
      currency: receipt?.currency ?? payment.currency,
      receiptId: receipt?.id ?? null,
      receiptNumber: receipt?.number ?? null,
      paidAt: (receipt?.paidAt ?? now).toISOString(),
      ...extra,
    };
    await this.#events.enqueueIn(
      tx,
      [
        {
          licenseId: payment.licenseId,
          type: 'purchase.completed',
          dedupeKey: `purchase.completed:${payment.id}`,
          payload,
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
  async recordInvoicePaid(tx: Tx, paid: InvoicePaid, now: Date): Promise<void> {
    const { invoice, tier } = paid;
    if (!invoice.id || invoice.status !== 'paid' || invoice.amount_paid <= 0) return;
    if (!(await this.#learners.find(tx, paid.licenseId, paid.learnerId))) return;
    const intervalWord = tier.interval === 'month' ? 'monthly' : 'yearly';
    const currency = invoice.currency.toUpperCase();
    const [row] = await tx
      .insert(payments)
      .values({
        id: generateId('pay'),
        licenseId: paid.licenseId,
        learnerId: paid.learnerId,
        kind: 'plan',
        item: `${tier.id}:${tier.interval}`,
        amount: invoice.amount_paid,
        currency,
        description: `${tier.name} (${intervalWord})`,
        status: 'succeeded',
        idempotencyKey: `invoice_${invoice.id}`,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing({ target: payments.idempotencyKey })
      .returning();
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
    const receipt = await this.#receipts.issueForIn(
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
    await this.#completed(
      tx,
      row,
      receipt,
      {
        subscription: true,
        subscriptionId: paid.subscriptionId,
        invoiceId: invoice.id,
        billingReason: invoice.billing_reason ?? null,
        plan: tier.id,
        interval: tier.interval,
        period: {
          start: new Date(periodStart * 1000).toISOString(),
          end: new Date(periodEnd * 1000).toISOString(),
        },
      },
      now,
    );
  }

  /** The receipt of a subscription invoice recorded by `recordInvoicePaid`, if it has one. */
  async receiptOfInvoice(licenseId: string, invoiceId: string): Promise<ReceiptRow | undefined> {
    const row = first(
      await this.#store.db
        .select({ id: payments.id })
        .from(payments)
        .where(
          and(
            eq(payments.licenseId, licenseId),
            eq(payments.idempotencyKey, `invoice_${invoiceId}`),
          ),
        )
        .limit(1),
    );
    return row ? this.#receipts.forPayment(row.id) : undefined;
  }
}
