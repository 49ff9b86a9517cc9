import { createRoute, z } from '@hono/zod-openapi';
import { requireOperator } from '../../middleware/operator.js';
import { problemResponses } from '../../openapi.js';
import { chain, createRouter } from '../../router.js';
import {
  AdminLicense,
  CreatedLicense,
  LicenseCreateInput,
  LicenseListQuery,
  LicenseUpdateInput,
  RotatedKey,
  RotateInput,
  StatusChangeInput,
  UpdatedLicense,
} from './contract.js';

const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'lic_3J8kq0Wm2LxYv7Rb1NcZ' }),
});

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const body = <T extends z.ZodType>(schema: T, required = true) => ({
  body: { content: { 'application/json': { schema } }, required },
});

const common = {
  tags: ['Admin: licenses'],
  security: [{ operatorToken: [] }],
  middleware: chain(requireOperator),
};

const create = createRoute({
  ...common,
  method: 'post',
  path: '/',
  summary: 'Create a license',
  description:
    'Returns the secret key and signing secret once; only their hash / sealed form is kept.',
  request: body(LicenseCreateInput),
  responses: {
    201: json(CreatedLicense, 'The new license and its secrets'),
    ...problemResponses(400, 401, 503),
  },
});

const list = createRoute({
  ...common,
  method: 'get',
  path: '/',
  summary: 'List licenses',
  request: { query: LicenseListQuery },
  responses: {
    200: json(z.object({ licenses: z.array(AdminLicense) }), 'Licenses, oldest first'),
    ...problemResponses(400, 401, 503),
  },
});

const show = createRoute({
  ...common,
  method: 'get',
  path: '/{id}',
  summary: 'Show a license with its usage',
  request: { params: IdParam },
  responses: {
    200: json(AdminLicense, 'The license'),
    ...problemResponses(401, 404, 503),
  },
});

const update = createRoute({
  ...common,
  method: 'patch',
  path: '/{id}',
  summary: 'Change a license',
  description:
    'Fields left out stay as they are. Lists (origins, features) are replaced. In `limits`, ' +
    '`limitEnforcement` and `rateLimitPerMinute`, "default" drops the override.',
  request: { params: IdParam, ...body(LicenseUpdateInput) },
  responses: {
    200: json(UpdatedLicense, 'The changed license'),
    ...problemResponses(400, 401, 404, 409, 503),
  },
});

const statusRoute = (action: 'suspend' | 'resume' | 'revoke', summary: string) =>
  createRoute({
    ...common,
    method: 'post',
    path: `/{id}/${action}`,
    summary,
    request: { params: IdParam, ...body(StatusChangeInput, false) },
    responses: {
      200: json(AdminLicense, 'The license after the change'),
      ...problemResponses(400, 401, 404, 409, 503),
    },
  });

const rotate = createRoute({
  ...common,
  method: 'post',
  path: '/{id}/rotate',
  summary: 'Rotate the secret key or the signing secret',
  description:
    'Issues a new key and shows it once. The previous key keeps working for `overlapSeconds` ' +
    '(default 24 h); keys older than that stop at once.',
  request: { params: IdParam, ...body(RotateInput) },
  responses: {
    200: json(RotatedKey, 'The new key'),
    ...problemResponses(400, 401, 404, 409, 503),
  },
});

export const adminLicenseRoutes = createRouter()
  .openapi(create, async (c) => {
    return c.json(await c.get('services').licenseAdmin.create(c.req.valid('json')), 201);
  })
  .openapi(list, async (c) => {
    return c.json(
      { licenses: await c.get('services').licenseAdmin.list(c.req.valid('query')) },
      200,
    );
  })
  .openapi(show, async (c) => {
    return c.json(await c.get('services').licenseAdmin.view(c.req.valid('param').id), 200);
  })
  .openapi(update, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await c.get('services').licenseAdmin.update(id, c.req.valid('json')), 200);
  })
  .openapi(statusRoute('suspend', 'Suspend a license (reversible)'), async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await c.get('services').licenseAdmin.suspend(id, c.req.valid('json')), 200);
  })
  .openapi(statusRoute('resume', 'Resume a suspended license'), async (c) => {
    return c.json(await c.get('services').licenseAdmin.resume(c.req.valid('param').id), 200);
  })
  .openapi(statusRoute('revoke', 'Revoke a license for good'), async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await c.get('services').licenseAdmin.revoke(id, c.req.valid('json')), 200);
  })
  .openapi(rotate, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await c.get('services').licenseAdmin.rotate(id, c.req.valid('json')), 200);
  });
