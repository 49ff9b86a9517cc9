/**
 * What is metered per license per calendar month (UTC). Modules that count something new add
 * it here so limits, validation of operator input and the dashboard all know about it.
 */
export const usageMetrics = {
  api_requests: 'API requests answered for the license',
  active_learners: 'Distinct learners seen this month',
  courses: 'Courses published',
  redemptions: 'Reward redemptions',
} as const;

export type UsageMetric = keyof typeof usageMetrics;

export const usageMetricNames = Object.keys(usageMetrics) as UsageMetric[];

export type Enforcement = 'hard' | 'soft';

/** A monthly allowance: `max: null` is unlimited; a soft limit only warns. */
export interface LimitRule {
  max: number | null;
  enforcement: Enforcement;
}

/** Share of a limit at which responses start to warn and a `usage.warning` event is queued. */
export const WARNING_RATIO = 0.8;
