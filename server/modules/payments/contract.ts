import { z } from '@hono/zod-openapi';

/*
 * The payments API, written once: the routes validate with these schemas, the OpenAPI document
 * is generated from them, the services return their types and the checkout widget imports them.
 */

const Interval = z.enum(['month', 'year']);

/**
 * What a learner may ask to pay for. Only what identifies the item is read: anything a
 * client sends about price is not part of these shapes and is dropped. Each kind is priced by
 * the `Product` its module registers (`products.ts`).
 */
export const CheckoutRequest = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('plan'),
      planId: z.string().min(1).max(64),
      interval: Interval,
      /** One of the tier's price currencies; the license's currency when left out. */
      currency: z
        .string()
        .regex(/^[A-Za-z]{3}$/)
        .optional(),
    }),
    z.object({
      kind: z.literal('course'),
      courseId: z.string().min(1).max(64),
      couponCode: z.string().trim().min(1).max(64).optional(),
    }),
  ])
  .openapi('CheckoutRequest');
export type CheckoutRequest = z.infer<typeof CheckoutRequest>;

/** What checkout hands back to the widget, whichever kind of item is bought. */
export const CheckoutSession = z
  .object({
    paymentId: z.string(),
    paymentIntentId: z.string(),
    clientSecret: z.string().openapi({ description: 'For Stripe.js `elements({ clientSecret })`' }),
    amount: z
      .number()
      .int()
      .openapi({ description: 'Integer minor units, computed by the server' }),
    currency: z.string().length(3),
    status: z.string().openapi({ description: "Stripe's payment intent status" }),
    mode: z.enum(['payment', 'subscription']).openapi({
      description: '`subscription` when paying starts a subscription',
    }),
    subscriptionId: z
      .string()
      .optional()
      .openapi({ description: "Subscription mode: Stripe's subscription id", example: 'sub_1Q…' }),
    intentType: z
      .enum(['payment', 'setup'])
      .optional()
      .openapi({
        description:
          'Subscription mode: `payment` — confirm the payment intent of the first invoice ' +
          '(`stripe.confirmPayment`); `setup` — a trial, nothing to pay now (`amount: 0`): save the ' +
          'card with the setup intent (`stripe.confirmSetup`); `paymentIntentId` and ' +
          '`clientSecret` then name a `seti_…`',
      }),
    trialEnd: z.string().nullable().optional().openapi({
      description: 'Subscription mode: when the trial ends (ISO 8601), null without a trial',
    }),
    planId: z.string().optional().openapi({ description: 'Subscription mode: the tier' }),
    interval: Interval.optional().openapi({
      description: 'Subscription mode: the billing interval',
    }),
  })
  .openapi('CheckoutSession');
export type CheckoutSession = z.infer<typeof CheckoutSession>;

/** A payment as its learner sees it. */
export const PaymentView = z
  .object({
    paymentId: z.string(),
    paymentIntentId: z.string().nullable(),
    kind: z.string(),
    item: z.string(),
    amount: z.number().int(),
    amountRefunded: z.number().int(),
    currency: z.string().length(3),
    status: z.string(),
    failureCode: z.string().nullable(),
    receiptUrl: z
      .string()
      .nullable()
      .openapi({
        description:
          'Once the payment succeeded: a path on the API origin that opens the printable receipt ' +
          'in a new tab without an Authorization header (signed for this learner, valid for an hour)',
        example: '/v1/receipts/rcp_2x9…/html?access=1764342000.Q2h…',
      }),
  })
  .openapi('Payment');
export type PaymentView = z.infer<typeof PaymentView>;

/** The answer to one delivery on Stripe's webhook endpoint. */
export const WebhookReceived = z.object({ received: z.literal(true), duplicate: z.boolean() });
export type WebhookReceived = z.infer<typeof WebhookReceived>;

export const refundReasons = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;
export type RefundReason = (typeof refundReasons)[number];

export const RefundView = z
  .object({
    id: z.string().openapi({ description: "Stripe's refund id" }),
    paymentId: z.string(),
    amount: z.number().int().openapi({ description: 'Integer minor units' }),
    currency: z.string().length(3),
    status: z.string(),
    reason: z.string().nullable(),
    source: z
      .string()
      .openapi({ description: '`operator` (admin API, CLI) or `stripe` (its dashboard)' }),
    createdAt: z.string(),
  })
  .openapi('Refund');
