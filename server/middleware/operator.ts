import { createMiddleware } from 'hono/factory';
import { ApiError } from '../errors.js';
import { constantTimeEqual } from '../modules/licenses/secrets.js';
import type { AppEnv } from '../types.js';
import { bearer } from './admission.js';

/** Guards the admin API with `OPERATOR_TOKEN`; without it the admin API is switched off. */
export const requireOperator = createMiddleware<AppEnv>(async (c, next) => {
  const expected = c.get('services').config.operatorToken;
  if (!expected) {
    throw new ApiError(
      'admin_api_disabled',
      'The admin API is off because OPERATOR_TOKEN is not set. Set it, or use `npm run admin`.',
    );
  }
  const token = bearer(c);
  if (!token || !constantTimeEqual(token, expected)) {
    throw new ApiError(
      'unauthenticated',
      'The admin API needs `Authorization: Bearer <OPERATOR_TOKEN>`.',
    );
  }
  await next();
});
