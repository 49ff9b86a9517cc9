import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../types.js';
import { admit } from './admission.js';

/**
 * Requires a valid publishable key (`Liberation-Key` header) usable from the request's
 * origin, and puts the license on the context. Then applies the license's rate limit and
 * counts the request against its monthly allowance. Refusals are problem+json with a code
 * that says exactly why.
 */
export const requireLicense = createMiddleware<AppEnv>(async (c, next) => {
  const license = c
    .get('services')
    .licenses.requirePublishable(c.req.header('liberation-key'), c.req.header('origin'));
  c.set('license', license);
  c.set('credential', 'pk');
  await admit(c, next);
});
