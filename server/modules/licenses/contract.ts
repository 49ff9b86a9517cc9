import { z } from '@hono/zod-openapi';
import { featureCatalog, type FeatureKey } from '../billing/contract.js';
import { Enforcement, UsageMetric, UsageSummary } from '../usage/contract.js';
// A pure function (no server code): what an allowed origin may look like is part of the contract.
import { InvalidOriginPattern, normalizeOriginPattern } from './origins.js';

/**
 * The licenses module's contract: the operator's input (validated alike by the admin API and
 * the CLI), the license as the operator sees it, and the verdict `POST /v1/licenses/validate`
 * gives the customer's servers.
 */

// Entitlements are billing's feature keys: tiers bundle them, a license lists its own.
const featureKeys = Object.keys(featureCatalog) as [FeatureKey, ...FeatureKey[]];
const Feature = z.enum(featureKeys);

/** free, pro, enterprise, or a custom plan's name. */
export const PLAN_PATTERN = /^[a-z][a-z0-9_-]{1,39}$/;

/** The longest a rotated-out key keeps working. */
export const MAX_OVERLAP_SECONDS = 30 * 24 * 3600;

const DateTime = z.string().openapi({ format: 'date-time' });
const LicenseStatus = z.enum(['active', 'suspended', 'revoked']);
const LicenseMode = z.enum(['test', 'live']);
const PolicySource = z.enum(['plan', 'license']);

/* Operator input */

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
    mode: LicenseMode.default('test'),
    origins: uniqueList(OriginPattern, 100).default([]),
    features: uniqueList(Feature, featureKeys.length)
      .optional()
      .openapi({ description: "Entitlements; default: the plan's features" }),
    limits: z.partialRecord(UsageMetric, LimitValue).optional(),
    limitEnforcement: z.partialRecord(UsageMetric, Enforcement).optional(),
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
    features: uniqueList(Feature, featureKeys.length).optional(),
    limits: z.partialRecord(UsageMetric, z.union([LimitValue, z.literal('default')])).optional(),
    limitEnforcement: z.partialRecord(UsageMetric, z.enum(['hard', 'soft', 'default'])).optional(),
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
  status: LicenseStatus.optional(),
  plan: Plan.optional(),
});

export type LicenseListQuery = z.infer<typeof LicenseListQuery>;

/* The license as the operator sees it */

export const EffectiveLimit = z.object({
  max: z.number().int().nullable().openapi({ description: 'Monthly allowance; null is unlimited' }),
  enforcement: Enforcement,
  source: PolicySource,
});

export type EffectiveLimit = z.infer<typeof EffectiveLimit>;

export const KeyInfo = z
  .object({
    id: z.string(),
    hint: z.string().openapi({ description: 'Last four characters' }),
    createdAt: DateTime,
    expiresAt: DateTime.nullable().openapi({
      description: 'Set while a rotated-out key is still honoured',
    }),
  })
  .openapi('KeyInfo');

export type KeyInfo = z.infer<typeof KeyInfo>;

/** A license as the operator sees it. Secrets appear only in create and rotate results. */
export const LicenseView = z
  .object({
    id: z.string(),
    name: z.string(),
    plan: z.string(),
    customPlan: z.boolean(),
    status: LicenseStatus,
    statusReason: z.string().nullable(),
    mode: LicenseMode,
    publishableKey: z.string(),
    allowedOrigins: z.array(z.string()),
    features: z.array(z.string()),
    limits: z.record(UsageMetric, EffectiveLimit),
    rateLimit: z.object({ perMinute: z.number().int(), source: PolicySource }),
    locale: z.string(),
    currency: z.string(),
    expiresAt: DateTime.nullable(),
    learnerTokens: z.object({
      kind: z.enum(['secret', 'jwks']),
      algorithms: z.array(z.enum(['HS256', 'RS256', 'ES256'])),
      jwksUrl: z.string().nullable(),
      audience: z.string(),
      issuer: z.string(),
      signingSecrets: z.array(KeyInfo),
    }),
    secretKeys: z.array(KeyInfo),
    createdAt: DateTime,
    updatedAt: DateTime,
  })
  .openapi('License');

export type LicenseView = z.infer<typeof LicenseView>;

/** The operator's view with this month's usage. */
export const AdminLicense = LicenseView.extend({ usage: UsageSummary }).openapi('AdminLicense');

export type AdminLicense = z.infer<typeof AdminLicense>;

export const CreatedLicense = z
  .object({
    license: AdminLicense,
    secretKey: z.string().openapi({ description: 'Shown once; only its hash is stored' }),
    signingSecret: z
      .string()
      .nullable()
      .openapi({ description: 'Shown once; HS256 key for learner tokens (null with a JWKS)' }),
  })
  .openapi('CreatedLicense');

export type CreatedLicense = z.infer<typeof CreatedLicense>;

export const RotatedKey = z
  .object({
    license: AdminLicense,
    secretKey: z.string().optional(),
    signingSecret: z.string().optional(),
    previousValidUntil: DateTime.nullable(),
  })
  .openapi('RotatedKey');

export type RotatedKey = z.infer<typeof RotatedKey>;

export const UpdatedLicense = z
  .object({
    license: AdminLicense,
    signingSecret: z.string().nullable().openapi({
      description: 'A new signing secret, when the change switched learner tokens back to HS256',
    }),
  })
  .openapi('UpdatedLicense');

export type UpdatedLicense = z.infer<typeof UpdatedLicense>;

/* Validation by the customer's servers */

export const LicenseValidateInput = z
  .object({
    origin: z
      .string()
      .max(300)
      .refine((value) => {
        try {
          return new URL(value).origin === value;
        } catch {
          return false;
        }
      }, 'must be an origin such as https://portal.example.edu (scheme, host, optional port; no path)')
      .optional()
      .openapi({ description: 'Also check that this origin may use the publishable key' }),
  })
  .strict()
  .openapi('LicenseValidate');

export type LicenseValidateInput = z.infer<typeof LicenseValidateInput>;

export const LicenseValidationCode = z.enum([
  'valid',
  'license_revoked',
  'license_suspended',
  'license_expired',
  'origin_not_allowed',
  'usage_limit_exceeded',
]);

export type LicenseValidationCode = z.infer<typeof LicenseValidationCode>;

export const LicenseValidation = z
  .object({
    valid: z.boolean(),
    code: LicenseValidationCode,
    detail: z.string(),
    license: z.object({
      id: z.string(),
      name: z.string(),
      plan: z.string(),
      status: LicenseStatus,
      mode: LicenseMode,
      expiresAt: DateTime.nullable(),
      locale: z.string(),
      currency: z.string(),
      allowedOrigins: z.array(z.string()),
    }),
    features: z.array(z.string()),
    usage: UsageSummary,
    rateLimit: z.object({ limit: z.number().int(), windowSeconds: z.number().int() }),
    learnerTokens: z.object({
      audience: z.string(),
      issuer: z.string(),
      algorithms: z.array(z.string()),
      maxLifetimeSeconds: z.number().int(),
    }),
  })
  .openapi('LicenseValidation');

export type LicenseValidation = z.infer<typeof LicenseValidation>;
