import { and, eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { first, type Store, type Tx } from '../../db/store.js';
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

/**
 * The transaction payments runs an effect in, as the store's. Payments still types it as the
 * synchronous SQLite connection's; at run time it is the same drizzle database.
 */
const storeTx = (tx: Parameters<EventEffect>[0]) => tx;

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
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #rows: SubscriptionStore;

  constructor(options: { store: Store; clock: Clock; rows: SubscriptionStore }) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#rows = options.rows;
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
      return async (tx, now) => {
        await this.#rows.apply(storeTx(tx), sub, readAt, now);
      };
    }
    if (object.object === 'invoice') {
      const invoice = await stripe.invoices.retrieve(object.id);
      const subId = invoice.parent?.subscription_details?.subscription;
      const sub = subId ? await stripe.subscriptions.retrieve(idOf(subId)!) : null;
      const effect: EventEffect = async (paymentsTx, now) => {
        const tx = storeTx(paymentsTx);
        if (sub) await this.#rows.apply(tx, sub, readAt, now);
        await this.#applyInvoice(tx, invoice, readAt, now);
        // A paid invoice is a payment (receipt, tokens, partner event), once per invoice.
        const paidBy =
          sub && invoice.status === 'paid'
            ? first(
                await tx
                  .select()
                  .from(subscriptions)
                  .where(eq(subscriptions.stripeSubscriptionId, sub.id))
                  .limit(1),
              )
            : undefined;
        if (sub && paidBy) {
          const { planId, planName, interval } = await this.#rows.view(paidBy);
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
    const waiting = await this.#store.db
      .select({ stripeSubscriptionId: subscriptions.stripeSubscriptionId })
      .from(subscriptions)
      .where(
        and(
          eq(subscriptions.customerId, customerId),
          eq(subscriptions.status, 'trialing'),
          eq(subscriptions.awaitingSetup, true),
        ),
      );
    const subs: Stripe.Subscription[] = [];
    for (const { stripeSubscriptionId } of waiting) {
      if (stripeSubscriptionId)
        subs.push(await stripe.subscriptions.retrieve(stripeSubscriptionId));
    }
    if (!subs.length) return null;
    return async (tx, now) => {
      for (const sub of subs) await this.#rows.apply(storeTx(tx), sub, readAt, now);
    };
  }

  /** Writes an invoice of one of our subscriptions, for the learner's billing history. */
  async #applyInvoice(tx: Tx, invoice: Stripe.Invoice, readAt: Date, now: Date): Promise<void> {
    const subId = idOf(invoice.parent?.subscription_details?.subscription);
    if (!subId || !invoice.id) return;
    const row = first(
      await tx
        .select()
        .from(subscriptions)
        .where(eq(subscriptions.stripeSubscriptionId, subId))
        .limit(1),
    );
    if (!row) return;
    const existing = first(
      await tx
        .select()
        .from(subscriptionInvoices)
        .where(eq(subscriptionInvoices.id, invoice.id))
        .limit(1),
    );
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
    await tx
      .insert(subscriptionInvoices)
      .values({
        id: invoice.id,
        licenseId: row.licenseId,
        learnerId: row.learnerId,
        subscriptionId: row.id,
        createdAt: now,
        ...values,
      })
      .onConflictDoUpdate({ target: subscriptionInvoices.id, set: values });
  }
}
