import { z } from '@hono/zod-openapi';

/*
 * The billing API, written once: the routes validate with these schemas, the OpenAPI document
 * is generated from them, the services return their types and the pricing table imports them.
 *
 * Inside the server, what a learner subscribes to is a tier (a license's plan is what the
 * license buys: see the licenses module). The HTTP API called tiers "plans" before that
 * distinction was drawn and keeps doing so for compatibility: paths (`/v1/plans`), field
 * names (`planId`, `plans`) and component names (`Plan`, `PlanList`, …) are unchanged.
 */

/** Feature keys, stable identifiers other modules test with `requireFeature`, and their names. */
export const featureCatalog = {
  course_catalog: 'Course catalog',
  course_purchase: 'Buy individual courses',
  progress_tracking: 'Progress tracking',
  community_forum: 'Community forum',
  token_rewards: 'Token rewards',
  leaderboards: 'Leaderboards',
  certificates: 'Certificates of completion',
  offline_downloads: 'Offline downloads',
  unlimited_courses: 'Unlimited course access',
  quizzes: 'Graded quizzes',
  learning_paths: 'Learning paths',
  live_sessions: 'Live sessions',
  mentor_chat: 'Chat with mentors',
  analytics: 'Learning analytics',
  priority_support: 'Priority support',
  custom_branding: 'Custom branding',
  api_access: 'API access',
  sso: 'Single sign-on',
  team_management: 'Team management',
  dedicated_manager: 'Dedicated success manager',
  sla_uptime: '99.9 % uptime SLA',
  audit_logs: 'Audit logs',
} as const;

export type FeatureKey = keyof typeof featureCatalog;

export const featureKeys = Object.keys(featureCatalog) as FeatureKey[];

export function isFeatureKey(value: string): value is FeatureKey {
  return Object.hasOwn(featureCatalog, value);
}

const Interval = z.enum(['month', 'year']);
const Iso = z.string().openapi({ format: 'date-time' });

const currencies = new Set(Intl.supportedValuesOf('currency'));

/** ISO 4217 in capitals, as every amount on the server is labelled. */
export const Currency = z
  .string()
  .refine(
    (value) => /^[A-Z]{3}$/.test(value) && currencies.has(value),
    'must be a known ISO 4217 code in capitals, such as USD',
  )
  .openapi({ example: 'USD' });

/* Tiers */

/** One price of a tier: per interval, in one currency. */
export const TierPrice = z.object({
  interval: Interval,
  amount: z.number().int().nonnegative().openapi({ description: 'Integer minor units' }),
  currency: z.string().length(3),
});
export type TierPrice = z.infer<typeof TierPrice>;

/** A subscription tier as a license offers it. */
export const Tier = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  prices: z.array(TierPrice),
  features: z.array(z.string()),
  recommended: z.boolean(),
  trialDays: z.number().int().nonnegative(),
});
/** The server only ever holds keys of the catalog; the API documents them as plain strings. */
export type Tier = Omit<z.infer<typeof Tier>, 'features'> & { features: FeatureKey[] };

/** A tier as `GET /v1/plans` lists it. */
export const TierListing = Tier.extend({
  current: z.boolean().openapi({
    description: "True for the signed-in learner's tier (sent with a learner token)",
  }),
}).openapi('Plan');
export type TierListing = Omit<z.infer<typeof TierListing>, 'features'> & {
  features: FeatureKey[];
};

/** The body of `GET /v1/plans`. */
export const TierList = z
  .object({
    plans: z.array(TierListing),
    features: z.array(z.object({ key: z.string(), name: z.string() })),
    currentPlanId: z.string().nullable().openapi({
      description:
        "The signed-in learner's tier: their subscription's, else the free tier; null without a learner token",
    }),
  })
  .openapi('PlanList');
export type TierList = z.infer<typeof TierList>;

const TierPriceInput = z
  .object({
    interval: Interval,
    amount: z
      .number()
      .int('must be whole minor units (999 for 9.99)')
      .min(0)
      .max(99_999_999)
      .openapi({ description: 'Integer minor units of `currency`' }),
    currency: Currency,
  })
  .strict();

export const TierInput = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'lowercase letters, digits, - and _ (at most 32)'),
    name: z.string().trim().min(1).max(60),
    description: z.string().trim().max(300).default(''),
    prices: z
      .array(TierPriceInput)
      .min(1)
      .max(40)
      .refine(
        (prices) =>
          new Set(prices.map((p) => `${p.interval}:${p.currency}`)).size === prices.length,
        'one price per interval and currency',
      ),
    features: z
      .array(z.string().refine(isFeatureKey, 'must be a feature key from GET /v1/plans `features`'))
      .max(featureKeys.length)
      .refine((keys) => new Set(keys).size === keys.length, 'each feature once'),
    recommended: z.boolean().default(false),
    trialDays: z.number().int().min(0).max(730).default(0),
  })
  .strict()
  .openapi('PlanInput');

