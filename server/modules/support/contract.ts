import { z } from '@hono/zod-openapi';

/**
 * The support API contract: tickets and their messages as customers (tenant admins) and the
 * operator send and read them, with the SLA state computed on every read. The usage
 * dashboard imports its ticket types from here.
 */

export const ticketPriorities = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof ticketPriorities)[number];

/** `open`: waiting for the operator; `answered`: waiting for the customer; `closed`. */
export const ticketStatuses = ['open', 'answered', 'closed'] as const;
export type TicketStatus = (typeof ticketStatuses)[number];

const DateTime = z.string().openapi({ format: 'date-time' });

export const TicketMessageView = z
  .object({
    id: z.string(),
    author: z.enum(['customer', 'operator']),
    authorName: z.string(),
    body: z.string(),
    createdAt: DateTime,
  })
  .openapi('TicketMessageView');
export type TicketMessageView = z.infer<typeof TicketMessageView>;

export const TicketView = z
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
    messages: z.array(TicketMessageView).optional(),
  })
  .openapi('Ticket');
export type TicketView = z.infer<typeof TicketView>;

export const TicketList = z.object({ tickets: z.array(TicketView) });
export type TicketList = z.infer<typeof TicketList>;

export const TicketIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'tkt_8wq2M1c0RtYk3pLzVn5A' }),
});

/* What a customer sends */

export const TicketOpenInput = z
  .object({
    subject: z.string().trim().min(1).max(200),
    body: z.string().trim().min(1).max(20_000),
    priority: z.enum(ticketPriorities).default('normal'),
  })
  .strict()
  .openapi('TicketOpen');
export type TicketOpenInput = z.infer<typeof TicketOpenInput>;

export const MessageInput = z
  .object({ body: z.string().trim().min(1).max(20_000) })
  .strict()
  .openapi('TicketMessage');
export type MessageInput = z.infer<typeof MessageInput>;

export const TicketStatusQuery = z.object({ status: z.enum(ticketStatuses).optional() });

/* What the operator sends */

export const OperatorReplyInput = z
  .object({
    body: z.string().trim().min(1).max(20_000),
    author: z.string().trim().min(1).max(100).default('Support'),
  })
  .strict()
  .openapi('TicketReply');
export type OperatorReplyInput = z.infer<typeof OperatorReplyInput>;

export const OperatorCloseInput = z
  .object({
    body: z.string().trim().min(1).max(20_000).optional(),
    author: z.string().trim().min(1).max(100).default('Support'),
  })
  .strict()
  .openapi('TicketClose');
export type OperatorCloseInput = z.infer<typeof OperatorCloseInput>;

export const TicketListQuery = z.object({
  status: z.enum(ticketStatuses).optional(),
  breached: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .openapi({ type: 'string', enum: ['true', 'false'] }),
  license: z.string().min(1).max(100).optional(),
});
export type TicketListQuery = z.infer<typeof TicketListQuery>;
