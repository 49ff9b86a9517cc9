/**
 * The default subscription tiers a license starts with. Prices are integer minor units.
 * Feature keys are stable identifiers other modules test with `requireFeature`.
 */
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
