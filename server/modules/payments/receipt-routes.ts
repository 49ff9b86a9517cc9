import { randomBytes } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { requireLearner } from '../../middleware/learner.js';
import { problemResponses } from '../../openapi.js';
import { chain, createRouter } from '../../router.js';
import { ReceiptPage, ReceiptView } from './contract.js';
import { receiptPage } from './receipt-page.js';

const ReceiptParam = z.object({
  receiptId: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'receiptId', in: 'path' } }),
});

const getReceipt = createRoute({
  tags: ['Payments'],
  security: [{ publishableKey: [], learnerToken: [] }],
  middleware: chain(requireLearner()),
  method: 'get',
  path: '/{receiptId}',
  summary: 'A receipt of the signed-in learner',
  request: { params: ReceiptParam },
  responses: {
    200: { description: 'The receipt', content: { 'application/json': { schema: ReceiptView } } },
    ...problemResponses(401, 403, 404, 429),
  },
});

const receiptHtml = createRoute({
  method: 'get',
  path: '/{receiptId}/html',
  tags: ['Payments'],
  summary: 'The printable receipt page, opened from a signed link',
  description:
    'Needs no Authorization header: `access` (from `receiptUrl` of the payment) is an expiry ' +
    'and an HMAC over the receipt, its learner and that expiry. A forged, altered or expired ' +
    'link is refused. The page is themed with the license theme.',
  request: {
    params: ReceiptParam,
    query: z.object({ access: z.string().min(1).max(200) }),
  },
  responses: {
    200: {
      description: 'The receipt as an HTML page',
      content: { 'text/html': { schema: z.string() } },
    },
    ...problemResponses(400, 403, 404),
  },
});

export const receiptRoutes = createRouter()
  .openapi(getReceipt, async (c) => {
    const receipt = await c
      .get('services')
      .payments.receipts.get(c.var.learner, c.req.valid('param').receiptId);
    c.header('Cache-Control', 'private, no-store');
    return c.json(receipt, 200);
  })
  .openapi(receiptHtml, async (c) => {
    const services = c.get('services');
    const { view, licenseId } = await services.payments.receipts.byLink(
      c.req.valid('param').receiptId,
      c.req.valid('query').access,
    );
    const license = await services.licenses.getById(licenseId);
    const nonce = randomBytes(16).toString('base64');
    const html = receiptPage({
      receipt: view,
      seller: license?.name ?? '',
      locale: license?.locale ?? 'en',
      theme: (await services.themes.live(licenseId)).theme,
      nonce,
    });
    return c.body(html, 200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'private, no-store',
      // The link's access code must not travel on to other sites.
      'Referrer-Policy': 'no-referrer',
      'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${nonce}'; img-src https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      'X-Frame-Options': 'DENY',
      'X-Robots-Tag': 'noindex',
    });
  });

const listReceipts = createRoute({
  tags: ['Payments'],
  security: [{ publishableKey: [], learnerToken: [] }],
  middleware: chain(requireLearner()),
  method: 'get',
  path: '/',
  summary: "The signed-in learner's receipts, newest first",
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(100).default(20),
      before: z.coerce
        .number()
        .int()
        .min(1)
        .optional()
        .openapi({ description: '`nextBefore` of the previous page' }),
    }),
  },
  responses: {
    200: {
      description: 'A page of receipts',
      content: {
        'application/json': {
          schema: ReceiptPage,
        },
      },
    },
    ...problemResponses(400, 401, 403, 429),
  },
});

/** Mounted at `/v1/me/receipts`. */
export const myReceiptRoutes = createRouter().openapi(listReceipts, async (c) => {
  const { limit, before } = c.req.valid('query');
  const page = await c.get('services').payments.receipts.list(c.var.learner, { limit, before });
  c.header('Cache-Control', 'private, no-store');
  return c.json(page, 200);
});
