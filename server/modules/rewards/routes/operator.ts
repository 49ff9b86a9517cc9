import { createRoute } from '@hono/zod-openapi';
import { jsonResponse, pathParam, problemResponses } from '../../../openapi.js';
import { existingLicense, LicenseParam, operatorRoute } from '../../../operator-routes.js';
import { createRouter } from '../../../router.js';
import {
  GrantInput,
  IdempotencyHeader,
  LedgerCheck,
  LedgerCheckQuery,
  MoveResult,
  OperatorRedemptionList,
  OperatorRedemptionQuery,
  RedemptionNote,
  RedemptionView,
} from '../contract.js';
import { jsonBody } from './shared.js';

const common = operatorRoute('Admin: rewards');

const RedemptionParams = LicenseParam.extend({ id: pathParam('id') });

const list = createRoute({
  ...common,
  method: 'get',
  path: '/{licenseId}/redemptions',
  summary: "A license's redemptions, newest first",
  request: {
    params: LicenseParam,
    query: OperatorRedemptionQuery,
  },
  responses: {
    200: jsonResponse(OperatorRedemptionList, 'Redemptions'),
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
      body: { content: { 'application/json': { schema: RedemptionNote } }, required: false },
    },
    responses: {
      200: jsonResponse(RedemptionView, 'The redemption'),
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
    ...jsonBody(GrantInput),
  },
  responses: {
    201: jsonResponse(MoveResult, 'The bonus'),
    ...problemResponses(400, 401, 404, 409, 503),
  },
});

const check = createRoute({
  ...common,
  method: 'get',
  path: '/check',
  summary: 'Prove the ledger balances: postings sum to zero, balances equal their replay',
  request: { query: LedgerCheckQuery },
  responses: {
    200: jsonResponse(LedgerCheck, 'The result'),
    ...problemResponses(400, 401, 503),
  },
});

/** The operator's optional note; the body may be left out entirely. */
function note(body: { note?: string | null } | undefined): string | null {
  return body?.note ?? null;
}

/** `/v1/admin/rewards` for the operator (`OPERATOR_TOKEN`). */
export const rewardAdminRoutes = createRouter()
  .openapi(check, async (c) =>
    c.json(await c.get('services').rewards.ledger.check(c.req.valid('query').licenseId), 200),
  )
  .openapi(list, async (c) => {
    const { licenseId } = c.req.valid('param');
    const q = c.req.valid('query');
    const items = await c
      .get('services')
      .rewards.redemptions.redemptionsWithLearner(await existingLicense(c, licenseId), {
        limit: q.limit,
        ...(q.status ? { status: q.status } : {}),
        ...(q.learnerId ? { learnerId: q.learnerId } : {}),
      });
    return c.json({ items }, 200);
  })
  .openapi(fulfil, async (c) => {
    const { licenseId, id } = c.req.valid('param');
    const text = note(c.req.valid('json'));
    return c.json(
      await c
        .get('services')
        .rewards.redemptions.fulfil(await existingLicense(c, licenseId), id, text),
      200,
    );
  })
  .openapi(reject, async (c) => {
    const { licenseId, id } = c.req.valid('param');
    const text = note(c.req.valid('json'));
    return c.json(
      await c
        .get('services')
        .rewards.redemptions.reject(await existingLicense(c, licenseId), id, text),
      200,
    );
  })
  .openapi(grant, async (c) => {
    const { licenseId } = c.req.valid('param');
    const input = c.req.valid('json');
    const result = await c
      .get('services')
      .rewards.ledger.bonus(await existingLicense(c, licenseId), {
        ...input,
        idempotencyKey: `operator:${c.req.valid('header')['idempotency-key']}`,
      });
    return c.json(result, 201);
  });
