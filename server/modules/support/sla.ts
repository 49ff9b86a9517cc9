/**
 * Support targets per plan. First responses are due within calendar hours (enterprise
 * support answers around the clock); resolutions within business days, Monday to Friday in
 * UTC, without public holidays. A free plan gets best effort: no due times, no breaches.
 * Custom plans are enterprise deals and get the enterprise targets.
 */
export interface SlaPolicy {
  id: 'enterprise' | 'pro' | 'best_effort';
  firstResponseHours: number | null;
  resolutionBusinessDays: number | null;
}

export const slaPolicies = {
  enterprise: { id: 'enterprise', firstResponseHours: 4, resolutionBusinessDays: 1 },
  pro: { id: 'pro', firstResponseHours: 24, resolutionBusinessDays: 3 },
  best_effort: { id: 'best_effort', firstResponseHours: null, resolutionBusinessDays: null },
} as const satisfies Record<string, SlaPolicy>;

export function slaForPlan(plan: string): SlaPolicy {
  if (plan === 'free') return slaPolicies.best_effort;
  if (plan === 'pro') return slaPolicies.pro;
  return slaPolicies.enterprise;
}

export function slaById(id: string): SlaPolicy {
  return (slaPolicies as Record<string, SlaPolicy>)[id] ?? slaPolicies.best_effort;
}

const DAY = 86_400_000;
const isWeekend = (ms: number) => {
  const day = new Date(ms).getUTCDay();
  return day === 0 || day === 6;
};

/**
 * `days` business days after `from`. Opened on a weekend, the clock starts on Monday at
 * 00:00 UTC; landing on a weekend moves the deadline to the same time on Monday.
 */
export function addBusinessDays(from: number, days: number): number {
  let t = from;
  if (isWeekend(t)) {
    const midnight = t - (t % DAY);
    t = midnight;
    while (isWeekend(t)) t += DAY;
  }
  for (let i = 0; i < days; i++) {
    t += DAY;
    while (isWeekend(t)) t += DAY;
  }
  return t;
}

export function dueTimes(
  policy: SlaPolicy,
  openedAt: number,
): { firstResponseDueAt: Date | null; resolutionDueAt: Date | null } {
  return {
    firstResponseDueAt:
      policy.firstResponseHours === null
        ? null
        : new Date(openedAt + policy.firstResponseHours * 3_600_000),
    resolutionDueAt:
      policy.resolutionBusinessDays === null
        ? null
        : new Date(addBusinessDays(openedAt, policy.resolutionBusinessDays)),
  };
}
