import type { Context, Next } from 'hono';
import { createMiddleware } from 'hono/factory';
import { ApiError } from '../errors.js';
import type { Learner } from '../modules/learners/service.js';
import type { LearnerEnv, LicensedEnv } from '../types.js';
import { bearer, setUsageWarnings, type AdmissionMode } from './admission.js';
import { withLicense } from './license.js';
import { authenticateSecretKey } from './secret-key.js';
import { servicesOf } from '../context.js';

/**
 * Verifies the learner token in `Authorization: Bearer <JWT>` (if `required`, refusing a
 * request without one) against the license on the context, counts the learner as active, and
 * puts them on the context.
 */
export async function identifyLearner<E extends LicensedEnv>(
  c: Context<E>,
  options: { required: boolean; admin?: boolean },
): Promise<Learner | undefined> {
  const token = bearer(c);
  if (!token) {
    if (!options.required) return undefined;
    throw new ApiError(
      'unauthenticated',
      'Sign the learner in: send their token as `Authorization: Bearer <JWT>`.',
    );
  }
  const services = servicesOf(c);
  const license = c.get('license');
  const learner = await services.learners.authenticate(license, token);
  const { refusal, warnings } = await services.usage.seeLearner(license, learner.subject);
  setUsageWarnings(c, warnings);
  if (refusal) throw refusal;
  if (options.admin && learner.role !== 'admin') {
    throw new ApiError('forbidden', 'This needs a learner token with `role: "admin"`.');
  }
  c.set('learner', learner);
  return learner;
}

function withLearner(
  c: Context<LearnerEnv>,
  next: Next,
  admin: boolean,
  mode: AdmissionMode = 'enforce',
): Promise<void> {
  return withLicense(
    c,
    async () => {
      await identifyLearner(c, { required: true, admin });
      await next();
    },
    mode,
  );
}

/**
 * Requires the publishable key and a learner token signed for its license, and puts the
 * learner on the context. A token issued for another license is refused: its `iss` and
 * signature only fit the license it was made for.
 */
export function requireLearner() {
  return createMiddleware<LearnerEnv>((c, next) => withLearner(c, next, false));
}

/**
 * The customer's administrators: its servers with the secret key, or a person in a widget
 * with an admin learner token (plus the publishable key). `admission` says how a used-up
 * monthly request allowance meets them (see `AdmissionMode`).
 */
export function requireTenantAdmin(options: { admission?: AdmissionMode } = {}) {
  const mode = options.admission ?? 'enforce';
  return createMiddleware<LicensedEnv>((c, next) =>
    bearer(c)?.startsWith('sk_')
      ? authenticateSecretKey(c, next, { admission: mode })
      : withLearner(c as Context<LearnerEnv>, next, true, mode),
  );
}
