/** Calendar periods in UTC: usage is counted per day and limited per month. */
export interface Period {
  /** `YYYY-MM` */
  month: string;
  /** `YYYY-MM-DD` */
  day: string;
  monthStart: number;
  /** Start of the next month: when monthly limits reset. */
  monthEnd: number;
  dayStart: number;
  dayEnd: number;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function periodAt(ms: number): Period {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const dayStart = Date.UTC(y, m, d.getUTCDate());
  return {
    month: `${y}-${pad(m + 1)}`,
    day: `${y}-${pad(m + 1)}-${pad(d.getUTCDate())}`,
    monthStart: Date.UTC(y, m, 1),
    monthEnd: Date.UTC(y, m + 1, 1),
    dayStart,
    dayEnd: dayStart + 86_400_000,
  };
}

/** `YYYY-MM-DD` → epoch ms at 00:00 UTC. */
export function dayStartOf(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
