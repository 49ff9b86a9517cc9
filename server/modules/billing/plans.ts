import { z } from '@hono/zod-openapi';
import { featureCatalog, type FeatureKey } from '../licenses/contract.js';

/**
 * The default subscription tiers a license starts with. Prices are integer minor units.
 * Feature keys are stable identifiers other modules test with `requireFeature`; they belong to
 * licenses (each license lists its own entitlements), and the tiers bundle them.
 */
export { featureCatalog, type FeatureKey };

export interface PlanPrice {
  interval: 'month' | 'year';
  /** Integer minor units of `currency`. */
  amount: number;
  currency: string;
}

export interface Plan {
  id: string;
  name: string;
  description: string;
  prices: PlanPrice[];
  features: FeatureKey[];
  recommended: boolean;
  trialDays: number;
}

const free: FeatureKey[] = [
  'course_catalog',
  'course_purchase',
  'progress_tracking',
  'community_forum',
  'token_rewards',
  'leaderboards',
];
const pro: FeatureKey[] = [
  ...free,
  'certificates',
  'offline_downloads',
  'unlimited_courses',
  'quizzes',
  'learning_paths',
  'live_sessions',
  'mentor_chat',
  'analytics',
];
const enterprise: FeatureKey[] = [
  ...pro,
  'priority_support',
  'custom_branding',
  'api_access',
  'sso',
  'team_management',
  'dedicated_manager',
  'sla_uptime',
  'audit_logs',
];

export const defaultPlans: Plan[] = [
  {
    id: 'free',
    name: 'Free',
    description: 'Start learning with the essentials.',
    prices: [
      { interval: 'month', amount: 0, currency: 'USD' },
      { interval: 'year', amount: 0, currency: 'USD' },
    ],
    features: free,
    recommended: false,
    trialDays: 0,
  },
  {
    id: 'pro',
    name: 'Pro',
    description: 'Everything a committed learner needs.',
    prices: [
      { interval: 'month', amount: 999, currency: 'USD' },
      { interval: 'year', amount: 9990, currency: 'USD' },
    ],
    features: pro,
    recommended: true,
    trialDays: 14,
  },
  {
    id: 'enterprise',
    name: 'Enterprise',
    description: 'For teams and institutions.',
    prices: [
      { interval: 'month', amount: 9900, currency: 'USD' },
      { interval: 'year', amount: 99000, currency: 'USD' },
    ],
    features: enterprise,
    recommended: false,
    trialDays: 0,
  },
];

export const featureKeys = Object.keys(featureCatalog) as FeatureKey[];

export function isFeatureKey(value: string): value is FeatureKey {
  return Object.hasOwn(featureCatalog, value);
}

const currencies = new Set(Intl.supportedValuesOf('currency'));

/** ISO 4217 in capitals, as every amount on the server is labelled. */
export const Currency = z
  .string()
  .refine(
    (value) => /^[A-Z]{3}$/.test(value) && currencies.has(value),
    'must be a known ISO 4217 code in capitals, such as USD',
  )
  .openapi({ example: 'USD' });

const PlanPriceInput = z
  .object({
    interval: z.enum(['month', 'year']),
    amount: z
      .number()
      .int('must be whole minor units (999 for 9.99)')
      .min(0)
      .max(99_999_999)
      .openapi({ description: 'Integer minor units of `currency`' }),
    currency: Currency,
  })
  .strict();

export const PlanInput = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'lowercase letters, digits, - and _ (at most 32)'),
    name: z.string().trim().min(1).max(60),
    description: z.string().trim().max(300).default(''),
    prices: z
      .array(PlanPriceInput)
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
export const PlanOverrideInput = z
  .object({
    plans: z
      .array(PlanInput)
      .min(1)
      .max(8)
      .superRefine((plans, ctx) => {
        const seen = new Set<string>();
        plans.forEach((plan, i) => {
          if (seen.has(plan.id)) {
            ctx.addIssue({ code: 'custom', path: [i, 'id'], message: 'duplicate plan id' });
          }
          seen.add(plan.id);
        });
        if (plans.filter((p) => p.recommended).length > 1) {
          ctx.addIssue({ code: 'custom', message: 'at most one plan is recommended' });
        }
      }),
  })
  .strict()
  .openapi('PlanOverrideInput');

export type PlanOverrideInput = z.infer<typeof PlanOverrideInput>;

/** The validated input as the plans it describes. */
export function plansOf(input: PlanOverrideInput): Plan[] {
  return input.plans.map((p) => ({
    id: p.id,
    name: p.name,
    description: p.description,
    prices: p.prices.map((price) => ({ ...price })),
    features: p.features.filter(isFeatureKey),
    recommended: p.recommended,
    trialDays: p.trialDays,
  }));
}

/**
 * The tier a learner without a paid subscription is on: the first tier with nothing to pay,
 * or none when every tier costs something.
 */
export function freeTier(plans: Plan[]): Plan | undefined {
  return plans.find((p) => p.prices.every((price) => price.amount === 0));
}

/** A tier as `GET /v1/plans` lists it. */
export interface PlanListing extends Plan {
  /** True for the signed-in learner's tier. */
  current: boolean;
}

/** The body of `GET /v1/plans`. */
export interface PlanList {
  plans: PlanListing[];
  features: { key: string; name: string }[];
  /** The signed-in learner's tier; null without a learner token. */
  currentPlanId: string | null;
}
