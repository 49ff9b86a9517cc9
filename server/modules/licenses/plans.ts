import type { FeatureKey } from '../billing/contract.js';
import { defaultTiers } from '../billing/tiers.js';
import { usageMetricNames, type LimitRule, type UsageMetric } from '../usage/metrics.js';
import type { License } from './schema.js';

/**
 * What a license gets from its plan before per-license overrides: entitlements, monthly
 * limits and the request rate per key and client. A plan name outside this catalog is a
 * custom plan; custom deals are negotiated enterprise deals, so they start from the
 * enterprise policy and differ through overrides.
 */
export interface PlanPolicy {
  id: string;
  custom: boolean;
  features: FeatureKey[];
  limits: Record<UsageMetric, LimitRule>;
  rateLimitPerMinute: number;
}

const featuresOf = (id: string): FeatureKey[] => [
  ...(defaultTiers.find((t) => t.id === id)?.features ?? []),
];

const hard = (max: number | null): LimitRule => ({ max, enforcement: 'hard' });
const soft = (max: number | null): LimitRule => ({ max, enforcement: 'soft' });

export const planPolicies = {
  free: {
    id: 'free',
    custom: false,
    features: featuresOf('free'),
    limits: {
      api_requests: hard(10_000),
      active_learners: hard(100),
      courses: hard(10),
      redemptions: soft(500),
    },
    rateLimitPerMinute: 600,
  },
  pro: {
    id: 'pro',
    custom: false,
    features: featuresOf('pro'),
    limits: {
      api_requests: hard(250_000),
      active_learners: hard(2_000),
      courses: hard(200),
      redemptions: soft(10_000),
    },
    rateLimitPerMinute: 3_000,
  },
  enterprise: {
    id: 'enterprise',
    custom: false,
    features: featuresOf('enterprise'),
    // Enterprise customers are billed for overage rather than cut off.
    limits: {
      api_requests: soft(5_000_000),
      active_learners: soft(50_000),
      courses: soft(null),
      redemptions: soft(null),
    },
    rateLimitPerMinute: 12_000,
  },
} as const satisfies Record<string, PlanPolicy>;

export type KnownPlan = keyof typeof planPolicies;
export const knownPlans = Object.keys(planPolicies) as KnownPlan[];

export const PLAN_PATTERN = /^[a-z][a-z0-9_-]{1,39}$/;

export function planPolicy(plan: string): PlanPolicy {
  const known = (planPolicies as Record<string, PlanPolicy>)[plan];
  if (known) return known;
  return { ...planPolicies.enterprise, id: plan, custom: true };
}

export interface EffectiveLimit extends LimitRule {
  source: 'plan' | 'license';
}

export interface EffectivePolicy {
  limits: Record<UsageMetric, EffectiveLimit>;
  rateLimitPerMinute: number;
  rateLimitSource: 'plan' | 'license';
}

// License rows are immutable snapshots (the license cache replaces them on change), so the
// merged policy can be remembered per row object.
const resolved = new WeakMap<License, EffectivePolicy>();

/** The plan's policy with the license's overrides applied. */
export function effectivePolicy(license: License): EffectivePolicy {
  const hit = resolved.get(license);
  if (hit) return hit;
  const plan = planPolicy(license.plan);
  const overrides = license.limits ?? {};
  const enforcement = license.limitEnforcement ?? {};
  const limits = {} as Record<UsageMetric, EffectiveLimit>;
  for (const metric of usageMetricNames) {
    const base = plan.limits[metric];
    const hasMax = Object.hasOwn(overrides, metric);
    const hasEnforcement = Object.hasOwn(enforcement, metric);
    limits[metric] = {
      max: hasMax ? (overrides[metric] ?? null) : base.max,
      enforcement: hasEnforcement ? enforcement[metric]! : base.enforcement,
      source: hasMax || hasEnforcement ? 'license' : 'plan',
    };
  }
  const policy: EffectivePolicy = {
    limits,
    rateLimitPerMinute: license.rateLimitPerMinute ?? plan.rateLimitPerMinute,
    rateLimitSource: (license.rateLimitPerMinute ?? null) === null ? 'plan' : 'license',
  };
  resolved.set(license, policy);
  return policy;
}
