import { z } from '@hono/zod-openapi';
import { featureCatalog, type FeatureKey } from '../billing/contract.js';
import { usageMetricNames, type UsageMetric } from '../usage/metrics.js';
import { InvalidOriginPattern, normalizeOriginPattern } from './origins.js';
import { PLAN_PATTERN } from './plans.js';

/**
 * Operator input for licenses, shared by the admin API (validated at the edge) and the CLI
 * (validated before it calls the same service), so both accept and refuse exactly the same.
 */

const featureKeys = Object.keys(featureCatalog) as [FeatureKey, ...FeatureKey[]];
const metricEnum = z.enum(usageMetricNames as [UsageMetric, ...UsageMetric[]]);

export const OriginPattern = z
  .string()
  .max(300)
  .transform((value, ctx) => {
    try {
      return normalizeOriginPattern(value);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: error instanceof InvalidOriginPattern ? error.message : 'not an origin',
      });
      return z.NEVER;
    }
  })
  .openapi({ type: 'string', example: 'https://portal.example.edu' });

const Locale = z
  .string()
  .min(2)
  .max(35)
  .refine((value) => {
    try {
      return Intl.getCanonicalLocales(value).length === 1;
    } catch {
      return false;
    }
  }, 'must be a BCP 47 language tag such as en or de-DE')
  .openapi({ example: 'en-US' });

const currencies = new Set(Intl.supportedValuesOf('currency'));
const Currency = z
  .string()
  .refine(
    (value) => /^[A-Z]{3}$/.test(value) && currencies.has(value),
    'must be a known ISO 4217 code in capitals, such as USD',
  )
  .openapi({ example: 'USD' });

const Name = z.string().trim().min(1).max(200);
const Plan = z
  .string()
  .regex(
    PLAN_PATTERN,
    'must be free, pro, enterprise or a custom plan name (lowercase letters, digits, - and _)',
  )
  .openapi({ example: 'enterprise' });

const Timestamp = z.iso.datetime({ offset: true }).openapi({ example: '2031-01-01T00:00:00Z' });

const LimitValue = z
  .union([z.number().int().min(0).max(1e12), z.literal('unlimited')])
  .openapi({ description: 'A monthly allowance, or "unlimited"' });

const JwksUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .refine((value) => {
    const url = new URL(value);
    return url.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  }, 'must be https (plain http only on the loopback interface)')
  .openapi({ example: 'https://auth.example.edu/.well-known/jwks.json' });

export const LearnerTokensInput = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('secret') }).strict(),
    z
      .object({
        kind: z.literal('jwks'),
        jwksUrl: JwksUrl,
        algorithms: z
          .array(z.enum(['RS256', 'ES256']))
          .min(1)
          .max(2)
          .refine((a) => new Set(a).size === a.length, 'lists an algorithm twice'),
      })
      .strict(),
  ])
  .openapi('LearnerTokenSettings', {
    description:
      'How learner tokens are signed: with the license signing secret (HS256), or with the ' +
      "customer's own keys published as a JWKS (RS256 / ES256, pinned).",
  });

export type LearnerTokensInput = z.infer<typeof LearnerTokensInput>;

const uniqueList = <T extends z.ZodType>(item: T, max: number) =>
  z
    .array(item)
    .max(max)
    .refine((a) => new Set(a).size === a.length, 'lists a value twice');

export const LicenseCreateInput = z
  .object({
    name: Name,
    plan: Plan,
    mode: z.enum(['test', 'live']).default('test'),
    origins: uniqueList(OriginPattern, 100).default([]),
    features: uniqueList(z.enum(featureKeys), featureKeys.length)
      .optional()
      .openapi({ description: "Entitlements; default: the plan's features" }),
    limits: z.partialRecord(metricEnum, LimitValue).optional(),
    limitEnforcement: z.partialRecord(metricEnum, z.enum(['hard', 'soft'])).optional(),
    rateLimitPerMinute: z.number().int().min(1).max(100_000_000).optional(),
    expiresAt: Timestamp.nullable().optional(),
    locale: Locale.default('en'),
    currency: Currency.default('USD'),
    learnerTokens: LearnerTokensInput.default({ kind: 'secret' }),
  })
  .strict()
  .openapi('LicenseCreate');

export type LicenseCreateInput = z.infer<typeof LicenseCreateInput>;

/** `"default"` drops a per-license override so the plan's value applies again. */
export const LicenseUpdateInput = z
  .object({
    name: Name.optional(),
    plan: Plan.optional(),
    origins: uniqueList(OriginPattern, 100).optional(),
    features: uniqueList(z.enum(featureKeys), featureKeys.length).optional(),
    limits: z.partialRecord(metricEnum, z.union([LimitValue, z.literal('default')])).optional(),
    limitEnforcement: z.partialRecord(metricEnum, z.enum(['hard', 'soft', 'default'])).optional(),
    rateLimitPerMinute: z
      .union([z.number().int().min(1).max(100_000_000), z.literal('default')])
      .optional(),
    expiresAt: Timestamp.nullable().optional(),
    locale: Locale.optional(),
    currency: Currency.optional(),
    learnerTokens: LearnerTokensInput.optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'names at least one field to change')
  .openapi('LicenseUpdate');

export type LicenseUpdateInput = z.infer<typeof LicenseUpdateInput>;

export const StatusChangeInput = z
  .object({ reason: z.string().trim().min(1).max(500).optional() })
  .strict()
  .openapi('LicenseStatusChange');

export type StatusChangeInput = z.infer<typeof StatusChangeInput>;

export const MAX_OVERLAP_SECONDS = 30 * 24 * 3600;

export const RotateInput = z
  .object({
    key: z.enum(['secret_key', 'signing_secret']),
    overlapSeconds: z
      .number()
      .int()
      .min(0)
      .max(MAX_OVERLAP_SECONDS)
      .default(24 * 3600)
      .openapi({
        description: 'How long the previous key keeps working (default 24 h, at most 30 days)',
      }),
  })
  .strict()
  .openapi('LicenseRotate');

export type RotateInput = z.infer<typeof RotateInput>;

export const LicenseListQuery = z.object({
  status: z.enum(['active', 'suspended', 'revoked']).optional(),
  plan: Plan.optional(),
});
