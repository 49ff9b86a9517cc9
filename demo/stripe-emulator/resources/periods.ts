import type { Interval } from './catalog.js';

const DAY = 86400;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * `anchor` plus `count` intervals. Months keep the anchor's day where the month has it and
 * fall back to the month's last day otherwise (31 Jan → 28 Feb → 31 Mar), as Stripe bills.
 */
export function addIntervals(anchor: number, interval: Interval, count: number): number {
  if (interval === 'day') return anchor + count * DAY;
  if (interval === 'week') return anchor + count * 7 * DAY;
  const start = new Date(anchor * 1000);
  const months = interval === 'year' ? count * 12 : count;
  const firstOfTarget = new Date(
    Date.UTC(
      start.getUTCFullYear(),
      start.getUTCMonth() + months,
      1,
      start.getUTCHours(),
      start.getUTCMinutes(),
      start.getUTCSeconds(),
    ),
  );
  const lastDay = new Date(
    Date.UTC(firstOfTarget.getUTCFullYear(), firstOfTarget.getUTCMonth() + 1, 0),
  ).getUTCDate();
  firstOfTarget.setUTCDate(Math.min(start.getUTCDate(), lastDay));
  return Math.floor(firstOfTarget.getTime() / 1000);
}

/** The first period boundary after `after`, counting whole periods from the billing anchor. */
export function nextBoundary(
  anchor: number,
  interval: Interval,
  intervalCount: number,
  after: number,
): number {
  let k = 1;
  let boundary = addIntervals(anchor, interval, intervalCount);
  while (boundary <= after) {
    k += 1;
    boundary = addIntervals(anchor, interval, intervalCount * k);
  }
  return boundary;
}

/** `15 Mar 2026`, the date format of Stripe's proration line descriptions. */
export function formatDate(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

export const SECONDS_PER_DAY = DAY;
