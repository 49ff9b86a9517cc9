import { createRoute, z } from '@hono/zod-openapi';
import { ApiError } from '../../errors.js';
import { requireOperator } from '../../middleware/operator.js';
import { problemResponses } from '../../openapi.js';
import { chain, createRouter } from '../../router.js';
import { PaymentDetail, RefundInput, RefundView } from './contract.js';
import type { ServicesContext } from '../../context.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const pathParam = (name: string) =>
  z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name, in: 'path' } });

const LicenseParam = z.object({ licenseId: pathParam('licenseId') });
const PaymentParams = LicenseParam.extend({ paymentId: pathParam('paymentId') });

async function license(c: ServicesContext, id: string): Promise<string> {
  if (!(await c.get('services').licenses.getById(id)))
    throw new ApiError('not_found', 'No such license.');
  return id;
}

const list = createRoute({
  method: 'get',
  path: '/{licenseId}',
  tags: ['Admin: payments'],
  security: [{ operatorToken: [] }],
  middleware: chain(requireOperator),
  summary: "A license's payments, newest first, with receipts and refunds",
  request: {
    params: LicenseParam,
    query: z.object({
      status: z.string().max(40).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
  },
  responses: {
    200: json(z.object({ items: z.array(PaymentDetail) }), 'Payments'),
    ...problemResponses(400, 401, 404, 503),
  },
});

const show = createRoute({
  method: 'get',
  path: '/{licenseId}/{paymentId}',
  tags: ['Admin: payments'],
  security: [{ operatorToken: [] }],
  middleware: chain(requireOperator),
  summary: 'One payment with its receipt and refunds',
  request: { params: PaymentParams },
  responses: {
    200: json(PaymentDetail, 'The payment'),
    ...problemResponses(401, 404, 503),
  },
});

const refund = createRoute({
  method: 'post',
  path: '/{licenseId}/{paymentId}/refunds',
  tags: ['Admin: payments'],
  security: [{ operatorToken: [] }],
  middleware: chain(requireOperator),
  summary: 'Refund a payment in full or in part',
  description:
    'Without `amount`, refunds everything not refunded yet. An amount above what is left is ' +
    'refused (409, `reason: amount_exceeds_refundable`, with `refundable`) before Stripe is ' +
    'asked. Repeat with the same `Idempotency-Key` to get the same refund back. The product ' +
    'bought is told (a full refund ends the enrollment) and `refund.created` is sent to the ' +
    "license's webhook endpoints.",
  request: {
    params: PaymentParams,
    headers: z.object({
      'idempotency-key': z
        .string()
        .min(1)
        .max(255)
        .openapi({ param: { name: 'idempotency-key', in: 'header' } }),
    }),
    body: { content: { 'application/json': { schema: RefundInput } }, required: false },
  },
  responses: {
    200: json(RefundView, 'The refund, as Stripe made it'),
    ...problemResponses(400, 401, 404, 409, 503),
  },
});

/** Mounted at `/v1/admin/payments`. */
export const paymentAdminRoutes = createRouter()
  .openapi(list, async (c) => {
    const { licenseId } = c.req.valid('param');
    const { status, limit } = c.req.valid('query');
    const items = await c
      .get('services')
      .payments.list(await license(c, licenseId), { status, limit });
    return c.json({ items }, 200);
  })
  .openapi(show, async (c) => {
    const { licenseId, paymentId } = c.req.valid('param');
    return c.json(
      await c.get('services').payments.detail(await license(c, licenseId), paymentId),
      200,
    );
  })
  .openapi(refund, async (c) => {
    const { licenseId, paymentId } = c.req.valid('param');
    const input = c.req.valid('json') ?? {};
    const result = await c.get('services').payments.refund(await license(c, licenseId), paymentId, {
      ...input,
      idempotencyKey: c.req.valid('header')['idempotency-key'],
    });
    return c.json(result, 200);
  });
