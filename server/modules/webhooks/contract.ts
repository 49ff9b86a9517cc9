import { z } from '@hono/zod-openapi';
import { UsageThresholdEvent } from '../usage/contract.js';

/**
 * The webhooks module's contract: the customer's endpoints and their deliveries (the same for
 * the operator and the customer's server), and the events partners receive. Each event's
 * producer queues it in the outbox; its data is declared here, once, for every partner.
 */

const DateTime = z.string().openapi({ format: 'date-time' });

/* Partner events */

export const PurchaseCompletedEvent = z
  .object({
    paymentId: z.string(),
    paymentIntentId: z.string().nullable(),
    learnerId: z.string().openapi({ description: "The customer's id for the learner (`sub`)" }),
    kind: z.string().openapi({ description: '`course` or `plan`' }),
    item: z.string().openapi({ description: 'The course id, or `<tier>:<interval>`' }),
    description: z.string().nullable(),
    amount: z.number().int().openapi({ description: 'Integer minor units of `currency`' }),
    currency: z.string(),
    receiptId: z.string().nullable(),
    receiptNumber: z.number().int().nullable(),
    paidAt: DateTime,
    // A subscription invoice says which invoice, tier and period it paid.
    subscription: z.literal(true).optional(),
    subscriptionId: z.string().optional(),
    invoiceId: z.string().optional(),
    billingReason: z.string().nullable().optional(),
    plan: z.string().optional(),
    interval: z.enum(['month', 'year']).optional(),
    period: z.object({ start: DateTime, end: DateTime }).optional(),
  })
  .openapi('PurchaseCompletedEvent');

export type PurchaseCompletedEvent = z.infer<typeof PurchaseCompletedEvent>;

export const RefundCreatedEvent = z
  .object({
    refundId: z.string(),
    paymentId: z.string(),
    paymentIntentId: z.string().nullable(),
    learnerId: z.string(),
    kind: z.string(),
    item: z.string(),
    amount: z.number().int().openapi({ description: 'This refund, in minor units' }),
    currency: z.string(),
    totalRefunded: z.number().int().openapi({ description: 'Every refund of the payment so far' }),
    full: z.boolean().openapi({ description: 'The payment is now refunded in full' }),
    reason: z.string().nullable(),
  })
  .openapi('RefundCreatedEvent');

export type RefundCreatedEvent = z.infer<typeof RefundCreatedEvent>;

export const EnrollmentCreatedEvent = z
  .object({
    courseId: z.string(),
    learnerId: z.string(),
    source: z.string().openapi({ description: '`purchase`, `free` or `operator`' }),
    paymentId: z.string().nullable(),
    enrolledAt: DateTime,
  })
  .openapi('EnrollmentCreatedEvent');

export type EnrollmentCreatedEvent = z.infer<typeof EnrollmentCreatedEvent>;

/** Every step of a redemption: `redemption.requested`, `.fulfilled`, `.rejected`, `.canceled`. */
export const RedemptionEvent = z
  .object({
    redemptionId: z.string(),
    learnerId: z.string(),
    itemId: z.string(),
    kind: z.string().openapi({
      description: '`feature_unlock`, `course_coupon`, `merchandise` or `partner`',
    }),
    title: z.string(),
    cost: z.number().int().openapi({ description: 'Tokens' }),
    status: z.enum(['requested', 'fulfilled', 'rejected', 'canceled']),
    partner: z.string().nullable(),
    note: z.string().nullable(),
    featureUntil: DateTime.nullable(),
  })
  .openapi('RedemptionEvent');

export type RedemptionEvent = z.infer<typeof RedemptionEvent>;

/** The data of each event type the server sends, in the order the documentation lists them. */
export const partnerEvents = {
  'purchase.completed': PurchaseCompletedEvent,
  'refund.created': RefundCreatedEvent,
  'enrollment.created': EnrollmentCreatedEvent,
  'redemption.requested': RedemptionEvent,
  'redemption.fulfilled': RedemptionEvent,
  'redemption.rejected': RedemptionEvent,
  'redemption.canceled': RedemptionEvent,
  'usage.warning': UsageThresholdEvent,
  'usage.limit_reached': UsageThresholdEvent,
} as const;

export type WebhookEventType = keyof typeof partnerEvents;

