import { createRoute } from '@hono/zod-openapi';
import { requireOperator } from '../../middleware/operator.js';
import { problemResponses } from '../../openapi.js';
import { chain, createRouter } from '../../router.js';
import {
  OperatorCloseInput,
  OperatorReplyInput,
  TicketIdParam,
  TicketList,
  TicketListQuery,
  TicketView,
} from './contract.js';

const common = {
  tags: ['Admin: support'],
  security: [{ operatorToken: [] }],
  middleware: chain(requireOperator),
};

const ticketJson = { 'application/json': { schema: TicketView } };

const list = createRoute({
  ...common,
  method: 'get',
  path: '/',
  summary: "Every license's tickets, oldest first",
  description: '`breached=true` lists the tickets past a first-response or resolution due time.',
  request: { query: TicketListQuery },
  responses: {
    200: {
      description: 'Tickets',
      content: { 'application/json': { schema: TicketList } },
    },
    ...problemResponses(400, 401, 503),
  },
});

const show = createRoute({
  ...common,
  method: 'get',
  path: '/{id}',
  summary: 'A ticket with its messages',
  request: { params: TicketIdParam },
  responses: {
    200: { description: 'The ticket', content: ticketJson },
    ...problemResponses(401, 404, 503),
  },
});

const reply = createRoute({
  ...common,
  method: 'post',
  path: '/{id}/replies',
  summary: 'Answer a ticket',
  description: 'The first answer stops the first-response clock.',
  request: {
    params: TicketIdParam,
    body: { content: { 'application/json': { schema: OperatorReplyInput } }, required: true },
  },
  responses: {
    200: { description: 'The ticket, waiting for the customer', content: ticketJson },
    ...problemResponses(400, 401, 404, 409, 503),
  },
});

const close = createRoute({
  ...common,
  method: 'post',
  path: '/{id}/close',
  summary: 'Close a ticket, optionally with a last message',
  request: {
    params: TicketIdParam,
    body: { content: { 'application/json': { schema: OperatorCloseInput } }, required: false },
  },
  responses: {
    200: { description: 'The closed ticket', content: ticketJson },
    ...problemResponses(400, 401, 404, 409, 503),
  },
});

export const adminTicketRoutes = createRouter()
  .openapi(list, async (c) =>
    c.json({ tickets: await c.get('services').support.operatorList(c.req.valid('query')) }, 200),
  )
  .openapi(show, async (c) =>
    c.json(await c.get('services').support.operatorGet(c.req.valid('param').id), 200),
  )
  .openapi(reply, async (c) =>
    c.json(
      await c.get('services').support.operatorReply(c.req.valid('param').id, c.req.valid('json')),
      200,
    ),
  )
  .openapi(close, async (c) => {
    const input = OperatorCloseInput.parse(c.req.valid('json') ?? {});
    return c.json(await c.get('services').support.close(c.req.valid('param').id, input), 200);
  });
