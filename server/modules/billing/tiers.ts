import { isFeatureKey, type FeatureKey, type Tier, type TierOverrideInput } from './contract.js';

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

/** The tiers a license offers until it sets its own. Prices are integer minor units. */
export const defaultTiers: Tier[] = [
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

/** The validated input as the tiers it describes. */
export function tiersOf(input: TierOverrideInput): Tier[] {
  return input.plans.map((t) => ({
    id: t.id,
    name: t.name,
    description: t.description,
    prices: t.prices.map((price) => ({ ...price })),
    features: t.features.filter(isFeatureKey),
    recommended: t.recommended,
    trialDays: t.trialDays,
  }));
}

/**
 * The tier a learner without a paid subscription is on: the first tier with nothing to pay,
 * or none when every tier costs something.
 */
export function freeTier(tiers: Tier[]): Tier | undefined {
  return tiers.find((t) => t.prices.every((price) => price.amount === 0));
}
