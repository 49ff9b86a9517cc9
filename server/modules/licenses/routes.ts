import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ApiError } from '../../errors.js';
import { requireSecretKey } from '../../middleware/secret-key.js';
import { problemResponses } from '../../openapi.js';
import { chain, createRouter, parseInput } from '../../router.js';
import type { AppEnv } from '../../types.js';
import { LEARNER_TOKEN_AUDIENCE, MAX_TOKEN_LIFETIME_SECONDS } from '../learners/tokens.js';
import { LicenseValidateInput, LicenseValidation, type LicenseValidationCode } from './contract.js';
import { effectivePolicy, RATE_WINDOW_MS } from './plans.js';
import { servicesOf } from '../../context.js';

const validate = createRoute({
  method: 'post',
  path: '/validate',
  tags: ['Licenses'],
  summary: "Validate the license behind a secret key, for the customer's servers",
  description:
    'Answers whether the license is usable and, if not, why (`code`), with its plan, features, ' +
    'limits and usage this month. Unknown, malformed or rotated-out keys are 401 problems; a ' +
    'revoked, suspended, expired or over-limit license is a 200 answer with `valid: false`.',
  security: [{ secretKey: [] }],
  middleware: chain(requireSecretKey({ allowInactive: true })),
  request: {
    // Declared by reference and read by the handler: most callers send no body, and the
    // generic body check would build a full fetch Request for every one of them.
    body: {
      content: { 'application/json': { schema: { $ref: '#/components/schemas/LicenseValidate' } } },
      required: false,
    },
  },
  responses: {
    200: {
      description: 'The verdict and the license it is about',
      content: { 'application/json': { schema: LicenseValidation } },
    },
    ...problemResponses(400, 401, 403, 429),
  },
});

/** The optional JSON body, validated like any other; a request without a body is `{}`. */
async function optionalBody<E extends AppEnv>(c: Context<E>): Promise<LicenseValidateInput> {
  const length = c.req.header('content-length');
  if (c.req.header('transfer-encoding') === undefined && (length === undefined || length === '0')) {
    return {};
  }
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type)) {
    throw new ApiError('unsupported_media_type', 'Send the body as application/json, or no body.');
  }
  let data: unknown;
  try {
    data = await c.req.json();
  } catch {
    throw new ApiError('bad_request', 'The body is not valid JSON.');
  }
  return parseInput(LicenseValidateInput, data);
}

const router = createRouter();
router.openAPIRegistry.register('LicenseValidate', LicenseValidateInput);

export const licenseRoutes = router.openapi(validate, async (c) => {
  const services = servicesOf(c);
  const license = c.var.license;
  const body = await optionalBody(c);
  // The route composes the usage numbers in: licenses hold no reference to the meter.
  const usage = await services.usage.snapshot(license);
  const policy = effectivePolicy(license);

  let verdict: { code: LicenseValidationCode; detail: string } = {
    code: 'valid',
    detail: 'The license is active.',
  };
  const refusal = services.licenses.statusRefusal(license);
  const exhausted = usage.metrics.find((m) => m.exhausted);
  if (refusal) {
    verdict = { code: refusal.code as typeof verdict.code, detail: refusal.detail };
  } else if (
    body.origin !== undefined &&
    !(await services.licenses.allowsOrigin(license, body.origin))
  ) {
    verdict = {
      code: 'origin_not_allowed',
      detail: `The origin ${JSON.stringify(body.origin)} is not among this license's allowed origins.`,
    };
  } else if (exhausted) {
    verdict = {
      code: 'usage_limit_exceeded',
      detail: `The ${exhausted.metric} allowance of ${exhausted.limit} is used up until ${usage.period.resetsAt}.`,
    };
  }
  c.header('Cache-Control', 'no-store');
  return c.json(
    {
      valid: verdict.code === 'valid',
      ...verdict,
      license: {
        id: license.id,
        name: license.name,
        plan: license.plan,
        status: license.status,
        mode: license.mode,
        expiresAt: license.expiresAt?.toISOString() ?? null,
        locale: license.locale,
        currency: license.currency,
        allowedOrigins: license.allowedOrigins,
      },
      features: license.features,
      usage,
      rateLimit: { limit: policy.rateLimitPerMinute, windowSeconds: RATE_WINDOW_MS / 1000 },
      learnerTokens: {
        audience: LEARNER_TOKEN_AUDIENCE,
        issuer: license.id,
        algorithms: license.tokenAlgorithms,
        maxLifetimeSeconds: MAX_TOKEN_LIFETIME_SECONDS,
      },
    },
    200,
  );
});
