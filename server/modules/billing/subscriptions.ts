import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import type Stripe from 'stripe';
import { first, type Store } from '../../db/store.js';
import { iso } from '../../lib/dates.js';
import type { KeyedLock } from '../../lib/keyed-lock.js';
import type { Clock } from '../../services.js';
import type { Learner } from '../learners/service.js';
import type { Product, StripeEventHandler } from '../payments/products.js';
import type { TierCatalog } from './catalog.js';
import type { ChangeResult, InvoiceView, SubscriptionView, TierChange } from './contract.js';
import type { LearnerLookup, LicenseLookup } from './dependencies.js';
import { subscriptionInvoices, subscriptions } from './schema.js';
import { SubscriptionCheckout } from './subscription-checkout.js';
import { SubscriptionEvents } from './subscription-events.js';
import { ENTITLED_STATUSES, SubscriptionStore } from './subscription-store.js';
import { TierChanges } from './tier-changes.js';

type LearnerKey = { licenseId: string; id: string };

/**
 * Learners' subscriptions to the license's tiers. Checkout starts them in Stripe
 * (`subscription-checkout.ts`); Stripe's events, re-read from Stripe so order does not matter,
 * move them on (`subscription-events.ts`, writing through `subscription-store.ts`); learners
 * change, cancel and resume them (`tier-changes.ts`). What learners and operators read is
 * here.
 */
export class SubscriptionService {
  readonly #store: Store;
  readonly #rows: SubscriptionStore;
  readonly #changes: TierChanges;
  /** The `plan` kind of checkout: a Stripe subscription to one of the license's tiers. */
  readonly product: Product<'plan'>;
  /** Applies Stripe's subscription and invoice events, re-reading the object first. */
  readonly handleEvent: StripeEventHandler;

  constructor(options: {
    store: Store;
    clock: Clock;
    stripe: Stripe | null;
    logger: Logger;
    catalog: TierCatalog;
    licenses: LicenseLookup;
    learners: LearnerLookup;
    /** One change at a time per learner, shared with checkout. */
    lock: KeyedLock;
    onTierChange: (licenseId: string, learnerId: string) => void;
  }) {
    const { store, clock, stripe, logger, catalog, licenses } = options;
    this.#store = store;
    const rows = new SubscriptionStore({
      store,
      clock,
      logger,
      catalog,
      learners: options.learners,
      onTierChange: options.onTierChange,
    });
    this.#rows = rows;
    this.product = new SubscriptionCheckout({
      store,
      clock,
      logger,
      catalog,
      licenses,
      rows,
    }).product;
    this.handleEvent = new SubscriptionEvents({ store, clock, rows }).handle;
    this.#changes = new TierChanges({
      store,
      clock,
      stripe,
      logger,
      catalog,
      licenses,
      rows,
      lock: options.lock,
    });
  }

  /** The learner's live subscription, else one waiting for its first payment, else null. */
  async current(learner: LearnerKey): Promise<SubscriptionView | null> {
    const row = await this.#rows.current(this.#store.db, learner);
    return row ? this.#rows.view(row) : null;
  }

  /** The tier id that gives the learner features now, or null. */
  async entitledTier(licenseId: string, learnerId: string): Promise<string | null> {
    const row = first(
      await this.#store.db
        .select({ tierId: subscriptions.tierId })
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
        .limit(1),
    );
    return row?.tierId ?? null;
  }

  /** Moves the learner's subscription to another tier or interval; see `TierChanges.change`. */
  change(learner: Learner, request: TierChange): Promise<ChangeResult> {
    return this.#changes.change(learner, request);
  }

  /** Cancels at the end of the period (or trial); the learner keeps the tier until then. */
  cancel(learner: Learner): Promise<SubscriptionView> {
    return this.#changes.cancel(learner);
  }

  /** Undoes a cancellation that has not taken effect yet. */
  resume(learner: Learner): Promise<SubscriptionView> {
    return this.#changes.resume(learner);
  }

  /** The learner's subscription invoices, newest first. */
  async billing(learner: LearnerKey, limit = 100): Promise<InvoiceView[]> {
    const rows = await this.#store.db
      .select()
      .from(subscriptionInvoices)
      .where(
        and(
          eq(subscriptionInvoices.licenseId, learner.licenseId),
          eq(subscriptionInvoices.learnerId, learner.id),
        ),
      )
      .orderBy(desc(subscriptionInvoices.issuedAt), desc(subscriptionInvoices.createdAt))
      .limit(limit);
    return rows
      .filter((r) => r.status !== 'draft')
      .map((r) => ({
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
  async history(licenseId: string, learnerId: string): Promise<SubscriptionView[]> {
    const rows = await this.#store.db
      .select()
      .from(subscriptions)
      .where(and(eq(subscriptions.licenseId, licenseId), eq(subscriptions.learnerId, learnerId)))
      .orderBy(desc(subscriptions.createdAt));
    // One after the other: the first reads the license's tiers, the others find them cached.
    const views: SubscriptionView[] = [];
    for (const row of rows) views.push(await this.#rows.view(row));
    return views;
  }
}
