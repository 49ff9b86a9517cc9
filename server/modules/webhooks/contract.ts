import { z } from '@hono/zod-openapi';
import { EnrollmentCreated } from '../marketplace/contract.js';
import { PurchaseCompleted, RefundCreated } from '../payments/contract.js';
import { RedemptionEvent as RedemptionData } from '../rewards/contract.js';
import { UsageThresholdEvent } from '../usage/contract.js';

/**
 * The webhooks module's contract: the customer's endpoints and their deliveries (the same for
 * the operator and the customer's server), and the events partners receive. Each event's
 * producer queues it in the outbox and declares its data in its own contract; `partnerEvents`
 * names them all for partners.
 */

const DateTime = z.string().openapi({ format: 'date-time' });

/* Partner events */

/*
 * Each event's data is declared once, in the contract of the module that produces it; here
 * they get their names in the partner documentation.
 */

export const PurchaseCompletedEvent = PurchaseCompleted.openapi('PurchaseCompletedEvent');
export type PurchaseCompletedEvent = z.infer<typeof PurchaseCompletedEvent>;

export const RefundCreatedEvent = RefundCreated.openapi('RefundCreatedEvent');
export type RefundCreatedEvent = z.infer<typeof RefundCreatedEvent>;

export const EnrollmentCreatedEvent = EnrollmentCreated.openapi('EnrollmentCreatedEvent');
export type EnrollmentCreatedEvent = z.infer<typeof EnrollmentCreatedEvent>;

/** Every step of a redemption: `redemption.requested`, `.fulfilled`, `.rejected`, `.canceled`. */
export const RedemptionEvent = RedemptionData.openapi('RedemptionEvent');
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
