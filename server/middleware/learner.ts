import type { Context, Next } from 'hono';
import { createMiddleware } from 'hono/factory';
import { ApiError } from '../errors.js';
import type { AppEnv } from '../types.js';
import { admit, bearer, setUsageWarnings } from './admission.js';
import { authenticateSecretKey } from './secret-key.js';

async function withLearner(c: Context<AppEnv>, next: Next, admin: boolean): Promise<void> {
  const services = c.get('services');
  const license = services.licenses.requirePublishable(
    c.req.header('liberation-key'),
    c.req.header('origin'),
  );
  c.set('license', license);
  c.set('credential', 'pk');
  await admit(c, async () => {
    const token = bearer(c);
    if (!token) {
      throw new ApiError(
        'unauthenticated',
        'Sign the learner in: send their token as `Authorization: Bearer <JWT>`.',
      );
    }
    const learner = await services.learners.authenticate(license, token);
    const { refusal, warnings } = services.usage.seeLearner(license, learner.subject);
    setUsageWarnings(c, warnings);
    if (refusal) throw refusal;
    if (admin && learner.role !== 'admin') {
      throw new ApiError('forbidden', 'This needs a learner token with `role: "admin"`.');
    }
    c.set('learner', learner);
    await next();
  });
}

/**
 * Requires the publishable key and a learner token signed for its license, and puts the
 * learner on the context. A token issued for another license is refused: its `iss` and
 * signature only fit the license it was made for.
 */
export function requireLearner() {
  return createMiddleware<AppEnv>((c, next) => withLearner(c, next, false));
}

/** Like {@link requireLearner}, for learners whose token says `role: "admin"`. */
export function requireAdminLearner() {
  return createMiddleware<AppEnv>((c, next) => withLearner(c, next, true));
}

/**
 * The customer's administrators: its servers with the secret key, or a person in a widget
 * with an admin learner token (plus the publishable key).
 */
export function requireTenantAdmin() {
  return createMiddleware<AppEnv>((c, next) =>
    bearer(c)?.startsWith('sk_') ? authenticateSecretKey(c, next) : withLearner(c, next, true),
  );
}
