import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { requireLearner } from '../../../middleware/learner.js';
import { jsonResponse, problemResponses } from '../../../openapi.js';
import { chain, createRouter } from '../../../router.js';
import type { LearnerEnv } from '../../../types.js';
import {
  HistoryPage,
  HistoryQuery,
  IdempotencyHeader,
  IdParams,
  LeaderboardPage,
  LeaderboardQuery,
  OptOut,
  OptOutInput,
  RedeemInput,
  RedemptionList,
  RedemptionView,
  RewardCatalog,
  Wallet,
} from '../contract.js';
import { jsonBody } from './shared.js';

/** The signed-in learner, and their name and classes recorded for the leaderboards. */
const learnerRoute = {
  tags: ['Rewards: learners'],
  security: [{ publishableKey: [], learnerToken: [] }],
  middleware: chain(
    requireLearner(),
    createMiddleware<LearnerEnv>(async (c, next) => {
      const learner = c.var.learner;
      await c
        .get('services')
        .rewards.leaderboards.touchProfile(learner.licenseId, learner.subject, {
          displayName: learner.name,
          classes: learner.classes,
        });
      await next();
    }),
  ),
};

function who(c: Context<LearnerEnv>) {
  const learner = c.var.learner;
  return {
    licenseId: learner.licenseId,
    learnerId: learner.subject,
    learner,
    rewards: c.get('services').rewards,
  };
}

const wallet = createRoute({
  ...learnerRoute,
  method: 'get',
  path: '/wallet',
  summary: "The learner's balance, tokens expiring soon and features unlocked with tokens",
  responses: { 200: jsonResponse(Wallet, 'The wallet'), ...problemResponses(401, 403, 429) },
});

const history = createRoute({
  ...learnerRoute,
  method: 'get',
  path: '/transactions',
  summary: "The learner's transactions, newest first",
  request: { query: HistoryQuery },
  responses: {
    200: jsonResponse(HistoryPage, 'A page of transactions'),
    ...problemResponses(400, 401, 403, 429),
  },
});

const catalog = createRoute({
  ...learnerRoute,
  method: 'get',
  path: '/catalog',
  summary: 'Rewards on offer',
  responses: {
    200: jsonResponse(RewardCatalog, 'Active rewards, cheapest first'),
    ...problemResponses(401, 403, 429),
  },
});

const redeem = createRoute({
  ...learnerRoute,
  method: 'post',
  path: '/redemptions',
  summary: 'Spend tokens on a reward',
  description:
    'Feature unlocks and course coupons are fulfilled at once; merchandise (needs `shipping`) and ' +
    'partner rewards wait for fulfilment. A balance that does not cover the cost is a 409 with ' +
    '`reason: "insufficient_balance"`; also `out_of_stock`, `limit_reached`, `reward_inactive`.',
  request: { headers: IdempotencyHeader, ...jsonBody(RedeemInput) },
  responses: {
    201: jsonResponse(RedemptionView, 'The redemption'),
    ...problemResponses(400, 401, 403, 404, 409, 429),
  },
});

const myRedemptions = createRoute({
  ...learnerRoute,
  method: 'get',
  path: '/redemptions',
  summary: "The learner's redemptions and their status",
  responses: {
    200: jsonResponse(RedemptionList, 'Newest first'),
    ...problemResponses(401, 403, 429),
  },
});

const cancel = createRoute({
  ...learnerRoute,
  method: 'post',
  path: '/redemptions/{id}/cancel',
  summary: 'Cancel a redemption still waiting for fulfilment; the tokens come back',
  request: { params: IdParams },
  responses: {
    200: jsonResponse(RedemptionView, 'The canceled redemption'),
    ...problemResponses(401, 403, 404, 409, 429),
  },
});

const leaderboard = createRoute({
  ...learnerRoute,
  method: 'get',
  path: '/leaderboard',
  summary:
    'A leaderboard page, the learner’s own row and, with `around`, the learners next to them',
  description:
    'Scopes: `global` (the license), `friends` (as set by the customer’s server), `class` (from the ' +
    'token’s `classes`). Windows `week`, `month`, `all` in the license’s time zone; `offset` or ' +
    '`period` (`week:YYYY-MM-DD`, `month:YYYY-MM`) for past periods. Competition ranking.',
  request: { query: LeaderboardQuery },
  responses: {
    200: jsonResponse(LeaderboardPage, 'The board'),
    ...problemResponses(400, 401, 403, 404, 429),
  },
});

const optOut = createRoute({
  ...learnerRoute,
  method: 'put',
  path: '/leaderboard/opt-out',
  summary: 'Hide (or show again) the learner on leaderboards; they still see their own rank',
  request: jsonBody(OptOutInput),
  responses: {
    200: jsonResponse(OptOut, 'The setting'),
    ...problemResponses(400, 401, 403, 429),
  },
});

/** `/v1/rewards` for learners: publishable key + learner token. */
export const learnerRoutes = createRouter()
  .openapi(wallet, async (c) => {
    const { licenseId, learnerId, rewards } = who(c);
    return c.json(
      {
        balance: await rewards.ledger.balance(licenseId, learnerId),
        tokenName: (await rewards.ledger.settings(licenseId)).tokenName,
        expiring: await rewards.ledger.expiring(licenseId, learnerId),
        features: await rewards.redemptions.activeFeatures(licenseId, learnerId),
      },
      200,
    );
  })
  .openapi(history, async (c) => {
    const { licenseId, learnerId, rewards } = who(c);
    return c.json(await rewards.ledger.history(licenseId, learnerId, c.req.valid('query')), 200);
  })
  .openapi(catalog, async (c) => {
    const { licenseId, rewards } = who(c);
    return c.json({ items: await rewards.redemptions.items(licenseId, { activeOnly: true }) }, 200);
  })
  .openapi(redeem, async (c) => {
    const { licenseId, learnerId, rewards } = who(c);
    const input = c.req.valid('json');
    const key = c.req.valid('header')['idempotency-key'];
    const result = await rewards.redemptions.redeem(licenseId, learnerId, {
      itemId: input.itemId,
      ...(input.shipping ? { shipping: input.shipping } : {}),
      idempotencyKey: `redeem:${learnerId}:${key}`,
    });
    return c.json(result, 201);
  })
  .openapi(myRedemptions, async (c) => {
    const { licenseId, learnerId, rewards } = who(c);
    return c.json({ items: await rewards.redemptions.redemptions(licenseId, { learnerId }) }, 200);
  })
  .openapi(cancel, async (c) => {
    const { licenseId, learnerId, rewards } = who(c);
    return c.json(
      await rewards.redemptions.cancel(licenseId, learnerId, c.req.valid('param').id),
      200,
    );
  })
  .openapi(leaderboard, async (c) => {
    const { licenseId, learnerId, learner, rewards } = who(c);
    const page = await rewards.leaderboards.board(
      licenseId,
      { learnerId, displayName: learner.name, classes: learner.classes },
      c.req.valid('query'),
    );
    return c.json(page, 200);
  })
  .openapi(optOut, async (c) => {
    const { licenseId, learnerId, learner, rewards } = who(c);
    const { optedOut } = c.req.valid('json');
    return c.json(
      await rewards.leaderboards.setOptOut(licenseId, learnerId, optedOut, learner.name),
      200,
    );
  });
