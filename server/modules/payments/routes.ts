import { createRoute, z } from '@hono/zod-openapi';
import { requireLearner } from '../../middleware/learner.js';
import { problemResponses } from '../../openapi.js';
import { chain, createRouter } from '../../router.js';
import { CheckoutRequest, CheckoutSession, PaymentView, WebhookReceived } from './contract.js';

const createSession = createRoute({
  method: 'post',
  path: '/sessions',
  tags: ['Payments'],
  summary: 'Start paying for an item',
  description:
    'Prices the item on the server (anything the client sends about price is ignored), creates or ' +
    "reuses the learner's Stripe customer and a payment intent, and returns what Stripe.js needs. " +
    'Asking again for the same item while it is unpaid returns the same payment intent. ' +
    '409 `conflict`: the item cannot be bought as asked (already owned, or Stripe refused the ' +
    'attempt for good: `request_refused_by_stripe`, after which a new checkout starts afresh); ' +
    '503 with `Retry-After`: Stripe did not answer, and retrying charges nothing twice.',
  security: [{ publishableKey: [], learnerToken: [] }],
  middleware: chain(requireLearner()),
  request: {
    body: { content: { 'application/json': { schema: CheckoutRequest } }, required: true },
  },
  responses: {
    200: {
      description: 'The payment intent to confirm with Stripe.js',
      content: { 'application/json': { schema: CheckoutSession } },
    },
    ...problemResponses(400, 401, 403, 409, 429, 503),
  },
});

const getSession = createRoute({
  method: 'get',
  path: '/sessions/{paymentIntentId}',
  tags: ['Payments'],
  summary: "A payment of the signed-in learner, as Stripe's webhooks last reported it",
  security: [{ publishableKey: [], learnerToken: [] }],
  middleware: chain(requireLearner()),
  request: { params: z.object({ paymentIntentId: z.string().min(1).max(255) }) },
  responses: {
    200: { description: 'The payment', content: { 'application/json': { schema: PaymentView } } },
    ...problemResponses(401, 403, 404, 429),
  },
});

export const checkoutRoutes = createRouter()
  .openapi(createSession, async (c) => {
    const session = await c.get('services').payments.checkout(c.var.learner, c.req.valid('json'));
    c.header('Cache-Control', 'no-store');
    return c.json(session, 200);
  })
  .openapi(getSession, async (c) => {
    const payment = await c
      .get('services')
      .payments.find(c.var.learner, c.req.valid('param').paymentIntentId);
    c.header('Cache-Control', 'private, no-store');
    return c.json(payment, 200);
  });

const receiveEvent = createRoute({
  method: 'post',
  path: '/',
  tags: ['Payments'],
  summary: "Stripe's webhook endpoint",
  description:
    'Verifies the `Stripe-Signature` over the raw body (five minutes tolerance) and applies each ' +
    'event exactly once; a redelivered event is acknowledged without effect.',
  responses: {
    200: {
      description: 'Received',
      content: {
        'application/json': {
          schema: WebhookReceived,
        },
      },
    },
    ...problemResponses(400, 503),
  },
});

export const stripeWebhookRoutes = createRouter().openapi(receiveEvent, async (c) => {
  // The signature covers the exact bytes, so the body is read raw, never parsed first.
  const outcome = await c
    .get('services')
    .payments.receiveWebhook(await c.req.text(), c.req.header('stripe-signature'));
  return c.json({ received: true as const, duplicate: outcome.duplicate }, 200);
});