/** A license's own tiers, replacing the default ones as a whole. */
export const TierOverrideInput = z
  .object({
    plans: z
      .array(TierInput)
      .min(1)
      .max(8)
      .superRefine((tiers, ctx) => {
        const seen = new Set<string>();
        tiers.forEach((tier, i) => {
          if (seen.has(tier.id)) {
            ctx.addIssue({ code: 'custom', path: [i, 'id'], message: 'duplicate plan id' });
          }
          seen.add(tier.id);
        });
        if (tiers.filter((t) => t.recommended).length > 1) {
          ctx.addIssue({ code: 'custom', message: 'at most one plan is recommended' });
        }
      }),
  })
  .strict()
  .openapi('PlanOverrideInput');
export type TierOverrideInput = z.infer<typeof TierOverrideInput>;

/** A license's tiers as the operator reads them. */
export const LicenseTiers = z
  .object({
    overridden: z.boolean().openapi({ description: 'False: the license offers the default tiers' }),
    plans: z.array(Tier),
    updatedAt: z.string().nullable(),
  })
  .openapi('LicensePlans');
export type LicenseTiers = z.infer<typeof LicenseTiers>;

/** The Stripe objects that bill one tier at one price. */
export const SyncedPrice = z
  .object({
    planId: z.string(),
    interval: Interval,
    currency: z.string().length(3),
    amount: z.number().int(),
    productId: z.string(),
    priceId: z.string(),
  })
  .openapi('SyncedPrice');
export type SyncedPrice = z.infer<typeof SyncedPrice>;

/* Subscriptions */

export const SubscriptionView = z
  .object({
    id: z.string(),
    stripeSubscriptionId: z.string().nullable(),
    planId: z.string(),
    planName: z.string(),
    interval: Interval,
    amount: z.number().int().openapi({ description: 'Integer minor units per interval' }),
    currency: z.string().length(3),
    status: z.string().openapi({
      description:
        "Stripe's status: incomplete, trialing, active, past_due, unpaid, paused, canceled, incomplete_expired",
    }),
    entitled: z.boolean().openapi({
      description: "Whether it gives the tier's features (a trial: once its card is saved)",
    }),
    trialEnd: Iso.nullable(),
    currentPeriodStart: Iso.nullable(),
    currentPeriodEnd: Iso.nullable(),
    cancelAtPeriodEnd: z.boolean(),
    canceledAt: Iso.nullable(),
  })
  .openapi('Subscription');
export type SubscriptionView = z.infer<typeof SubscriptionView>;

/** One of the learner's subscription invoices. */
export const InvoiceView = z
  .object({
    id: z.string(),
    number: z.string().nullable(),
    status: z.string().openapi({ description: 'open, paid, void or uncollectible' }),
    billingReason: z.string().nullable(),
    amountDue: z.number().int(),
    amountPaid: z.number().int(),
    currency: z.string().length(3),
    periodStart: Iso.nullable(),
    periodEnd: Iso.nullable(),
    hostedInvoiceUrl: z.string().nullable(),
    issuedAt: Iso,
  })
  .openapi('BillingInvoice');
export type InvoiceView = z.infer<typeof InvoiceView>;

/** Moving a subscription to another tier or interval (or only seeing what that costs). */
export const TierChange = z
  .object({
    planId: z.string().min(1).max(64),
    interval: Interval,
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/)
      .optional(),
    preview: z.boolean().optional().openapi({ description: 'Only show what the change costs' }),
  })
  .strict()
  .openapi('PlanChange');
export type TierChange = z.infer<typeof TierChange>;

/** What a change costs now: Stripe's preview of the prorated invoice. */
export const ChangePreview = z
  .object({
    amountDue: z.number().int().openapi({
      description: 'Minor units charged now for the change; negative is a credit',
    }),
    currency: z.string().length(3),
    lines: z.array(
      z.object({
        description: z.string().nullable(),
        amount: z.number().int(),
        proration: z.boolean(),
      }),
    ),
  })
  .openapi('PlanChangePreview');
export type ChangePreview = z.infer<typeof ChangePreview>;

/** The answer to a change: the subscription after it, or, with `preview`, what it would cost. */
export const ChangeResult = z.object({
  subscription: SubscriptionView,
  preview: ChangePreview.nullable(),
});
export type ChangeResult = z.infer<typeof ChangeResult>;

/* Feature access */

export const FeatureGrant = z.object({
  feature: z.string(),
  source: z.enum(['plan', 'reward']),
  until: Iso.nullable().openapi({ description: 'When a reward unlock ends' }),
});
export type FeatureGrant = z.infer<typeof FeatureGrant>;

/** What a learner may use: their tier's features and reward unlocks. */
export const FeatureView = z
  .object({
    tier: z.string().nullable(),
    features: z.array(z.string()),
    grants: z.array(FeatureGrant),
    stale: z.boolean().openapi({
      description: 'True when the database did not answer and this is the last value known',
    }),
    checkedAt: Iso,
  })
  .openapi('FeatureAccess');
export type FeatureView = z.infer<typeof FeatureView>;
