import { createRoute, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { requireSecretKey } from '../../middleware/secret-key.js';
import { pathParam, problemResponses } from '../../openapi.js';
import { existingLicense, LicenseParam, operatorRoute } from '../../operator-routes.js';
import { chain, createRouter } from '../../router.js';
import type { AppEnv, LicensedEnv } from '../../types.js';
import {
  WebhookDelivery,
  WebhookDeliveryQuery,
  WebhookEndpoint,
  WebhookEndpointCreated,
  WebhookEndpointInput,
  WebhookEndpointPatch,
  WebhookReplayInput,
} from './contract.js';
import type { WebhookService } from './service.js';
import type { ServicesContext } from '../../context.js';

const EndpointParam = z.object({ endpointId: pathParam('endpointId') });
const DeliveryParam = z.object({ deliveryId: pathParam('deliveryId') });

const svc = (c: ServicesContext): WebhookService => c.get('services').webhooks;

/** The license acted for: the path's (operator, which must exist) or the secret key's. */
async function lic(c: Context<AppEnv>): Promise<string> {
  const fromKey = c.get('license');
  if (fromKey) return fromKey.id;
  return existingLicense(c, c.req.param('licenseId') ?? '');
}

/**
 * Who calls and for which license: the operator names any license in the path
 * (`/v1/admin/webhooks/{licenseId}/…`); a customer's server acts for its own with its secret key
 * (`/v1/webhooks/…`). The endpoints are the same for both.
 */
interface Access {
  tags: string[];
  security: Record<string, string[]>[];
  middleware: MiddlewareHandler<LicensedEnv>[] | MiddlewareHandler<AppEnv>[];
  /** What stands before `/endpoints` and `/deliveries`. */
  prefix: string;
  /** The path parameters of `prefix`: the license's, or none. */
  params: z.ZodObject<Partial<typeof LicenseParam.shape>>;
}

const operatorAccess: Access = {
  ...operatorRoute('Admin: webhooks'),
  prefix: '/{licenseId}',
  params: LicenseParam,
};

const secretKeyAccess: Access = {
  tags: ['Webhooks'],
  security: [{ secretKey: [] }],
  middleware: chain(requireSecretKey()),
  prefix: '',
  params: z.object({}),
};

/** The webhook endpoints and deliveries of one license, reached as `access` says. */
function webhookRouter(access: Access) {
  const { prefix, params, ...guard } = access;
  const endpointParams = params.extend(EndpointParam.shape);
  const deliveryParams = params.extend(DeliveryParam.shape);

  const listEndpoints = createRoute({
    ...guard,
    method: 'get',
    path: `${prefix}/endpoints`,
    summary: 'List the webhook endpoints',
    request: { params },
    responses: {
      200: {
        description: 'The endpoints',
        content: { 'application/json': { schema: z.object({ items: z.array(WebhookEndpoint) }) } },
      },
      ...problemResponses(401, 403, 404, 503),
    },
  });

  const createEndpoint = createRoute({
    ...guard,
    method: 'post',
    path: `${prefix}/endpoints`,
    summary: 'Add a webhook endpoint (its secret is shown once)',
    request: {
      params,
      body: { content: { 'application/json': { schema: WebhookEndpointInput } }, required: true },
    },
    responses: {
      201: {
        description: 'The endpoint and its signing secret, shown only now',
        content: { 'application/json': { schema: WebhookEndpointCreated } },
      },
      ...problemResponses(400, 401, 403, 404, 503),
    },
  });

  const updateEndpoint = createRoute({
    ...guard,
    method: 'patch',
    path: `${prefix}/endpoints/{endpointId}`,
    summary: 'Change a webhook endpoint (URL, description, event types, active or disabled)',
    request: {
      params: endpointParams,
      body: { content: { 'application/json': { schema: WebhookEndpointPatch } }, required: true },
    },
    responses: {
      200: {
        description: 'The endpoint',
        content: { 'application/json': { schema: WebhookEndpoint } },
      },
      ...problemResponses(400, 401, 403, 404, 503),
    },
  });

  const deleteEndpoint = createRoute({
    ...guard,
    method: 'delete',
    path: `${prefix}/endpoints/{endpointId}`,
    summary: 'Remove a webhook endpoint with its delivery log',
    request: { params: endpointParams },
    responses: {
      204: { description: 'Removed' },
      ...problemResponses(401, 403, 404, 503),
    },
  });

  const listDeliveries = createRoute({
    ...guard,
    method: 'get',
    path: `${prefix}/deliveries`,
    summary: 'Deliveries, newest first',
    request: { params, query: WebhookDeliveryQuery },
    responses: {
      200: {
        description: 'Deliveries',
        content: { 'application/json': { schema: z.object({ items: z.array(WebhookDelivery) }) } },
      },
      ...problemResponses(400, 401, 403, 404, 503),
    },
  });

  const showDelivery = createRoute({
    ...guard,
    method: 'get',
    path: `${prefix}/deliveries/{deliveryId}`,
    summary: 'One delivery with the log of its attempts',
    request: { params: deliveryParams },
    responses: {
      200: {
        description: 'The delivery',
        content: { 'application/json': { schema: WebhookDelivery } },
      },
      ...problemResponses(401, 403, 404, 503),
    },
  });

  const replayDelivery = createRoute({
    ...guard,
    method: 'post',
    path: `${prefix}/deliveries/{deliveryId}/replay`,
    summary: 'Send a delivery again, with a fresh set of attempts',
    request: { params: deliveryParams },
    responses: {
      200: {
        description: 'The delivery, due now',
        content: { 'application/json': { schema: WebhookDelivery } },
      },
      ...problemResponses(401, 403, 404, 503),
    },
  });

  const replayFailed = createRoute({
    ...guard,
    method: 'post',
    path: `${prefix}/deliveries/replay`,
    summary: 'Send again every delivery given up since a time',
    request: {
      params,
      body: { content: { 'application/json': { schema: WebhookReplayInput } }, required: true },
    },
    responses: {
      200: {
        description: 'How many deliveries are due again',
        content: { 'application/json': { schema: z.object({ replayed: z.number().int() }) } },
      },
      ...problemResponses(400, 401, 403, 404, 503),
    },
  });

  return createRouter()
    .openapi(listEndpoints, async (c) => {
      return c.json({ items: await svc(c).endpoints.list(await lic(c)) }, 200);
    })
    .openapi(createEndpoint, async (c) => {
      return c.json(await svc(c).endpoints.create(await lic(c), c.req.valid('json')), 201);
    })
    .openapi(updateEndpoint, async (c) => {
      return c.json(
        await svc(c).endpoints.update(
          await lic(c),
          c.req.valid('param').endpointId,
          c.req.valid('json'),
        ),
        200,
      );
    })
    .openapi(deleteEndpoint, async (c) => {
      await svc(c).endpoints.delete(await lic(c), c.req.valid('param').endpointId);
      return c.body(null, 204);
    })
    .openapi(listDeliveries, async (c) => {
      const q = c.req.valid('query');
      return c.json(
        {
          items: await svc(c).deliveries.list(await lic(c), {
            ...q,
            since: q.since ? new Date(q.since) : undefined,
          }),
        },
        200,
      );
    })
    .openapi(showDelivery, async (c) => {
      return c.json(
        await svc(c).deliveries.get(await lic(c), c.req.valid('param').deliveryId),
        200,
      );
    })
    .openapi(replayDelivery, async (c) => {
      return c.json(
        await svc(c).deliveries.replay(await lic(c), c.req.valid('param').deliveryId),
        200,
      );
    })
    .openapi(replayFailed, async (c) => {
      const since = new Date(c.req.valid('json').since);
      return c.json({ replayed: await svc(c).deliveries.replayFailed(await lic(c), since) }, 200);
    });
}

/** Mounted at `/v1/admin/webhooks`. */
export const webhookAdminRoutes = webhookRouter(operatorAccess);

/** Mounted at `/v1/webhooks`. */
export const webhookRoutes = webhookRouter(secretKeyAccess);
