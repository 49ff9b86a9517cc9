import { createRoute } from '@hono/zod-openapi';
import { ApiError } from '../../../errors.js';
import { requireTenantAdmin } from '../../../middleware/learner.js';
import { jsonResponse, problemResponses } from '../../../openapi.js';
import { chain, createRouter } from '../../../router.js';
import {
  ActivityParams,
  GrantInput,
  IdempotencyHeader,
  IdParams,
  MoveResult,
  RewardCatalog,
  RewardItemInput,
  RewardItemPatch,
  RewardItemView,
  RewardRule,
  RewardSettings,
  RuleInput,
  RuleList,
  SettingsInput,
} from '../contract.js';
import { isValidTimeZone } from '../periods.js';
import { jsonBody } from './shared.js';
import type { ServicesContext } from '../../../context.js';

const adminRoute = {
  tags: ['Rewards: customer admins'],
  security: [{ secretKey: [] }, { publishableKey: [], learnerToken: [] }] as Record<
    string,
    string[]
  >[],
  middleware: chain(requireTenantAdmin()),
};

function rewards(c: ServicesContext) {
  return c.get('services').rewards;
}

const grant = createRoute({
  ...adminRoute,
  method: 'post',
  path: '/grants',
  summary: 'Grant bonus tokens to a learner',
  request: { headers: IdempotencyHeader, ...jsonBody(GrantInput) },
  responses: {
    201: jsonResponse(MoveResult, 'The bonus'),
    ...problemResponses(400, 401, 403, 409, 429),
  },
});

const listRules = createRoute({
  ...adminRoute,
  method: 'get',
  path: '/rules',
  summary: 'Earning rules',
  responses: { 200: jsonResponse(RuleList, 'Rules'), ...problemResponses(401, 403, 429) },
});

const putRule = createRoute({
  ...adminRoute,
  method: 'put',
  path: '/rules/{activity}',
  summary: 'Set the tokens an activity earns and its daily cap',
  request: { params: ActivityParams, ...jsonBody(RuleInput) },
  responses: { 200: jsonResponse(RewardRule, 'The rule'), ...problemResponses(400, 401, 403, 429) },
});

const deleteRule = createRoute({
  ...adminRoute,
  method: 'delete',
  path: '/rules/{activity}',
  summary: 'Stop an activity from earning tokens',
  request: { params: ActivityParams },
  responses: { 204: { description: 'Deleted' }, ...problemResponses(400, 401, 403, 404, 429) },
});

const getSettings = createRoute({
  ...adminRoute,
  method: 'get',
  path: '/settings',
  summary: 'Rewards settings: time zone, token expiry, token name',
  responses: {
    200: jsonResponse(RewardSettings, 'Settings'),
    ...problemResponses(401, 403, 429),
  },
});

const putSettings = createRoute({
  ...adminRoute,
  method: 'patch',
  path: '/settings',
  summary: 'Change rewards settings',
  request: jsonBody(SettingsInput),
  responses: {
    200: jsonResponse(RewardSettings, 'Settings'),
    ...problemResponses(400, 401, 403, 429),
  },
});

const adminCatalog = createRoute({
  ...adminRoute,
  method: 'get',
  path: '/catalog/all',
  summary: 'Every reward, including inactive ones',
  responses: { 200: jsonResponse(RewardCatalog, 'Rewards'), ...problemResponses(401, 403, 429) },
});

const createItem = createRoute({
  ...adminRoute,
  method: 'post',
  path: '/catalog',
  summary: 'Add a reward to the catalog',
  request: jsonBody(RewardItemInput),
  responses: {
    201: jsonResponse(RewardItemView, 'The reward'),
    ...problemResponses(400, 401, 403, 429),
  },
});

const updateItem = createRoute({
  ...adminRoute,
  method: 'patch',
  path: '/catalog/{id}',
  summary: 'Change a reward (price, stock, limits, active)',
  request: { params: IdParams, ...jsonBody(RewardItemPatch) },
  responses: {
    200: jsonResponse(RewardItemView, 'The reward'),
    ...problemResponses(400, 401, 403, 404, 429),
  },
});

/** `/v1/rewards` for the customer's admins: the secret key, or an admin learner token. */
export const customerAdminRoutes = createRouter()
  .openapi(grant, async (c) => {
    const result = await rewards(c).ledger.bonus(c.var.license.id, {
      ...c.req.valid('json'),
      idempotencyKey: c.req.valid('header')['idempotency-key'],
    });
    return c.json(result, 201);
  })
  .openapi(listRules, async (c) =>
    c.json({ rules: await rewards(c).ledger.rules(c.var.license.id) }, 200),
  )
  .openapi(putRule, async (c) => {
    const { activity } = c.req.valid('param');
    const input = c.req.valid('json');
    return c.json(await rewards(c).ledger.setRule(c.var.license.id, { activity, ...input }), 200);
  })
  .openapi(deleteRule, async (c) => {
    if (!(await rewards(c).ledger.deleteRule(c.var.license.id, c.req.valid('param').activity))) {
      throw new ApiError('not_found', 'No rule for this activity.');
    }
    return c.body(null, 204);
  })
  .openapi(getSettings, async (c) =>
    c.json(await rewards(c).ledger.settings(c.var.license.id), 200),
  )
  .openapi(putSettings, async (c) => {
    const input = c.req.valid('json');
    if (input.timeZone !== undefined && !isValidTimeZone(input.timeZone)) {
      throw new ApiError('validation_failed', 'Unknown time zone.', {
        errors: [
          { path: 'body.timeZone', message: 'Expected an IANA time zone such as Europe/Berlin' },
        ],
      });
    }
    return c.json(await rewards(c).ledger.updateSettings(c.var.license.id, input), 200);
  })
  .openapi(adminCatalog, async (c) =>
    c.json({ items: await rewards(c).redemptions.items(c.var.license.id) }, 200),
  )
  .openapi(createItem, async (c) =>
    c.json(await rewards(c).redemptions.createItem(c.var.license.id, c.req.valid('json')), 201),
  )
  .openapi(updateItem, async (c) =>
    c.json(
      await rewards(c).redemptions.updateItem(
        c.var.license.id,
        c.req.valid('param').id,
        c.req.valid('json'),
      ),
      200,
    ),
  );
