import { z } from '@hono/zod-openapi';

/**
 * The usage module's contract: what is metered, the usage report the dashboard and the
 * customer's servers read, and the threshold events partners receive. Licenses read the
 * metric names from here to declare limits per metric.
 */

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

export const UsageMetric = z.enum(usageMetricNames as [UsageMetric, ...UsageMetric[]]);

/** A hard limit refuses what does not fit; a soft one only warns. */
export const Enforcement = z.enum(['hard', 'soft']);
export type Enforcement = z.infer<typeof Enforcement>;

/** A monthly allowance: `max: null` is unlimited. */
export const LimitRule = z.object({ max: z.number().int().nullable(), enforcement: Enforcement });
export type LimitRule = z.infer<typeof LimitRule>;

const DateTime = z.string().openapi({ format: 'date-time' });

export const MetricUsage = z
  .object({
    metric: UsageMetric,
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

export type MetricUsage = z.infer<typeof MetricUsage>;

export const UsagePeriod = z
  .object({ month: z.string(), start: DateTime, resetsAt: DateTime })
  .openapi('UsagePeriod');

export type UsagePeriod = z.infer<typeof UsagePeriod>;

/** Usage of every metric this month against the license's limits. */
export const UsageSummary = z
  .object({ period: UsagePeriod, metrics: z.array(MetricUsage) })
  .openapi('UsageSummary');

export type UsageSummary = z.infer<typeof UsageSummary>;

const Day = z.iso.date('must be a calendar date as YYYY-MM-DD');

export const UsageHistoryQuery = z.object({
  from: Day.optional().openapi({
    description: 'First day (UTC); default: the first of the month of `to`',
  }),
  to: Day.optional().openapi({ description: 'Last day (UTC), inclusive; default: today' }),
});

export type UsageHistoryQuery = z.infer<typeof UsageHistoryQuery>;

const metricCounts = z.object(
  Object.fromEntries(usageMetricNames.map((m) => [m, z.number().int()])) as Record<
    UsageMetric,
    z.ZodNumber
  >,
);

/** One UTC day's counts per metric. */
export const DailyUsage = z.object({ day: z.string(), metrics: metricCounts });
export type DailyUsage = z.infer<typeof DailyUsage>;

export const UsageReport = z
  .object({
    license: z.object({
      id: z.string(),
      name: z.string(),
      plan: z.string(),
      status: z.enum(['active', 'suspended', 'revoked']),
      expiresAt: z.string().nullable(),
    }),
    period: UsagePeriod,
    metrics: z.array(MetricUsage),
    rateLimit: z.object({ perMinute: z.number().int() }),
    daily: z.array(DailyUsage),
  })
  .openapi('UsageReport');

export type UsageReport = z.infer<typeof UsageReport>;

/**
 * The data of `usage.warning` (80 % of a limit reached) and `usage.limit_reached` (100 %),
 * queued once per license, metric, month and threshold.
 */
export const UsageThresholdEvent = z
  .object({
    metric: UsageMetric,
    threshold: z.union([z.literal(80), z.literal(100)]),
    used: z.number().int(),
    limit: z.number().int(),
    enforcement: Enforcement,
    period: z.string().openapi({ description: 'The month, `YYYY-MM` (UTC)' }),
    resetsAt: DateTime,
  })
  .openapi('UsageThresholdEvent');

export type UsageThresholdEvent = z.infer<typeof UsageThresholdEvent>;
