import { index, integer, table, text } from '../../db/kit.js';
import { tenantId, timestamps } from '../../db/columns.js';
import { licenses } from '../licenses/schema.js';
import { ticketPriorities, ticketStatuses } from './contract.js';

export const supportTickets = table(
  'support_tickets',
  {
    id: text().primaryKey(),
    licenseId: tenantId().references(() => licenses.id),
    subject: text().notNull(),
    priority: text({ enum: ticketPriorities }).notNull(),
    status: text({ enum: ticketStatuses }).notNull(),
    /** The SLA policy in force when the ticket was opened (plan changes do not move due times). */
    slaPolicy: text().notNull(),
    openedBy: text({ mode: 'json' })
      .$type<{ kind: 'learner' | 'server'; learnerId?: string; name: string }>()
      .notNull(),
    firstResponseDueAt: integer({ mode: 'timestamp_ms' }),
    resolutionDueAt: integer({ mode: 'timestamp_ms' }),
    firstRespondedAt: integer({ mode: 'timestamp_ms' }),
    closedAt: integer({ mode: 'timestamp_ms' }),
    ...timestamps,
  },
  (t) => [
    index('support_tickets_license_idx').on(t.licenseId, t.createdAt),
    index('support_tickets_status_idx').on(t.status),
  ],
);

export type TicketRow = typeof supportTickets.$inferSelect;

export const supportMessages = table(
  'support_messages',
  {
    id: text().primaryKey(),
    ticketId: text()
      .notNull()
      .references(() => supportTickets.id),
    licenseId: tenantId().references(() => licenses.id),
    author: text({ enum: ['customer', 'operator'] }).notNull(),
    authorName: text().notNull(),
    body: text().notNull(),
    createdAt: integer({ mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('support_messages_ticket_idx').on(t.ticketId, t.createdAt)],
);

export type MessageRow = typeof supportMessages.$inferSelect;
