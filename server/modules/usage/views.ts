import type { UsageSnapshot } from './meter.js';

/** A usage snapshot as JSON. */
export function usageSummary(snapshot: UsageSnapshot) {
  return {
    period: {
      month: snapshot.period.month,
      start: snapshot.period.start.toISOString(),
      resetsAt: snapshot.period.resetsAt.toISOString(),
    },
    metrics: snapshot.metrics,
  };
}
