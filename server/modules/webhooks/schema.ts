import { index, integer, table, text, uniqueIndex } from '../../db/kit.js';
import { tenantId, timestamps } from '../../db/columns.js';
import { licenses } from '../licenses/schema.js';

/**
 * A customer's endpoint for signed events. The signing secret is shown once at creation and
 * kept sealed with the secrets key (it must be read back to sign), bound to this row.
 */
export const webhookEndpoints = table(
  'webhook_endpoints',
  {
    id: text().primaryKey(),
    licenseId: tenantId().references(() => licenses.id),
    url: text().notNull(),
    description: text(),
    /** Event types delivered here; empty means every type. */
    eventTypes: text({ mode: 'json' }).$type<string[]>().notNull(),
    sealedSecret: text().notNull(),
    /** `active`, or `disabled` (nothing new is delivered). */
    status: text().notNull(),
    ...timestamps,
  },
  (t) => [index('webhook_endpoints_license_idx').on(t.licenseId, t.status)],
);

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;

/**
 * One event for one endpoint. `pending` until a 2xx answer (`succeeded`) or until it has used
 * up its attempts (`failed`); a replay makes it `pending` again.
 */
export const webhookDeliveries = table(
  'webhook_deliveries',
  {
    id: text().primaryKey(),
    licenseId: tenantId().references(() => licenses.id),
    endpointId: text()
      .notNull()
      .references(() => webhookEndpoints.id),
    /** The outbox event, also the `webhook-id` the endpoint sees on every attempt. */
    eventId: text().notNull(),
    eventType: text().notNull(),
    status: text().notNull(),
    /** Attempts since it was queued or last replayed. */
    attempts: integer().notNull().default(0),
    nextAttemptAt: integer({ mode: 'timestamp_ms' }),
    lastStatusCode: integer(),
    lastError: text(),
    deliveredAt: integer({ mode: 'timestamp_ms' }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('webhook_deliveries_endpoint_event_idx').on(t.endpointId, t.eventId),
    index('webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt),
    index('webhook_deliveries_license_idx').on(t.licenseId, t.createdAt),
  ],
);

export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;

/** The log of every attempt: what the endpoint answered, how long it took, what came next. */
export const webhookAttempts = table(
  'webhook_attempts',
  {
    id: text().primaryKey(),
    licenseId: tenantId().references(() => licenses.id),
    deliveryId: text()
      .notNull()
      .references(() => webhookDeliveries.id),
    startedAt: integer({ mode: 'timestamp_ms' }).notNull(),
    durationMs: integer().notNull(),
    statusCode: integer(),
    error: text(),
    /** When the next attempt is due; null when this one succeeded or was the last. */
    nextAttemptAt: integer({ mode: 'timestamp_ms' }),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.startedAt)],
);

export type WebhookAttemptRow = typeof webhookAttempts.$inferSelect;
