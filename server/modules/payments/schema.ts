import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';
import { tenantId, timestamps } from '../../db/columns.js';
import { licenses } from '../licenses/schema.js';

/**
 * Every Stripe event the server has applied. Stripe's event ids are global, not per tenant,
 * so this table is the one place without a license id: the row is written in the same
 * transaction as the event's effect, which is what makes a redelivery a no-op.
 */
export const stripeEvents = sqliteTable('stripe_events', {
  id: text().primaryKey(),
  type: text().notNull(),
  /** The Stripe object the event is about (`pi_…`, `ch_…`), for tracing. */
  objectId: text(),
  receivedAt: integer({ mode: 'timestamp_ms' }).notNull(),
  appliedAt: integer({ mode: 'timestamp_ms' }).notNull(),
});

/** The Stripe customer that stands for a learner, so every payment of theirs shares one. */
export const stripeCustomers = sqliteTable(
  'stripe_customers',
  {
    licenseId: tenantId().references(() => licenses.id),
    learnerId: text().notNull(),
    customerId: text().notNull(),
    createdAt: integer({ mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.licenseId, t.learnerId] })],
);

export const paymentKinds = ['plan', 'course'] as const;
export type PaymentKind = (typeof paymentKinds)[number];

/**
 * A payment as the server knows it: created (with its idempotency key) before Stripe is
 * called, then kept in step with Stripe's payment intent by webhooks. `status` is Stripe's
 * payment-intent status, or `pending` until Stripe has answered.
 */
export const payments = sqliteTable(
  'payments',
  {
    id: text().primaryKey(),
    licenseId: tenantId().references(() => licenses.id),
    learnerId: text().notNull(),
    kind: text().notNull(),
    /** What is being bought, e.g. `pro:month`; the kind decides how to read it. */
    item: text().notNull(),
    /** Integer minor units; the server's own price until Stripe reports its amount. */
    amount: integer().notNull(),
    currency: text().notNull(),
    amountRefunded: integer().notNull().default(0),
    status: text().notNull(),
    idempotencyKey: text().notNull(),
    paymentIntentId: text(),
    /** Stripe's decline code of the last failed attempt, if any. */
    failureCode: text(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('payments_idempotency_key_idx').on(t.idempotencyKey),
    uniqueIndex('payments_payment_intent_idx').on(t.paymentIntentId),
    index('payments_license_learner_idx').on(t.licenseId, t.learnerId, t.kind, t.item),
  ],
);

export type PaymentRow = typeof payments.$inferSelect;
