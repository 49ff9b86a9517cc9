import { z } from '@hono/zod-openapi';
import { usageMetricNames, type UsageMetric } from '../usage/metrics.js';

/** Response shapes of the licensing endpoints, for validation of handlers and the OpenAPI document. */

const metricEnum = z.enum(usageMetricNames as [UsageMetric, ...UsageMetric[]]);
const Enforcement = z.enum(['hard', 'soft']);
const DateTime = z.string().openapi({ format: 'date-time' });

const EffectiveLimitSchema = z.object({
  max: z.number().int().nullable().openapi({ description: 'Monthly allowance; null is unlimited' }),
  enforcement: Enforcement,
  source: z.enum(['plan', 'license']),
});

const KeyInfoSchema = z
  .object({
    id: z.string(),
    hint: z.string().openapi({ description: 'Last four characters' }),
    createdAt: DateTime,
    expiresAt: DateTime.nullable().openapi({
      description: 'Set while a rotated-out key is still honoured',
    }),
  })
  .openapi('KeyInfo');

export const LicenseViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    plan: z.string(),
    customPlan: z.boolean(),
    status: z.enum(['active', 'suspended', 'revoked']),
    statusReason: z.string().nullable(),
    mode: z.enum(['test', 'live']),
    publishableKey: z.string(),
    allowedOrigins: z.array(z.string()),
    features: z.array(z.string()),
    limits: z.record(metricEnum, EffectiveLimitSchema),
    rateLimit: z.object({ perMinute: z.number().int(), source: z.enum(['plan', 'license']) }),
    locale: z.string(),
    currency: z.string(),
    expiresAt: DateTime.nullable(),
    learnerTokens: z.object({
      kind: z.enum(['secret', 'jwks']),
      algorithms: z.array(z.enum(['HS256', 'RS256', 'ES256'])),
      jwksUrl: z.string().nullable(),
      audience: z.string(),
      issuer: z.string(),
      signingSecrets: z.array(KeyInfoSchema),
    }),
    secretKeys: z.array(KeyInfoSchema),
    createdAt: DateTime,
    updatedAt: DateTime,
  })
  .openapi('License');

export const MetricUsageSchema = z
  .object({
    metric: metricEnum,
    used: z.number().int(),
    limit: z.number().int().nullable(),
    enforcement: Enforcement,
    source: z.enum(['plan', 'license']),
    percent: z.number().nullable(),
    remaining: z.number().int().nullable(),
    exhausted: z.boolean().openapi({ description: 'A hard limit that is used up' }),
    warning: z.boolean().openapi({ description: 'At or past 80 % of the limit' }),
  })
  .openapi('MetricUsage');

export const UsagePeriodSchema = z
  .object({ month: z.string(), start: DateTime, resetsAt: DateTime })
  .openapi('UsagePeriod');

export const UsageSummarySchema = z
  .object({ period: UsagePeriodSchema, metrics: z.array(MetricUsageSchema) })
  .openapi('UsageSummary');

export const AdminLicenseSchema = LicenseViewSchema.extend({ usage: UsageSummarySchema }).openapi(
  'AdminLicense',
);

export const CreatedLicenseSchema = z
  .object({
    license: AdminLicenseSchema,
    secretKey: z.string().openapi({ description: 'Shown once; only its hash is stored' }),
    signingSecret: z
      .string()
      .nullable()
      .openapi({ description: 'Shown once; HS256 key for learner tokens (null with a JWKS)' }),
  })
  .openapi('CreatedLicense');

export const RotatedKeySchema = z
  .object({
    license: AdminLicenseSchema,
    secretKey: z.string().optional(),
    signingSecret: z.string().optional(),
    previousValidUntil: DateTime.nullable(),
  })
  .openapi('RotatedKey');

export const UpdatedLicenseSchema = z
  .object({
    license: AdminLicenseSchema,
    signingSecret: z.string().nullable().openapi({
      description: 'A new signing secret, when the change switched learner tokens back to HS256',
    }),
  })
  .openapi('UpdatedLicense');

export const ValidationCodeSchema = z.enum([
  'valid',
  'license_revoked',
  'license_suspended',
  'license_expired',
  'origin_not_allowed',
  'usage_limit_exceeded',
]);

export const ValidationResultSchema = z
  .object({
    valid: z.boolean(),
    code: ValidationCodeSchema,
    detail: z.string(),
    license: z.object({
      id: z.string(),
      name: z.string(),
      plan: z.string(),
      status: z.enum(['active', 'suspended', 'revoked']),
      mode: z.enum(['test', 'live']),
      expiresAt: DateTime.nullable(),
      locale: z.string(),
      currency: z.string(),
      allowedOrigins: z.array(z.string()),
    }),
    features: z.array(z.string()),
    usage: UsageSummarySchema,
    rateLimit: z.object({ limit: z.number().int(), windowSeconds: z.number().int() }),
    learnerTokens: z.object({
      audience: z.string(),
      issuer: z.string(),
      algorithms: z.array(z.string()),
      maxLifetimeSeconds: z.number().int(),
    }),
  })
  .openapi('LicenseValidation');
