import { createMiddleware } from 'hono/factory';
import { ApiError } from '../errors.js';
import type { LearnerEnv } from '../types.js';

/**
 * Lets the request through only when the signed-in learner's tier (or a reward unlock)
 * includes `feature`. Put it after `requireLearner()`:
 *
 *     middleware: [requireLearner(), requireFeature('certificates')] as const
 *
 * Answers `403 feature_required` naming the feature and the learner's tier otherwise.
 */
export function requireFeature(feature: string) {
  return createMiddleware<LearnerEnv>(async (c, next) => {
    const learner = c.var.learner;
    const access = await c.get('services').billing.features.get(learner.licenseId, learner.id);
    if (!access.features.includes(feature)) {
      throw new ApiError(
        'feature_required',
        `Your plan does not include "${feature}". Upgrade to use it.`,
        { extensions: { feature, tier: access.tier } },
      );
    }
    await next();
  });
}
