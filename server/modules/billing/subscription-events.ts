import { and, eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Db, Tx } from '../../db/client.js';
import type { Clock } from '../../services.js';
import type { EventEffect, StripeEventHandler } from '../payments/products.js';
import { subscriptionInvoices, subscriptions } from './schema.js';
import { fromUnix, idOf, type SubscriptionStore } from './subscription-store.js';

/** The Stripe events billing registers with payments. */
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

/** Stripe never moves an invoice out of these. */
const FINAL_INVOICE_STATUSES = new Set(['paid', 'void']);

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
 * Stripe's subscription, invoice and setup-intent events, handed to billing by payments. Each
 * re-reads the object from Stripe first (events come late and out of order) and returns the
 * effect payments applies in the transaction that records the event.
 */
export class SubscriptionEvents {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #store: SubscriptionStore;

  constructor(options: { db: Db; clock: Clock; store: SubscriptionStore }) {
    this.#db = options.db;
    this.#clock = options.clock;
    this.#store = options.store;
  }

  /** Applies Stripe's subscription and invoice events, re-reading the object first. */
  readonly handle: StripeEventHandler = async (stripe, event, payments) => {
    const object = event.data.object as { id?: string; object?: string };
    if (!object.id) return null;
    // Stamped with when the read was issued: a read that started earlier is older news,
    // however late it answers.
    const readAt = this.#clock.now();
    if (object.object === 'subscription') {
      const sub = await stripe.subscriptions.retrieve(object.id);
      return async (tx, now) => this.#store.apply(tx as unknown as Tx, sub, readAt, now);
    }
    if (object.object === 'invoice') {
      const invoice = await stripe.invoices.retrieve(object.id);
      const subId = invoice.parent?.subscription_details?.subscription;
      const sub = subId ? await stripe.subscriptions.retrieve(idOf(subId)!) : null;
      const effect: EventEffect = async (paymentsTx, now) => {
        // Billing's statements run on the connection payments' write holds.
        const tx = paymentsTx as unknown as Tx;
        if (sub) this.#store.apply(tx, sub, readAt, now);
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
          const { planId, planName, interval } = this.#store.view(paidBy);
          await payments.recordInvoicePaid(
            paymentsTx,
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
    if (object.object === 'setup_intent') return this.#setupSucceeded(stripe, object.id, readAt);
    return null;
  };

  /**
   * A trial's card is saved: the trials of that customer still waiting for one are re-read
   * from Stripe (which no longer names a pending setup intent for the one confirmed).
   */
  async #setupSucceeded(
    stripe: Stripe,
    setupIntentId: string,
    readAt: Date,
  ): Promise<EventEffect | null> {
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
    return async (tx, now) => {
      for (const sub of subs) this.#store.apply(tx as unknown as Tx, sub, readAt, now);
    };
  }

  /** Writes an invoice of one of our subscriptions, for the learner's billing history. */
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
    if (existing && readAt < existing.syncedAt && !FINAL_INVOICE_STATUSES.has(invoice.status ?? ''))
      return;
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
}
