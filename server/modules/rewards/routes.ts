import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { ApiError } from '../../errors.js';
import { requireLearner, requireTenantAdmin } from '../../middleware/learner.js';
import { requireSecretKey } from '../../middleware/secret-key.js';
import { problemResponses } from '../../openapi.js';
import { chain, createRouter } from '../../router.js';
import type { AppEnv, LearnerEnv } from '../../types.js';
import {
  ActivityName,
  Amount,
  EarnResult,
  HistoryPage,
  HistoryQuery,
  IdempotencyHeader,
  LeaderboardPage as Leaderboard,
  LeaderboardQuery,
  LearnerId,
  MoveResult,
  RedeemInput,
  RedemptionView as Redemption,
  RewardItemView as RewardItem,
  RewardItemInput,
  RewardRule as Rule,
  RewardSettings as Settings,
  SettingsInput,
  Wallet,
} from './contract.js';
import { isValidTimeZone } from './periods.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const body = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});

/** The signed-in learner, and their name and classes recorded for the leaderboards. */
const learnerRoute = {
  tags: ['Rewards: learners'],
  security: [{ publishableKey: [], learnerToken: [] }],
  middleware: chain(
    requireLearner(),
    createMiddleware<LearnerEnv>(async (c, next) => {
      const learner = c.var.learner;
      c.get('services').rewards.leaderboards.touchProfile(learner.licenseId, learner.subject, {
        displayName: learner.name,
        classes: learner.classes,
      });
      await next();
    }),
  ),
};

const serverRoute = {
  tags: ['Rewards: customer servers'],
  security: [{ secretKey: [] }],
  middleware: chain(requireSecretKey()),
};

const adminRoute = {
  tags: ['Rewards: customer admins'],
  security: [{ secretKey: [] }, { publishableKey: [], learnerToken: [] }] as Record<
    string,
    string[]
  >[],
  middleware: chain(requireTenantAdmin()),
};

function who(c: Context<LearnerEnv>) {
  const learner = c.var.learner;
  return { licenseId: learner.licenseId, learnerId: learner.subject, learner };
}

function rewards<E extends AppEnv>(c: Context<E>) {
  return c.get('services').rewards;
}

const IdParam = (name: string) =>
  z.object({
    [name]: z
      .string()
      .min(1)
      .max(100)
      .openapi({ param: { name, in: 'path' } }),
  });

/* Learners (publishable key + learner token) */

const wallet = createRoute({
  ...learnerRoute,
  method: 'get',
  path: '/wallet',
  summary: "The learner's balance, tokens expiring soon and features unlocked with tokens",
  responses: { 200: json(Wallet, 'The wallet'), ...problemResponses(401, 403, 429) },
});

const history = createRoute({
  ...learnerRoute,
  method: 'get',
  path: '/transactions',
  summary: "The learner's transactions, newest first",
  request: { query: HistoryQuery },
  responses: {
    200: json(HistoryPage, 'A page of transactions'),
    ...problemResponses(400, 401, 403, 429),
  },
});

