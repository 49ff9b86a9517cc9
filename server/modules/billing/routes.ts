import { createRoute } from '@hono/zod-openapi';
import { bearer } from '../../middleware/admission.js';
import { requireLicense } from '../../middleware/license.js';
import { problemResponses } from '../../openapi.js';
import { chain, createRouter } from '../../router.js';
import { featureCatalog, TierList } from './contract.js';

const listTiers = createRoute({
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
      content: { 'application/json': { schema: TierList } },
    },
    ...problemResponses(401, 403, 429),
  },
});

const features = Object.entries(featureCatalog).map(([key, name]) => ({ key, name }));

/** Mounted at `/v1/plans`: named, like the path, with the API's word for tiers. */
export const planRoutes = createRouter().openapi(listTiers, async (c) => {
  const services = c.get('services');
  const license = c.var.license;
  const tiers = await services.billing.tiers.list(license.id);
  let currentTierId: string | null = null;
  const token = bearer(c);
  if (token) {
    try {
      const learner = await services.learners.authenticate(license, token);
      currentTierId = (await services.billing.features.get(license.id, learner.id)).tier;
    } catch {
      currentTierId = null;
    }
    c.header('Cache-Control', 'private, no-store');
  } else {
    c.header('Cache-Control', 'no-cache');
  }
  c.header('Vary', 'Authorization');
  return c.json(
    {
      plans: tiers.map((t) => ({ ...t, current: t.id === currentTierId })),
      features,
      currentPlanId: currentTierId,
    },
    200,
  );
});
