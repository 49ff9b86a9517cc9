import { index, integer, primaryKey, table, text, uniqueIndex } from '../../db/kit.js';
import { tenantId, timestamps } from '../../db/columns.js';
import { licenses } from '../licenses/schema.js';

/**
 * Every Stripe event the server has applied. Stripe's event ids are global, not per tenant,
 * so this table is the one place without a license id: the row is written in the same
 * transaction as the event's effect, which is what makes a redelivery a no-op.
 */
export const stripeEvents = table('stripe_events', {
  id: text().primaryKey(),
  type: text().notNull(),
  /** The Stripe object the event is about (`pi_…`, `ch_…`), for tracing. */
  objectId: text(),
  receivedAt: integer({ mode: 'timestamp_ms' }).notNull(),
  appliedAt: integer({ mode: 'timestamp_ms' }).notNull(),
});

/**
 * How far Stripe's event list has been reconciled: every event created before `coveredUntil`
 * has been applied (the timed reconciliation carries on from here). One row, `events`; like
 * `stripe_events`, it belongs to the Stripe account, not to a tenant.
 */
export const stripeReconciliation = table('stripe_reconciliation', {
  id: text().primaryKey(),
  coveredUntil: integer({ mode: 'timestamp_ms' }).notNull(),
  updatedAt: integer({ mode: 'timestamp_ms' }).notNull(),
});

/** The Stripe customer that stands for a learner, so every payment of theirs shares one. */
export const stripeCustomers = table(
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
export const payments = table(
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
    /** What is being bought, in words, as the product priced it (for the receipt). */
    description: text(),
    /** The tokens this purchase earned (rewards), taken back when it is fully refunded. */
    rewardTransactionId: text(),
    /**
     * When the read of Stripe's payment intent written here was issued (not when it answered),
     * so a read issued earlier never overwrites one issued later, whichever finished first.
     */
    syncedAt: integer({ mode: 'timestamp_ms' }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('payments_idempotency_key_idx').on(t.idempotencyKey),
    uniqueIndex('payments_payment_intent_idx').on(t.paymentIntentId),
    index('payments_license_learner_idx').on(t.licenseId, t.learnerId, t.kind, t.item),
  ],
);

export type PaymentRow = typeof payments.$inferSelect;

/**
 * The last receipt number given out per license. Incremented inside the transaction that
 * records a payment as succeeded, so numbers have no gaps and never repeat, whatever runs at
 * the same time.
 */
export const receiptCounters = table('receipt_counters', {
  licenseId: text()
    .primaryKey()
    .references(() => licenses.id),
  lastNumber: integer().notNull(),
});

/** Proof of one succeeded payment, written in the transaction that records the success. */
export const receipts = table(
  'receipts',
  {
    id: text().primaryKey(),
    licenseId: tenantId().references(() => licenses.id),
    /** 1, 2, 3 … per license, without gaps. */
    number: integer().notNull(),
    paymentId: text()
      .notNull()
      .references(() => payments.id),
    learnerId: text().notNull(),
    kind: text().notNull(),
    item: text().notNull(),
    /** What was bought, as the server described it when pricing it. */
    description: text().notNull(),
    /** Integer minor units, as Stripe received them. */
    amount: integer().notNull(),
    currency: text().notNull(),
    paymentIntentId: text(),
    chargeId: text(),
    /** The card as Stripe describes it (`visa`, last four), when Stripe says. */
    cardBrand: text(),
    cardLast4: text(),
    paidAt: integer({ mode: 'timestamp_ms' }).notNull(),
    createdAt: integer({ mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    uniqueIndex('receipts_license_number_idx').on(t.licenseId, t.number),
    uniqueIndex('receipts_payment_idx').on(t.paymentId),
    index('receipts_license_learner_idx').on(t.licenseId, t.learnerId, t.number),
  ],
);

export type ReceiptRow = typeof receipts.$inferSelect;

/**
 * Every refund of a payment, keyed by Stripe's refund id: the operator's request and the
 * `charge.refunded` event about the same refund meet on this key, so it counts once.
 */
export const refunds = table(
  'refunds',
  {
    id: text().primaryKey(),
    licenseId: tenantId().references(() => licenses.id),
    paymentId: text()
      .notNull()
      .references(() => payments.id),
    amount: integer().notNull(),
    currency: text().notNull(),
    status: text().notNull(),
    reason: text(),
    /** `operator` (admin API or CLI) or `stripe` (made in Stripe's dashboard). */
    source: text().notNull(),
    createdAt: integer({ mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('refunds_payment_idx').on(t.paymentId)],
);

export type RefundRow = typeof refunds.$inferSelect;

/**
 * An operator's refund request, stored with its idempotency key before Stripe is asked. The
 * amount stays reserved while the request is pending, so two requests can never together
 * refund more than was paid.
 */
export const refundRequests = table(
  'refund_requests',
  {
    id: text().primaryKey(),
    licenseId: tenantId().references(() => licenses.id),
    paymentId: text()
      .notNull()
      .references(() => payments.id),
    idempotencyKey: text().notNull(),
    amount: integer().notNull(),
    reason: text(),
    /** `pending` until Stripe answers, then `succeeded` (with the refund id) or `failed`. */
    status: text().notNull(),
    refundId: text(),
    failure: text(),
    ...timestamps,
  },
  (t) => [uniqueIndex('refund_requests_key_idx').on(t.licenseId, t.idempotencyKey)],
);

export type RefundRequestRow = typeof refundRequests.$inferSelect;

/** Keys the server signs links with, sealed with the secrets key; one row per purpose. */
export const paymentLinkKeys = table('payment_link_keys', {
  purpose: text().primaryKey(),
  sealed: text().notNull(),
  createdAt: integer({ mode: 'timestamp_ms' }).notNull(),
});
