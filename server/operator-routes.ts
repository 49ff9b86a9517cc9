import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ApiError } from './errors.js';
import { requireOperator } from './middleware/operator.js';
import { pathParam } from './openapi.js';
import type { AppEnv } from './types.js';

/** What every route of the admin API declares: its tag, the operator token and its guard. */
export function operatorRoute(tag: string) {
  return {
    tags: [tag],
    security: [{ operatorToken: [] }],
    middleware: [requireOperator],
  };
}

/** The `{licenseId}` of the admin API's paths. */
export const LicenseParam = z.object({ licenseId: pathParam('licenseId') });

/** The license an admin route names: the operator may act on any license, but only one that exists. */
export async function existingLicense(c: Context<AppEnv>, id: string): Promise<string> {
  if (!(await c.get('services').licenses.getById(id)))
    throw new ApiError('not_found', 'No such license.');
  return id;
}
