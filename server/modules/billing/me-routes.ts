import { createRoute, z } from '@hono/zod-openapi';
import { requireLearner } from '../../middleware/learner.js';
import { problemResponses } from '../../openapi.js';
import { chain, createRouter } from '../../router.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const Iso = z.string().openapi({ format: 'date-time' });

export const Subscription = z
  .object({
    id: z.string(),
    stripeSubscriptionId: z.string().nullable(),
    planId: z.string(),
    planName: z.string(),
    interval: z.enum(['month', 'year']),
    amount: z.number().int().openapi({ description: 'Integer minor units per interval' }),
    currency: z.string().length(3),
    status: z.string().openapi({
      description:
        "Stripe's status: incomplete, trialing, active, past_due, unpaid, paused, canceled, incomplete_expired",
    }),
    entitled: z.boolean().openapi({
      description: "Whether it gives the tier's features (a trial: once its card is saved)",
    }),
    trialEnd: Iso.nullable(),
    currentPeriodStart: Iso.nullable(),
    currentPeriodEnd: Iso.nullable(),
    cancelAtPeriodEnd: z.boolean(),
    canceledAt: Iso.nullable(),
  })
  .openapi('Subscription');

const Invoice = z
  .object({
    id: z.string(),
    number: z.string().nullable(),
    status: z.string().openapi({ description: 'open, paid, void or uncollectible' }),
    billingReason: z.string().nullable(),
    amountDue: z.number().int(),
    amountPaid: z.number().int(),
    currency: z.string().length(3),
    periodStart: Iso.nullable(),
    periodEnd: Iso.nullable(),
    hostedInvoiceUrl: z.string().nullable(),
    issuedAt: Iso,
  })
  .openapi('BillingInvoice');

const Preview = z
  .object({
    amountDue: z.number().int().openapi({
      description: 'Minor units charged now for the change; negative is a credit',
    }),
    currency: z.string().length(3),
    lines: z.array(
      z.object({
        description: z.string().nullable(),
        amount: z.number().int(),
        proration: z.boolean(),
      }),
    ),
  })
  .openapi('PlanChangePreview');

const Features = z
  .object({
    tier: z.string().nullable(),
    features: z.array(z.string()),
    grants: z.array(
      z.object({
        feature: z.string(),
        source: z.enum(['plan', 'reward']),
        until: Iso.nullable().openapi({ description: 'When a reward unlock ends' }),
      }),
    ),
    stale: z.boolean().openapi({
      description: 'True when the database did not answer and this is the last value known',
    }),
    checkedAt: Iso,
  })
  .openapi('FeatureAccess');

const ChangeInput = z
  .object({
    planId: z.string().min(1).max(64),
    interval: z.enum(['month', 'year']),
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/)
      .optional(),
    preview: z.boolean().optional().openapi({ description: 'Only show what the change costs' }),
  })
  .strict()
  .openapi('PlanChange');

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
    200: json(z.object({ subscription: Subscription.nullable() }), 'The subscription, or null'),
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
  request: { body: { content: { 'application/json': { schema: ChangeInput } }, required: true } },
  responses: {
    200: json(
      z.object({ subscription: Subscription, preview: Preview.nullable() }),
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
    200: json(z.object({ subscription: Subscription }), 'The subscription'),
    ...problemResponses(401, 403, 404, 429, 503),
  },
});

const resume = createRoute({
  ...common,
  method: 'post',
  path: '/subscription/resume',
  summary: 'Keep a subscription that was cancelled at period end',
  responses: {
    200: json(z.object({ subscription: Subscription }), 'The subscription'),
    ...problemResponses(401, 403, 404, 429, 503),
  },
});

const billing = createRoute({
  ...common,
  method: 'get',
  path: '/billing',
  summary: "The learner's subscription invoices, newest first",
  responses: {
    200: json(z.object({ invoices: z.array(Invoice) }), 'Billing history'),
    ...problemResponses(401, 403, 429),
  },
});

const features = createRoute({
  ...common,
  method: 'get',
  path: '/features',
  summary: 'What the learner may use: their tier and reward unlocks',
  responses: {
    200: json(Features, 'Features and where each comes from'),
    ...problemResponses(401, 403, 429, 503),
  },
});

export const billingMeRoutes = createRouter()
  .openapi(getSubscription, (c) => {
    c.header('Cache-Control', 'private, no-store');
    const subscription = c.get('services').billing.subscriptions.current(c.var.learner);
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
  .openapi(billing, (c) => {
    c.header('Cache-Control', 'private, no-store');
    const invoices = c.get('services').billing.subscriptions.billing(c.var.learner);
    return c.json({ invoices }, 200);
  })
  .openapi(features, (c) => {
    c.header('Cache-Control', 'private, no-store');
    const learner = c.var.learner;
    return c.json(c.get('services').billing.features.get(learner.licenseId, learner.id), 200);
  });
