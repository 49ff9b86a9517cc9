import { createRoute, z } from '@hono/zod-openapi';
import { requireLearner } from '../../middleware/learner.js';
import { problemResponses } from '../../openapi.js';
import { chain, createRouter } from '../../router.js';
import {
  ChangePreview,
  FeatureView,
  InvoiceView,
  SubscriptionView,
  TierChange,
} from './contract.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const common = {
  tags: ['Billing'],
  security: [{ publishableKey: [], learnerToken: [] }],
  middleware: chain(requireLearner()),
};

const getSubscription = createRoute({
  ...common,
  method: 'get',
  path: '/subscription',
  summary: "The learner's subscription",
  responses: {
    200: json(z.object({ subscription: SubscriptionView.nullable() }), 'The subscription, or null'),
    ...problemResponses(401, 403, 429),
  },
});

const change = createRoute({
  ...common,
  method: 'post',
  path: '/subscription/change',
  summary: 'Upgrade or downgrade, prorated',
  description:
    'Moves the subscription to another tier or interval; the prorated difference is invoiced ' +
    'at once. With `preview: true` nothing changes and the proration is returned.',
  request: { body: { content: { 'application/json': { schema: TierChange } }, required: true } },
  responses: {
    200: json(
      z.object({ subscription: SubscriptionView, preview: ChangePreview.nullable() }),
      'The subscription after the change, or the preview',
    ),
    ...problemResponses(400, 401, 403, 404, 409, 429, 503),
  },
});

const cancel = createRoute({
  ...common,
  method: 'post',
  path: '/subscription/cancel',
  summary: 'Cancel at the end of the current period',
  responses: {
    200: json(z.object({ subscription: SubscriptionView }), 'The subscription'),
    ...problemResponses(401, 403, 404, 429, 503),
  },
});

const resume = createRoute({
  ...common,
  method: 'post',
  path: '/subscription/resume',
  summary: 'Keep a subscription that was cancelled at period end',
  responses: {
    200: json(z.object({ subscription: SubscriptionView }), 'The subscription'),
    ...problemResponses(401, 403, 404, 429, 503),
  },
});

const billing = createRoute({
  ...common,
  method: 'get',
  path: '/billing',
  summary: "The learner's subscription invoices, newest first",
  responses: {
    200: json(z.object({ invoices: z.array(InvoiceView) }), 'Billing history'),
    ...problemResponses(401, 403, 429),
  },
});

const features = createRoute({
  ...common,
  method: 'get',
  path: '/features',
  summary: 'What the learner may use: their tier and reward unlocks',
  responses: {
    200: json(FeatureView, 'Features and where each comes from'),
    ...problemResponses(401, 403, 429, 503),
  },
});

export const billingMeRoutes = createRouter()
  .openapi(getSubscription, async (c) => {
    c.header('Cache-Control', 'private, no-store');
    const subscription = await c.get('services').billing.subscriptions.current(c.var.learner);
    return c.json({ subscription }, 200);
  })
  .openapi(change, async (c) => {
    c.header('Cache-Control', 'no-store');
    const result = await c
      .get('services')
      .billing.subscriptions.change(c.var.learner, c.req.valid('json'));
    return c.json(result, 200);
  })
  .openapi(cancel, async (c) => {
    c.header('Cache-Control', 'no-store');
    const subscription = await c.get('services').billing.subscriptions.cancel(c.var.learner);
    return c.json({ subscription }, 200);
  })
  .openapi(resume, async (c) => {
    c.header('Cache-Control', 'no-store');
    const subscription = await c.get('services').billing.subscriptions.resume(c.var.learner);
    return c.json({ subscription }, 200);
  })
  .openapi(billing, async (c) => {
    c.header('Cache-Control', 'private, no-store');
    const invoices = await c.get('services').billing.subscriptions.billing(c.var.learner);
    return c.json({ invoices }, 200);
  })
  .openapi(features, async (c) => {
    c.header('Cache-Control', 'private, no-store');
    const learner = c.var.learner;
    const access = await c.get('services').billing.features.get(learner.licenseId, learner.id);
    return c.json(access, 200);
  });
