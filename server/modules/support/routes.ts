import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requireTenantAdmin } from '../../middleware/learner.js';
import { problemResponses, tenantAdminSecurity } from '../../openapi.js';
import { chain, createRouter } from '../../router.js';
import type { LicensedEnv } from '../../types.js';
import {
  MessageInput,
  TicketIdParam,
  TicketList,
  TicketOpenInput,
  TicketStatusQuery,
  TicketView,
} from './contract.js';
import type { TicketOpener } from './service.js';

const common = {
  tags: ['Support'],
  security: tenantAdminSecurity,
  middleware: chain(requireTenantAdmin()),
};

const ticketJson = { 'application/json': { schema: TicketView } };

function opener(c: Context<LicensedEnv>): TicketOpener {
  const learner = c.get('learner');
  return learner
    ? { kind: 'learner', learnerId: learner.id, name: learner.name }
    : { kind: 'server', name: `${c.var.license.name} (server)` };
}

const open = createRoute({
  ...common,
  method: 'post',
  path: '/',
  summary: 'Open a support ticket',
  description:
    "Due times follow the license's plan: enterprise 4 h / 1 business day, pro 24 h / 3 business days, free best effort.",
  request: {
    body: { content: { 'application/json': { schema: TicketOpenInput } }, required: true },
  },
  responses: {
    201: { description: 'The new ticket', content: ticketJson },
    ...problemResponses(400, 401, 403, 429),
  },
});

const list = createRoute({
  ...common,
  method: 'get',
  path: '/',
  summary: "The license's tickets, newest first",
  request: { query: TicketStatusQuery },
  responses: {
    200: {
      description: 'Tickets with their SLA state',
      content: { 'application/json': { schema: TicketList } },
    },
    ...problemResponses(400, 401, 403, 429),
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
    ...problemResponses(401, 403, 404, 429),
  },
});

const reply = createRoute({
  ...common,
  method: 'post',
  path: '/{id}/messages',
  summary: 'Add a message to a ticket',
  request: {
    params: TicketIdParam,
    body: { content: { 'application/json': { schema: MessageInput } }, required: true },
  },
  responses: {
    200: { description: 'The ticket, open again for the operator', content: ticketJson },
    ...problemResponses(400, 401, 403, 404, 409, 429),
  },
});

export const supportRoutes = createRouter()
  .openapi(open, async (c) => {
    const ticket = await c
      .get('services')
      .support.open(c.var.license, opener(c), c.req.valid('json'));
    return c.json(ticket, 201);
  })
  .openapi(list, async (c) => {
    const tickets = await c
      .get('services')
      .support.listForLicense(c.var.license.id, c.req.valid('query').status);
    return c.json({ tickets }, 200);
  })
  .openapi(show, async (c) => {
    return c.json(
      await c.get('services').support.getForLicense(c.var.license.id, c.req.valid('param').id),
      200,
    );
  })
  .openapi(reply, async (c) => {
    const ticket = await c
      .get('services')
      .support.customerReply(
        c.var.license.id,
        c.req.valid('param').id,
        opener(c).name,
        c.req.valid('json').body,
      );
    return c.json(ticket, 200);
  });
