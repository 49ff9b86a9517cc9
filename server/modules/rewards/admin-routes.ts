import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ApiError } from '../../errors.js';
import { requireOperator } from '../../middleware/operator.js';
import { problemResponses } from '../../openapi.js';
import { createRouter } from '../../router.js';
import type { AppEnv } from '../../types.js';
import { Amount, IdempotencyHeader, LearnerId, MoveResult, Redemption } from './openapi.js';
import { redemptionStatuses } from './schema.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const common = {
  tags: ['Admin: rewards'],
  security: [{ operatorToken: [] }],
  middleware: [requireOperator],
};

const LicenseParam = z.object({
  licenseId: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'licenseId', in: 'path' } }),
});

const RedemptionParams = LicenseParam.extend({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

const NoteInput = z.object({ note: z.string().max(1000).nullable().optional() }).strict();

/** The operator may act on any license, but only one that exists. */
function license(c: Context<AppEnv>, id: string): string {
  if (!c.get('services').licenses.getById(id)) throw new ApiError('not_found', 'No such license.');
  return id;
}

const list = createRoute({
  ...common,
  method: 'get',
  path: '/{licenseId}/redemptions',
  summary: "A license's redemptions, newest first",
  request: {
    params: LicenseParam,
    query: z.object({
      status: z.enum(redemptionStatuses).optional(),
      learnerId: LearnerId.optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
  },
  responses: {
    200: json(
      z.object({ items: z.array(Redemption.extend({ learnerId: z.string() })) }),
      'Redemptions',
    ),
    ...problemResponses(400, 401, 404, 503),
  },
});

const transition = (action: 'fulfil' | 'reject', summary: string) =>
  createRoute({
    ...common,
    method: 'post',
    path: `/{licenseId}/redemptions/{id}/${action}`,
    summary,
    request: {
      params: RedemptionParams,
      body: { content: { 'application/json': { schema: NoteInput } }, required: false },
    },
    responses: {
      200: json(Redemption, 'The redemption'),
      ...problemResponses(400, 401, 404, 409, 503),
    },
  });

const fulfil = transition(
  'fulfil',
  'Mark a requested redemption fulfilled (shipped, sent to the partner)',
);
const reject = transition(
  'reject',
  'Reject a requested redemption; the tokens and stock come back',
);

const grant = createRoute({
  ...common,
  method: 'post',
  path: '/{licenseId}/grants',
  summary: 'Grant bonus tokens to a learner of a license',
  request: {
    params: LicenseParam,
    headers: IdempotencyHeader,
    body: {
      content: {
        'application/json': {
          schema: z
            .object({ learnerId: LearnerId, amount: Amount, reason: z.string().min(1).max(200) })
            .strict(),
        },
      },
      required: true,
    },
  },
  responses: { 201: json(MoveResult, 'The bonus'), ...problemResponses(400, 401, 404, 409, 503) },
});

const check = createRoute({
  ...common,
  method: 'get',
  path: '/check',
  summary: 'Prove the ledger balances: postings sum to zero, balances equal their replay',
  request: { query: z.object({ licenseId: z.string().min(1).max(100).optional() }) },
  responses: {
    200: json(
      z.object({
        ok: z.boolean(),
        transactions: z.number().int(),
        postings: z.number().int(),
        accounts: z.number().int(),
        problems: z.array(z.string()),
      }),
      'The result',
    ),
    ...problemResponses(400, 401, 503),
  },
});

/** The operator's optional note; the body may be left out entirely. */
function note(body: { note?: string | null } | undefined): string | null {
  return body?.note ?? null;
}

export const rewardAdminRoutes = createRouter()
  .openapi(check, (c) =>
    c.json(c.get('services').rewards.ledger.check(c.req.valid('query').licenseId), 200),
  )
  .openapi(list, (c) => {
    const { licenseId } = c.req.valid('param');
    const q = c.req.valid('query');
    const items = c
      .get('services')
      .rewards.redemptions.redemptionsWithLearner(license(c, licenseId), {
        limit: q.limit,
        ...(q.status ? { status: q.status } : {}),
        ...(q.learnerId ? { learnerId: q.learnerId } : {}),
      });
    return c.json({ items }, 200);
  })
  .openapi(fulfil, (c) => {
    const { licenseId, id } = c.req.valid('param');
    const text = note(c.req.valid('json'));
    return c.json(
      c.get('services').rewards.redemptions.fulfil(license(c, licenseId), id, text),
      200,
    );
  })
  .openapi(reject, (c) => {
    const { licenseId, id } = c.req.valid('param');
    const text = note(c.req.valid('json'));
    return c.json(
      c.get('services').rewards.redemptions.reject(license(c, licenseId), id, text),
      200,
    );
  })
  .openapi(grant, (c) => {
    const { licenseId } = c.req.valid('param');
    const input = c.req.valid('json');
    const result = c.get('services').rewards.ledger.bonus(license(c, licenseId), {
      ...input,
      idempotencyKey: `operator:${c.req.valid('header')['idempotency-key']}`,
    });
    return c.json(result, 201);
  });
