import { index, integer, table, text } from '../../db/kit.js';
import { tenantId } from '../../db/columns.js';
import { licenses } from '../licenses/schema.js';

/**
 * Events waiting to be delivered to the customer's webhook endpoints. Written in the same
 * transaction as the change they describe, delivered later by the webhooks-out module.
 */
export const outboxEvents = table(
  'outbox_events',
  {
    id: text().primaryKey(),
    licenseId: tenantId().references(() => licenses.id),
    type: text().notNull(),
    payload: text({ mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    /** Makes "at most once per cause" events idempotent, e.g. one 80 % warning per month. */
    dedupeKey: text().unique(),
    createdAt: integer({ mode: 'timestamp_ms' }).notNull(),
    deliveredAt: integer({ mode: 'timestamp_ms' }),
    attempts: integer().notNull().default(0),
  },
  (t) => [index('outbox_events_pending_idx').on(t.deliveredAt, t.createdAt)],
);

export type OutboxEvent = typeof outboxEvents.$inferSelect;
