import { z } from '@hono/zod-openapi';
import { ticketPriorities, ticketStatuses } from './schema.js';

const DateTime = z.string().openapi({ format: 'date-time' });

export const MessageSchema = z
  .object({
    id: z.string(),
    author: z.enum(['customer', 'operator']),
    authorName: z.string(),
    body: z.string(),
    createdAt: DateTime,
  })
  .openapi('TicketMessageView');

export const TicketSchema = z
  .object({
    id: z.string(),
    licenseId: z.string(),
    subject: z.string(),
    priority: z.enum(ticketPriorities),
    status: z.enum(ticketStatuses),
    openedBy: z.object({
      kind: z.enum(['learner', 'server']),
      learnerId: z.string().optional(),
      name: z.string(),
    }),
    createdAt: DateTime,
    updatedAt: DateTime,
    firstRespondedAt: DateTime.nullable(),
    closedAt: DateTime.nullable(),
    sla: z.object({
      policy: z.string().openapi({ description: 'enterprise, pro or best_effort' }),
      firstResponseDueAt: DateTime.nullable(),
      resolutionDueAt: DateTime.nullable(),
      firstResponseBreached: z.boolean(),
      resolutionBreached: z.boolean(),
      breached: z.boolean(),
    }),
    messages: z.array(MessageSchema).optional(),
  })
  .openapi('Ticket');

export const TicketIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'tkt_8wq2M1c0RtYk3pLzVn5A' }),
});
