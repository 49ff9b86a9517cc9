import { Hono } from 'hono';
import type { Clock } from '../server/services.js';
import { demoLearners } from './seed.js';
import { signTenantLearnerToken, type DemoTenant } from './seed-portal.js';

const LIFETIME_SECONDS = 3600;

const tenants: readonly DemoTenant[] = ['academy', 'studio'];

function invalid(path: string, message: string) {
  return Response.json(
    {
      type: 'about:blank',
      title: 'Validation failed',
      status: 400,
      code: 'validation_failed',
      errors: [{ path, message }],
    },
    { status: 400, headers: { 'Content-Type': 'application/problem+json' } },
  );
}

/**
 * The demo's stand-in for a customer's backend: after its own sign-in (here: picking a demo
 * learner), it signs a short-lived learner token with the license's signing secret. It runs on
 * the portal's origin, never on the kit's server: a real deployment mints tokens on the
 * customer's side.
 */
export function demoTokenRoutes(clock: Clock) {
  return new Hono().post('/token', async (c) => {
    const body = (await c.req.json().catch(() => undefined)) as
      { learner?: unknown; tenant?: unknown } | undefined;
    const learner = demoLearners.find((l) => l.subject === body?.learner);
    if (!learner) {
      return invalid(
        'body.learner',
        `must be one of ${demoLearners.map((l) => l.subject).join(', ')}`,
      );
    }
    const tenant = (body?.tenant ?? 'academy') as DemoTenant;
    if (!tenants.includes(tenant)) return invalid('body.tenant', 'must be academy or studio');
    const token = await signTenantLearnerToken(tenant, learner.subject, {
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
}
