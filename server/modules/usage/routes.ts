import { createRoute } from '@hono/zod-openapi';
import { ApiError } from '../../errors.js';
import { requireTenantAdmin } from '../../middleware/learner.js';
import { problemResponses, tenantAdminSecurity } from '../../openapi.js';
import { chain, createRouter } from '../../router.js';
import { effectivePolicy } from '../licenses/plans.js';
import { UsageHistoryQuery, UsageReport } from './contract.js';
import { dayOf, dayStartOf, periodAt } from './period.js';

const MAX_DAYS = 366;

function rangeError(path: string, message: string): ApiError {
  return new ApiError('validation_failed', '1 field(s) failed validation.', {
    errors: [{ path, message }],
  });
}

const report = createRoute({
  method: 'get',
  path: '/',
  tags: ['Usage'],
  summary: 'Usage against the plan limits, with daily history',
  description:
    "For the usage dashboard (publishable key + admin learner token) and the customer's servers " +
    "(secret key). This month's usage per metric against its limit, and counts per UTC day.",
  security: tenantAdminSecurity,
  // The admin has to see why the license is refused: a used-up request allowance does not
  // refuse the report (it is counted while the allowance lasts, and not past it).
  middleware: chain(requireTenantAdmin({ admission: 'observe' })),
  request: { query: UsageHistoryQuery },
  responses: {
    200: { description: 'Usage', content: { 'application/json': { schema: UsageReport } } },
    ...problemResponses(400, 401, 403, 429, 503),
  },
});

export const usageRoutes = createRouter().openapi(report, async (c) => {
  const services = c.get('services');
  const license = c.var.license;
  const query = c.req.valid('query');
  const now = services.clock.now().getTime();
  const to = query.to ?? dayOf(now);
  const from = query.from ?? dayOf(periodAt(dayStartOf(to)).monthStart);
  const days = (dayStartOf(to) - dayStartOf(from)) / 86_400_000 + 1;
  if (days < 1)
    throw rangeError(query.to ? 'query.to' : 'query.from', 'the range ends before it starts');
  if (days > MAX_DAYS) throw rangeError('query.to', `a range covers at most ${MAX_DAYS} days`);
  const summary = await services.usage.snapshot(license);
  const daily = await services.usage.history(license.id, from, to);
  c.header('Cache-Control', 'private, no-store');
  return c.json(
    {
      license: {
        id: license.id,
        name: license.name,
        plan: license.plan,
        status: license.status,
        expiresAt: license.expiresAt?.toISOString() ?? null,
      },
      ...summary,
      rateLimit: { perMinute: effectivePolicy(license).rateLimitPerMinute },
      daily,
    },
    200,
  );
});