/** Event types the server sends today; a filter may also name a family, e.g. `redemption.*`. */
export const webhookEventTypes = Object.keys(partnerEvents) as WebhookEventType[];

const envelope = <T extends WebhookEventType>(type: T) =>
  z.object({
    type: z.literal(type),
    timestamp: DateTime.openapi({ description: 'When the event was recorded, with its cause' }),
    data: partnerEvents[type],
  });

/**
 * The body of every delivery. Each attempt of a delivery carries the event id as its
 * `webhook-id`, so a receiver deduplicates on it.
 */
export const PartnerEvent = z
  .discriminatedUnion('type', [
    envelope('purchase.completed'),
    envelope('refund.created'),
    envelope('enrollment.created'),
    envelope('redemption.requested'),
    envelope('redemption.fulfilled'),
    envelope('redemption.rejected'),
    envelope('redemption.canceled'),
    envelope('usage.warning'),
    envelope('usage.limit_reached'),
  ])
  .openapi('PartnerEvent');

export type PartnerEvent = z.infer<typeof PartnerEvent>;

/* Endpoints and deliveries */

export const EVENT_TYPE_PATTERN = /^[a-z][a-z_]*(\.[a-z][a-z_]*)*(\.\*)?$/;

const EventTypes = z
  .array(z.string().max(100).regex(EVENT_TYPE_PATTERN))
  .max(50)
  .openapi({
    description: `Event types to send, or families such as \`redemption.*\`; empty or absent: all. Sent today: ${webhookEventTypes.join(', ')}.`,
  });

export const WebhookEndpointInput = z
  .object({
    url: z
      .string()
      .max(2000)
      .openapi({
        description:
          'https to a public host: no private, loopback or other special-purpose address, no ' +
          'internal-only name. Loopback (plain http too) only where the server allows it ' +
          '(WEBHOOKS_ALLOW_LOOPBACK, development).',
        example: 'https://lms.example.edu/hooks/liberation',
      }),
    description: z.string().max(500).nullable().optional(),
    eventTypes: EventTypes.optional(),
  })
  .strict()
  .openapi('WebhookEndpointInput');

export type WebhookEndpointInput = z.infer<typeof WebhookEndpointInput>;

export const WebhookEndpointPatch = WebhookEndpointInput.partial()
  .extend({ status: z.enum(['active', 'disabled']).optional() })
  .strict()
  .openapi('WebhookEndpointPatch');

export type WebhookEndpointPatch = z.infer<typeof WebhookEndpointPatch>;

export const WebhookEndpoint = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    eventTypes: z.array(z.string()),
    status: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('WebhookEndpoint');

export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

export const WebhookEndpointCreated = z
  .object({
    endpoint: WebhookEndpoint,
    secret: z.string().openapi({
      description:
        'The signing secret (`whsec_` + base64), shown only in this answer. Verify each request as the Standard Webhooks specification says: `webhook-signature` is `v1,` + base64 HMAC-SHA256 of `webhook-id.webhook-timestamp.body` keyed with the base64-decoded part after `whsec_`.',
    }),
  })
  .openapi('WebhookEndpointCreated');

export type WebhookEndpointCreated = z.infer<typeof WebhookEndpointCreated>;

export const WebhookAttempt = z.object({
  startedAt: z.string(),
  durationMs: z.number().int(),
  statusCode: z.number().int().nullable(),
  error: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
});

export type WebhookAttempt = z.infer<typeof WebhookAttempt>;

export const WebhookDelivery = z
  .object({
    id: z.string(),
    endpointId: z.string(),
    eventId: z.string().openapi({ description: 'The `webhook-id` header of every attempt' }),
    eventType: z.string(),
    status: z.string().openapi({ description: '`pending`, `succeeded` or `failed` (given up)' }),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    createdAt: z.string(),
    log: z.array(WebhookAttempt).optional(),
  })
  .openapi('WebhookDelivery');

export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const WebhookDeliveryQuery = z.object({
  status: z.enum(['pending', 'succeeded', 'failed']).optional(),
  endpointId: z.string().max(100).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export type WebhookDeliveryQuery = z.infer<typeof WebhookDeliveryQuery>;

export const WebhookReplayInput = z
  .object({ since: z.iso.datetime({ offset: true }) })
  .strict()
  .openapi('WebhookReplayInput');

export type WebhookReplayInput = z.infer<typeof WebhookReplayInput>;