const catalog = createRoute({
  ...learnerRoute,
  method: 'get',
  path: '/catalog',
  summary: 'Rewards on offer',
  responses: {
    200: json(z.object({ items: z.array(RewardItem) }), 'Active rewards, cheapest first'),
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
  request: { headers: IdempotencyHeader, ...body(RedeemInput) },
  responses: {
    201: json(Redemption, 'The redemption'),
    ...problemResponses(400, 401, 403, 404, 409, 429),
  },
});

const myRedemptions = createRoute({
  ...learnerRoute,
  method: 'get',
  path: '/redemptions',
  summary: "The learner's redemptions and their status",
  responses: {
    200: json(z.object({ items: z.array(Redemption) }), 'Newest first'),
    ...problemResponses(401, 403, 429),
  },
});

const cancel = createRoute({
  ...learnerRoute,
  method: 'post',
  path: '/redemptions/{id}/cancel',
  summary: 'Cancel a redemption still waiting for fulfilment; the tokens come back',
  request: { params: IdParam('id') },
  responses: {
    200: json(Redemption, 'The canceled redemption'),
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
  responses: { 200: json(Leaderboard, 'The board'), ...problemResponses(400, 401, 403, 404, 429) },
});

const optOut = createRoute({
  ...learnerRoute,
  method: 'put',
  path: '/leaderboard/opt-out',
  summary: 'Hide (or show again) the learner on leaderboards; they still see their own rank',
  request: body(z.object({ optedOut: z.boolean() }).strict()),
  responses: {
    200: json(z.object({ optedOut: z.boolean() }), 'The setting'),
    ...problemResponses(400, 401, 403, 429),
  },
});

/* The customer's servers (secret key) */

const activity = createRoute({
  ...serverRoute,
  method: 'post',
  path: '/activities',
  summary: 'Report learning activity; tokens are credited by the license’s rules',
  description:
    '`units` multiplies the rule (e.g. tokens per currency unit of a purchase). Daily caps apply per ' +
    'learner and activity in the license’s time zone. `displayName` and `classes` update the ' +
    'learner’s leaderboard profile.',
  request: {
    headers: IdempotencyHeader,
    ...body(
      z
        .object({
          learnerId: LearnerId,
          activity: ActivityName,
          units: z.number().int().min(1).max(1_000_000).optional(),
          displayName: z.string().min(1).max(100).optional(),
          classes: z.array(z.string().min(1).max(100)).max(100).optional(),
        })
        .strict(),
    ),
  },
  responses: {
    200: json(EarnResult, 'What was credited'),
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
  request: {
    params: IdParam('id'),
    ...body(z.object({ reason: z.string().min(1).max(200) }).strict()),
  },
  responses: {
    200: json(MoveResult.extend({ shortfall: z.number().int() }), 'The reversal'),
    ...problemResponses(400, 401, 403, 404, 409, 429),
  },
});

const friends = createRoute({
  ...serverRoute,
  method: 'put',
  path: '/friends/{learnerId}',
  summary: "Replace a learner's friend list (for the friends leaderboard)",
  request: {
    params: z.object({
      learnerId: LearnerId.openapi({ param: { name: 'learnerId', in: 'path' } }),
    }),
    ...body(z.object({ friends: z.array(LearnerId).max(5000) }).strict()),
  },
  responses: {
    200: json(z.object({ friends: z.array(z.string()) }), 'The friend list'),
    ...problemResponses(400, 401, 403, 429),
  },
});

/* The customer's admins (secret key, or an admin learner token) */

const grant = createRoute({
  ...adminRoute,
  method: 'post',
  path: '/grants',
  summary: 'Grant bonus tokens to a learner',
  request: {
    headers: IdempotencyHeader,
    ...body(
      z
        .object({ learnerId: LearnerId, amount: Amount, reason: z.string().min(1).max(200) })
        .strict(),
    ),
  },
  responses: { 201: json(MoveResult, 'The bonus'), ...problemResponses(400, 401, 403, 409, 429) },
});

const listRules = createRoute({
  ...adminRoute,
  method: 'get',
  path: '/rules',
  summary: 'Earning rules',
  responses: {
    200: json(z.object({ rules: z.array(Rule) }), 'Rules'),
    ...problemResponses(401, 403, 429),
  },
});

const putRule = createRoute({
  ...adminRoute,
  method: 'put',
  path: '/rules/{activity}',
  summary: 'Set the tokens an activity earns and its daily cap',
  request: {
    params: z.object({
      activity: ActivityName.openapi({ param: { name: 'activity', in: 'path' } }),
    }),
    ...body(z.object({ amount: Amount, dailyCap: z.number().int().min(1).nullable() }).strict()),
  },
  responses: { 200: json(Rule, 'The rule'), ...problemResponses(400, 401, 403, 429) },
});

const deleteRule = createRoute({
  ...adminRoute,
  method: 'delete',
  path: '/rules/{activity}',
  summary: 'Stop an activity from earning tokens',
  request: {
    params: z.object({
      activity: ActivityName.openapi({ param: { name: 'activity', in: 'path' } }),
    }),
  },
  responses: { 204: { description: 'Deleted' }, ...problemResponses(400, 401, 403, 404, 429) },
});

const getSettings = createRoute({
  ...adminRoute,
  method: 'get',
  path: '/settings',
  summary: 'Rewards settings: time zone, token expiry, token name',
  responses: { 200: json(Settings, 'Settings'), ...problemResponses(401, 403, 429) },
});

const putSettings = createRoute({
  ...adminRoute,
  method: 'patch',
  path: '/settings',
  summary: 'Change rewards settings',
  request: body(SettingsInput),
  responses: { 200: json(Settings, 'Settings'), ...problemResponses(400, 401, 403, 429) },
});

const adminCatalog = createRoute({
  ...adminRoute,
  method: 'get',
  path: '/catalog/all',
  summary: 'Every reward, including inactive ones',
  responses: {
    200: json(z.object({ items: z.array(RewardItem) }), 'Rewards'),
    ...problemResponses(401, 403, 429),
  },
});

const createItem = createRoute({
  ...adminRoute,
  method: 'post',
  path: '/catalog',
  summary: 'Add a reward to the catalog',
  request: body(RewardItemInput),
  responses: { 201: json(RewardItem, 'The reward'), ...problemResponses(400, 401, 403, 429) },
});

const updateItem = createRoute({
  ...adminRoute,
  method: 'patch',
  path: '/catalog/{id}',
  summary: 'Change a reward (price, stock, limits, active)',
  request: { params: IdParam('id'), ...body(RewardItemInput.partial()) },
  responses: { 200: json(RewardItem, 'The reward'), ...problemResponses(400, 401, 403, 404, 429) },
});

export const rewardRoutes = createRouter()
  .openapi(wallet, (c) => {
    const { licenseId, learnerId } = who(c);
    const r = rewards(c);
    return c.json(
      {
        balance: r.ledger.balance(licenseId, learnerId),
        tokenName: r.ledger.settings(licenseId).tokenName,
        expiring: r.ledger.expiring(licenseId, learnerId),
        features: r.redemptions.activeFeatures(licenseId, learnerId),
      },
      200,
    );
  })
  .openapi(history, (c) => {
    const { licenseId, learnerId } = who(c);
    const q = c.req.valid('query');
    return c.json(rewards(c).ledger.history(licenseId, learnerId, q), 200);
  })
  .openapi(catalog, (c) => {
    const { licenseId } = who(c);
    return c.json({ items: rewards(c).redemptions.items(licenseId, { activeOnly: true }) }, 200);
  })
  .openapi(redeem, (c) => {
    const { licenseId, learnerId } = who(c);
    const input = c.req.valid('json');
    const key = c.req.valid('header')['idempotency-key'];
    const result = rewards(c).redemptions.redeem(licenseId, learnerId, {
      itemId: input.itemId,
      ...(input.shipping ? { shipping: input.shipping } : {}),
      idempotencyKey: `redeem:${learnerId}:${key}`,
    });
    return c.json(result, 201);
  })
  .openapi(myRedemptions, (c) => {
    const { licenseId, learnerId } = who(c);
    return c.json({ items: rewards(c).redemptions.redemptions(licenseId, { learnerId }) }, 200);
  })
  .openapi(cancel, (c) => {
    const { licenseId, learnerId } = who(c);
    return c.json(
      rewards(c).redemptions.cancel(licenseId, learnerId, c.req.valid('param').id!),
      200,
    );
  })
  .openapi(leaderboard, (c) => {
    const { licenseId, learnerId, learner } = who(c);
    const q = c.req.valid('query');
    const page = rewards(c).leaderboards.board(
      licenseId,
      { learnerId, displayName: learner.name, classes: learner.classes },
      q,
    );
    return c.json(page, 200);
  })
  .openapi(optOut, (c) => {
    const { licenseId, learnerId, learner } = who(c);
    const { optedOut } = c.req.valid('json');
    return c.json(
      rewards(c).leaderboards.setOptOut(licenseId, learnerId, optedOut, learner.name),
      200,
    );
  })
  .openapi(activity, (c) => {
    const licenseId = c.var.license.id;
    const input = c.req.valid('json');
    const r = rewards(c);
    if (input.displayName || input.classes) {
      r.leaderboards.touchProfile(licenseId, input.learnerId, {
        displayName: input.displayName ?? null,
        classes: input.classes ?? [],
      });
    }
    const result = r.ledger.earn(licenseId, {
      learnerId: input.learnerId,
      activity: input.activity,
      ...(input.units !== undefined ? { units: input.units } : {}),
      idempotencyKey: c.req.valid('header')['idempotency-key'],
    });
    return c.json(result, 200);
  })
  .openapi(reverse, (c) => {
    const licenseId = c.var.license.id;
    const { reason } = c.req.valid('json');
    return c.json(rewards(c).ledger.reverse(licenseId, c.req.valid('param').id!, reason), 200);
  })
  .openapi(friends, (c) => {
    const licenseId = c.var.license.id;
    const { learnerId } = c.req.valid('param');
    const list = rewards(c).leaderboards.setFriends(
      licenseId,
      learnerId,
      c.req.valid('json').friends,
    );
    return c.json({ friends: list }, 200);
  })
  .openapi(grant, (c) => {
    const licenseId = c.var.license.id;
    const input = c.req.valid('json');
    const result = rewards(c).ledger.bonus(licenseId, {
      ...input,
      idempotencyKey: c.req.valid('header')['idempotency-key'],
    });
    return c.json(result, 201);
  })
  .openapi(listRules, (c) => c.json({ rules: rewards(c).ledger.rules(c.var.license.id) }, 200))
  .openapi(putRule, (c) => {
    const { activity: name } = c.req.valid('param');
    const input = c.req.valid('json');
    return c.json(rewards(c).ledger.setRule(c.var.license.id, { activity: name, ...input }), 200);
  })
  .openapi(deleteRule, (c) => {
    if (!rewards(c).ledger.deleteRule(c.var.license.id, c.req.valid('param').activity)) {
      throw new ApiError('not_found', 'No rule for this activity.');
    }
    return c.body(null, 204);
  })
  .openapi(getSettings, (c) => c.json(rewards(c).ledger.settings(c.var.license.id), 200))
  .openapi(putSettings, (c) => {
    const input = c.req.valid('json');
    if (input.timeZone !== undefined && !isValidTimeZone(input.timeZone)) {
      throw new ApiError('validation_failed', 'Unknown time zone.', {
        errors: [
          { path: 'body.timeZone', message: 'Expected an IANA time zone such as Europe/Berlin' },
        ],
      });
    }
    return c.json(rewards(c).ledger.updateSettings(c.var.license.id, input), 200);
  })
  .openapi(adminCatalog, (c) =>
    c.json({ items: rewards(c).redemptions.items(c.var.license.id) }, 200),
  )
  .openapi(createItem, (c) =>
    c.json(rewards(c).redemptions.createItem(c.var.license.id, c.req.valid('json')), 201),
  )
  .openapi(updateItem, (c) =>
    c.json(
      rewards(c).redemptions.updateItem(
        c.var.license.id,
        c.req.valid('param').id!,
        c.req.valid('json'),
      ),
      200,
    ),
  );
