import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../../router.js';
import { requireLicense } from '../../middleware/license.js';
import { problemResponses } from '../../openapi.js';
import { defaultPlans, featureCatalog } from './plans.js';

const PlanSchema = z
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
  })
  .openapi('Plan');

const PlansSchema = z
  .object({
    plans: z.array(PlanSchema),
    features: z.array(z.object({ key: z.string(), name: z.string() })),
  })
  .openapi('PlanList');

const listPlans = createRoute({
  method: 'get',
  path: '/',
  tags: ['Billing'],
  summary: 'Subscription tiers offered by the license',
  security: [{ publishableKey: [] }],
  middleware: [requireLicense] as const,
  responses: {
    200: {
      description: 'Tiers and the features they compare',
      content: { 'application/json': { schema: PlansSchema } },
    },
    ...problemResponses(401, 403, 429),
  },
});

const features = Object.entries(featureCatalog).map(([key, name]) => ({ key, name }));

export const planRoutes = createRouter().openapi(listPlans, (c) => {
  c.header('Cache-Control', 'no-cache');
  return c.json({ plans: defaultPlans, features }, 200);
});
