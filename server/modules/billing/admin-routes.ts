import { createRoute, z } from '@hono/zod-openapi';
import { jsonResponse, pathParam, problemResponses } from '../../openapi.js';
import { existingLicense, LicenseParam, operatorRoute } from '../../operator-routes.js';
import { createRouter } from '../../router.js';
import { LicenseTiers, SubscriptionView, SyncedPrice, TierOverrideInput } from './contract.js';
import type { ServicesContext } from '../../context.js';

const common = operatorRoute('Admin: billing');

async function answer(c: ServicesContext, licenseId: string): Promise<LicenseTiers> {
  const catalog = c.get('services').billing.tiers;
  const override = await catalog.override(licenseId);
  return {
    overridden: override !== null,
    plans: override?.tiers ?? (await catalog.list(licenseId)),
    updatedAt: override?.updatedAt ?? null,
  };
}

const getTiers = createRoute({
  ...common,
  method: 'get',
  path: '/{licenseId}/plans',
  summary: "A license's tiers",
  request: { params: LicenseParam },
  responses: {
    200: jsonResponse(LicenseTiers, 'The tiers'),
    ...problemResponses(401, 404, 503),
  },
});

const putTiers = createRoute({
  ...common,
  method: 'put',
  path: '/{licenseId}/plans',
  summary: "Replace a license's tiers",
  description:
    'Names, prices per currency and interval (integer minor units), trial days, features (keys ' +
    'from `GET /v1/plans`) and the recommended tier. Stripe prices follow on the next checkout ' +
    'or `POST …/plans/sync`.',
  request: {
    params: LicenseParam,
    body: { content: { 'application/json': { schema: TierOverrideInput } }, required: true },
  },
  responses: {
    200: jsonResponse(LicenseTiers, 'The tiers now offered'),
    ...problemResponses(400, 401, 404, 503),
  },
});

const deleteTiers = createRoute({
  ...common,
  method: 'delete',
  path: '/{licenseId}/plans',
  summary: 'Go back to the default tiers',
  request: { params: LicenseParam },
  responses: {
    200: jsonResponse(LicenseTiers, 'The tiers now offered'),
    ...problemResponses(401, 404, 503),
  },
});

const syncPrices = createRoute({
  ...common,
  method: 'post',
  path: '/{licenseId}/plans/sync',
  summary: "Create the license's Stripe products and prices where missing",
  description: 'Idempotent: running it again returns the same prices.',
  request: { params: LicenseParam },
  responses: {
    200: jsonResponse(
      z.object({ prices: z.array(SyncedPrice) }),
      'Every paid price and its Stripe ids',
    ),
    ...problemResponses(401, 404, 503),
  },
});

const learnerSubscriptions = createRoute({
  ...common,
  method: 'get',
  path: '/{licenseId}/learners/{learnerId}/subscriptions',
  summary: "A learner's subscriptions, newest first",
  request: {
    params: LicenseParam.extend({ learnerId: pathParam('learnerId') }),
  },
  responses: {
    200: jsonResponse(z.object({ subscriptions: z.array(SubscriptionView) }), 'Subscriptions'),
    ...problemResponses(401, 404, 503),
  },
});

export const billingAdminRoutes = createRouter()
  .openapi(getTiers, async (c) => {
    const id = await existingLicense(c, c.req.valid('param').licenseId);
    return c.json(await answer(c, id), 200);
  })
  .openapi(putTiers, async (c) => {
    const id = await existingLicense(c, c.req.valid('param').licenseId);
    await c.get('services').billing.tiers.setOverride(id, c.req.valid('json'));
    return c.json(await answer(c, id), 200);
  })
  .openapi(deleteTiers, async (c) => {
    const id = await existingLicense(c, c.req.valid('param').licenseId);
    await c.get('services').billing.tiers.clearOverride(id);
    return c.json(await answer(c, id), 200);
  })
  .openapi(syncPrices, async (c) => {
    const id = await existingLicense(c, c.req.valid('param').licenseId);
    const prices = await c.get('services').billing.tiers.syncPrices(id);
    return c.json(
      {
        prices: prices.map((p) => ({
          planId: p.tierId,
          interval: p.interval,
          currency: p.currency,
          amount: p.amount,
          productId: p.productId,
          priceId: p.priceId,
        })),
      },
      200,
    );
  })
  .openapi(learnerSubscriptions, async (c) => {
    const { licenseId, learnerId } = c.req.valid('param');
    const id = await existingLicense(c, licenseId);
    return c.json(
      { subscriptions: await c.get('services').billing.subscriptions.history(id, learnerId) },
      200,
    );
  });
