import { Hono } from 'hono';
import { ApiError } from '../server/errors.js';
import type { AppEnv } from '../server/types.js';
import { demoLearners, signDemoLearnerToken } from './seed.js';

const LIFETIME_SECONDS = 3600;

/**
 * The demo's stand-in for a customer's backend: it signs a learner token for one of the demo
 * learners, as the customer's own server would after its sign-in. Mounted only while the demo
 * tenant is seeded; a real deployment mints tokens on the customer's side, never here.
 */
export const demoTokenRoutes = new Hono<AppEnv>().post('/token', async (c) => {
  const body: unknown = await c.req.json().catch(() => undefined);
  const subject = (body as { learner?: unknown } | undefined)?.learner;
  const learner = demoLearners.find((l) => l.subject === subject);
  if (!learner) {
    throw new ApiError('validation_failed', '1 field(s) failed validation.', {
      errors: [
        {
          path: 'body.learner',
          message: `must be one of ${demoLearners.map((l) => l.subject).join(', ')}`,
        },
      ],
    });
  }
  const clock = c.get('services').clock;
  const token = await signDemoLearnerToken(learner.subject, {
    clock,
    lifetimeSeconds: LIFETIME_SECONDS,
  });
  c.header('Cache-Control', 'no-store');
  return c.json({
    token,
    expiresAt: new Date(clock.now().getTime() + LIFETIME_SECONDS * 1000).toISOString(),
    learner: { subject: learner.subject, name: learner.name, role: learner.role },
  });
});