export type RefundView = z.infer<typeof RefundView>;

/** A payment as the operator sees it: the learner's view, its receipt and its refunds. */
export const PaymentDetail = z
  .object({
    paymentId: z.string(),
    paymentIntentId: z.string().nullable(),
    licenseId: z.string(),
    learnerId: z.string(),
    kind: z.string(),
    item: z.string(),
    description: z.string().nullable(),
    amount: z.number().int(),
    amountRefunded: z.number().int(),
    currency: z.string().length(3),
    status: z.string(),
    failureCode: z.string().nullable(),
    receiptId: z.string().nullable(),
    receiptNumber: z.number().int().nullable(),
    refunds: z.array(RefundView),
    createdAt: z.string(),
  })
  .openapi('PaymentDetail');
export type PaymentDetail = z.infer<typeof PaymentDetail>;

export const RefundInput = z
  .object({
    amount: z
      .number()
      .int()
      .min(1)
      .optional()
      .openapi({ description: 'Integer minor units; without it, everything not yet refunded' }),
    reason: z.enum(refundReasons).optional(),
  })
  .strict()
  .openapi('RefundInput');
export type RefundInput = z.infer<typeof RefundInput>;

export const ReceiptView = z
  .object({
    id: z.string(),
    number: z.number().int().openapi({ description: '1, 2, 3 … per license, without gaps' }),
    paymentId: z.string(),
    paymentIntentId: z.string().nullable(),
    kind: z.string(),
    item: z.string(),
    description: z.string().openapi({ description: 'What was bought' }),
    amount: z
      .number()
      .int()
      .openapi({ description: 'Integer minor units, as Stripe received them' }),
    amountRefunded: z.number().int(),
    currency: z.string().length(3),
    card: z.object({ brand: z.string(), last4: z.string() }).nullable(),
    paidAt: z.string().openapi({ format: 'date-time' }),
    learner: z.object({ id: z.string(), subject: z.string(), name: z.string() }),
  })
  .openapi('Receipt');
export type ReceiptView = z.infer<typeof ReceiptView>;

/** A page of a learner's receipts, newest first. */
export const ReceiptPage = z.object({
  receipts: z.array(ReceiptView),
  /** Pass as `before` for the next (older) page; null on the last one. */
  nextBefore: z.number().int().nullable(),
});
export type ReceiptPage = z.infer<typeof ReceiptPage>;

/*
 * Partner events (delivered signed by the webhooks module). Learners are named by the
 * customer's own id for them (the token's `sub`).
 */

/** `purchase.completed`: a payment succeeded (a checkout, or a subscription's paid invoice). */
export const PurchaseCompleted = z.object({
  paymentId: z.string(),
  paymentIntentId: z.string().nullable(),
  learnerId: z.string(),
  kind: z.string(),
  item: z.string(),
  description: z.string().nullable(),
  amount: z.number().int(),
  currency: z.string(),
  receiptId: z.string().nullable(),
  receiptNumber: z.number().int().nullable(),
  paidAt: z.string(),
  /** Set for a subscription's invoice, with the fields that follow. */
  subscription: z.literal(true).optional(),
  subscriptionId: z.string().optional(),
  invoiceId: z.string().optional(),
  billingReason: z.string().nullable().optional(),
  /** The tier billed. */
  plan: z.string().optional(),
  interval: Interval.optional(),
  /** The period billed, ISO times. */
  period: z.object({ start: z.string(), end: z.string() }).optional(),
});
export type PurchaseCompleted = z.infer<typeof PurchaseCompleted>;

/** `refund.created`: one refund of a payment, whichever path made it. */
export const RefundCreated = z.object({
  refundId: z.string(),
  paymentId: z.string(),
  paymentIntentId: z.string().nullable(),
  learnerId: z.string(),
  kind: z.string(),
  item: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  /** Minor units refunded on the payment so far, this refund included. */
  totalRefunded: z.number().int(),
  full: z.boolean(),
  reason: z.string().nullable(),
});
export type RefundCreated = z.infer<typeof RefundCreated>;
