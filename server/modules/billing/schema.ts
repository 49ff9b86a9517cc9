import { index, integer, primaryKey, table, text, uniqueIndex } from '../../db/kit.js';
import { tenantId, timestamps } from '../../db/columns.js';
import { licenses } from '../licenses/schema.js';
import type { Tier } from './contract.js';

/*
 * Tables and columns keep the names they were created with ("plan" for a tier), as the HTTP
 * API does; the TypeScript names say tier.
 */

/** A license's own tiers. Without a row the license offers the default tiers. */
export const tierOverrides = table('plan_overrides', {
  licenseId: tenantId()
    .primaryKey()
    .references(() => licenses.id),
  tiers: text('plans', { mode: 'json' }).$type<Tier[]>().notNull(),
  ...timestamps,
});

/**
 * The Stripe price that bills one tier at one amount, interval and currency for a license.
 * A new amount is a new row and a new Stripe price; rows are never changed.
 */
export const tierStripePrices = table(
  'plan_stripe_prices',
  {
    licenseId: tenantId().references(() => licenses.id),
    tierId: text('plan_id').notNull(),
    interval: text().$type<'month' | 'year'>().notNull(),
    currency: text().notNull(),
    amount: integer().notNull(),
    productId: text().notNull(),
    priceId: text().notNull(),
    createdAt: integer({ mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.licenseId, t.tierId, t.interval, t.currency, t.amount] }),
    uniqueIndex('plan_stripe_prices_price_idx').on(t.priceId),
  ],
);

/**
 * A learner's subscription to a tier, kept in step with Stripe's by its events. The row and
 * its idempotency key exist before Stripe is asked; `status` is `pending` until Stripe
 * answers, then Stripe's own subscription status.
 */
export const subscriptions = table(
  'subscriptions',
  {
    id: text().primaryKey(),
    licenseId: tenantId().references(() => licenses.id),
    learnerId: text().notNull(),
    tierId: text('plan_id').notNull(),
    interval: text().$type<'month' | 'year'>().notNull(),
    currency: text().notNull(),
    /** Integer minor units per interval, as the current Stripe price bills it. */
    amount: integer().notNull(),
    status: text().notNull(),
    idempotencyKey: text().notNull(),
    customerId: text().notNull(),
    stripeSubscriptionId: text(),
    priceId: text(),
    trialEnd: integer({ mode: 'timestamp_ms' }),
    currentPeriodStart: integer({ mode: 'timestamp_ms' }),
    currentPeriodEnd: integer({ mode: 'timestamp_ms' }),
    cancelAtPeriodEnd: integer({ mode: 'boolean' }).notNull().default(false),
    canceledAt: integer({ mode: 'timestamp_ms' }),
    endedAt: integer({ mode: 'timestamp_ms' }),
    latestInvoiceId: text(),
    /**
     * A trial whose card is not saved yet (Stripe's `pending_setup_intent`): it gives no
     * features, is not the learner's live subscription and does not use up their one trial.
     * Kept as it was once Stripe ends the subscription.
     */
    awaitingSetup: integer({ mode: 'boolean' }).notNull().default(false),
    /** When the Stripe state written here was read; an older read never overwrites a newer. */
    syncedAt: integer({ mode: 'timestamp_ms' }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('subscriptions_idempotency_key_idx').on(t.idempotencyKey),
    uniqueIndex('subscriptions_stripe_idx').on(t.stripeSubscriptionId),
    index('subscriptions_license_learner_idx').on(t.licenseId, t.learnerId, t.status),
  ],
);

export type SubscriptionRow = typeof subscriptions.$inferSelect;

/** A learner's subscription invoices, for their billing history. */
export const subscriptionInvoices = table(
  'subscription_invoices',
  {
    id: text().primaryKey(),
    licenseId: tenantId().references(() => licenses.id),
    learnerId: text().notNull(),
    subscriptionId: text().notNull(),
    number: text(),
    status: text().notNull(),
    billingReason: text(),
    /** Integer minor units. */
    amountDue: integer().notNull(),
    amountPaid: integer().notNull(),
    currency: text().notNull(),
    periodStart: integer({ mode: 'timestamp_ms' }),
    periodEnd: integer({ mode: 'timestamp_ms' }),
    hostedInvoiceUrl: text(),
    /** When Stripe created the invoice. */
    issuedAt: integer({ mode: 'timestamp_ms' }).notNull(),
    syncedAt: integer({ mode: 'timestamp_ms' }).notNull(),
    ...timestamps,
  },
  (t) => [index('subscription_invoices_learner_idx').on(t.licenseId, t.learnerId, t.issuedAt)],
);

export type SubscriptionInvoiceRow = typeof subscriptionInvoices.$inferSelect;
