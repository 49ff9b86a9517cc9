import { createRoute, z } from '@hono/zod-openapi';
import { bearer } from '../../middleware/admission.js';
import { requireLicense } from '../../middleware/license.js';
import { problemResponses } from '../../openapi.js';
import { chain, createRouter } from '../../router.js';
import { featureCatalog } from './plans.js';

export const PlanSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    prices: z.array(
      z.object({
        interval: z.enum(['month', 'year']),
        amount: z.number().int().nonnegative().openapi({ description: 'Integer minor units' }),
        currency: z.string().length(3),
      }),
    ),
    features: z.array(z.string()),
    recommended: z.boolean(),
    trialDays: z.number().int().nonnegative(),
    current: z.boolean().openapi({
      description: "True for the signed-in learner's tier (sent with a learner token)",
    }),
  })
  .openapi('Plan');

const PlansSchema = z
  .object({
    plans: z.array(PlanSchema),
    features: z.array(z.object({ key: z.string(), name: z.string() })),
    currentPlanId: z.string().nullable().openapi({
      description:
        "The signed-in learner's tier: their subscription's, else the free tier; null without a learner token",
    }),
  })
  .openapi('PlanList');

const listPlans = createRoute({
  method: 'get',
  path: '/',
  tags: ['Billing'],
  summary: 'Subscription tiers offered by the license',
  description:
    "The license's own tiers, or the default ones. With a learner token (optional), the " +
    "learner's current tier is marked; a token that does not verify is ignored here.",
  security: [{ publishableKey: [] }],
  middleware: chain(requireLicense),
  responses: {
    200: {
      description: 'Tiers and the features they compare',
      content: { 'application/json': { schema: PlansSchema } },
    },
    ...problemResponses(401, 403, 429),
  },
});

const features = Object.entries(featureCatalog).map(([key, name]) => ({ key, name }));

export const planRoutes = createRouter().openapi(listPlans, async (c) => {
  const services = c.get('services');
  const license = c.var.license;
  const plans = services.billing.plans.plans(license.id);
  let currentPlanId: string | null = null;
  const token = bearer(c);
  if (token) {
    try {
      const learner = await services.learners.authenticate(license, token);
      currentPlanId = services.billing.features.get(license.id, learner.id).tier;
    } catch {
      currentPlanId = null;
    }
    c.header('Cache-Control', 'private, no-store');
  } else {
    c.header('Cache-Control', 'no-cache');
  }
  c.header('Vary', 'Authorization');
  return c.json(
    {
      plans: plans.map((p) => ({ ...p, current: p.id === currentPlanId })),
      features,
      currentPlanId,
    },
    200,
  );
});
