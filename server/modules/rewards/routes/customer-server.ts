import { createRoute } from '@hono/zod-openapi';
import { requireSecretKey } from '../../../middleware/secret-key.js';
import { jsonResponse, problemResponses } from '../../../openapi.js';
import { chain, createRouter } from '../../../router.js';
import {
  ActivityInput,
  EarnResult,
  FriendList,
  FriendsInput,
  IdempotencyHeader,
  IdParams,
  LearnerParams,
  ReversalResult,
  ReverseInput,
} from '../contract.js';
import { jsonBody } from './shared.js';

const serverRoute = {
  tags: ['Rewards: customer servers'],
  security: [{ secretKey: [] }],
  middleware: chain(requireSecretKey()),
};

const activity = createRoute({
  ...serverRoute,
  method: 'post',
  path: '/activities',
  summary: 'Report learning activity; tokens are credited by the license’s rules',
  description:
    '`units` multiplies the rule (e.g. tokens per currency unit of a purchase). Daily caps apply per ' +
    'learner and activity in the license’s time zone. `displayName` and `classes` update the ' +
    'learner’s leaderboard profile.',
  request: { headers: IdempotencyHeader, ...jsonBody(ActivityInput) },
  responses: {
    200: jsonResponse(EarnResult, 'What was credited'),
    ...problemResponses(400, 401, 403, 409, 429),
  },
});

const reverse = createRoute({
  ...serverRoute,
  method: 'post',
  path: '/transactions/{id}/reverse',
  summary: 'Reverse an earning (e.g. after a refund) or a spend',
  description:
    'Never takes a balance below zero: tokens already spent are reported as `shortfall`.',
  request: { params: IdParams, ...jsonBody(ReverseInput) },
  responses: {
    200: jsonResponse(ReversalResult, 'The reversal'),
    ...problemResponses(400, 401, 403, 404, 409, 429),
  },
});

const friends = createRoute({
  ...serverRoute,
  method: 'put',
  path: '/friends/{learnerId}',
  summary: "Replace a learner's friend list (for the friends leaderboard)",
  request: { params: LearnerParams, ...jsonBody(FriendsInput) },
  responses: {
    200: jsonResponse(FriendList, 'The friend list'),
    ...problemResponses(400, 401, 403, 429),
  },
});

/** `/v1/rewards` for the customer's servers: the secret key. */
export const customerServerRoutes = createRouter()
  .openapi(activity, async (c) => {
    const licenseId = c.var.license.id;
    const input = c.req.valid('json');
    const rewards = c.get('services').rewards;
    if (input.displayName || input.classes) {
      await rewards.leaderboards.touchProfile(licenseId, input.learnerId, {
        displayName: input.displayName ?? null,
        classes: input.classes ?? [],
      });
    }
    const result = await rewards.ledger.earn(licenseId, {
      learnerId: input.learnerId,
      activity: input.activity,
      ...(input.units !== undefined ? { units: input.units } : {}),
      idempotencyKey: c.req.valid('header')['idempotency-key'],
    });
    return c.json(result, 200);
  })
  .openapi(reverse, async (c) => {
    const { reason } = c.req.valid('json');
    const ledger = c.get('services').rewards.ledger;
    return c.json(await ledger.reverse(c.var.license.id, c.req.valid('param').id, reason), 200);
  })
  .openapi(friends, async (c) => {
    const { learnerId } = c.req.valid('param');
    const list = await c
      .get('services')
      .rewards.leaderboards.setFriends(c.var.license.id, learnerId, c.req.valid('json').friends);
    return c.json({ friends: list }, 200);
  });
