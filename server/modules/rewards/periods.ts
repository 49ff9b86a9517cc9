import { leaderboardWindows, type LeaderboardWindow } from './contract.js';

/**
 * Calendar periods in a license's time zone: local days for the daily caps, and the weeks
 * (starting Monday) and months leaderboards are kept for.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local calendar date (`YYYY-MM-DD`) of `at` in `timeZone`. */
export function localDay(at: Date, timeZone: string): string {
  const parts = formatter(timeZone).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Plain calendar arithmetic on `YYYY-MM-DD`, independent of any zone. */
function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function mondayOf(day: string): string {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return addDays(day, -((weekday + 6) % 7));
}

/** The period id of `window` containing the local day `day`. */
export function periodOfDay(window: LeaderboardWindow, day: string): string {
  if (window === 'all') return 'all';
  if (window === 'month') return `month:${day.slice(0, 7)}`;
  return `week:${mondayOf(day)}`;
}

/** Every period an earning at `at` counts towards. */
export function periodsAt(at: Date, timeZone: string): string[] {
  const day = localDay(at, timeZone);
  return leaderboardWindows.map((w) => periodOfDay(w, day));
}

/** The period of `window` `offset` periods before the one containing `at` (0 = current). */
export function periodBefore(
  window: LeaderboardWindow,
  at: Date,
  timeZone: string,
  offset: number,
): string {
  const day = localDay(at, timeZone);
  if (window === 'all') return 'all';
  if (window === 'week') return periodOfDay('week', addDays(mondayOf(day), -7 * offset));
  const [y, m] = day.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) - offset;
  const month = String((index % 12) + 1).padStart(2, '0');
  return `month:${Math.floor(index / 12)}-${month}`;
}

const periodPattern = /^(all|week:\d{4}-\d{2}-\d{2}|month:\d{4}-\d{2})$/;

/** Whether `period` names a period of `window` (weeks must start on a Monday). */
export function isPeriodOf(window: LeaderboardWindow, period: string): boolean {
  if (!periodPattern.test(period)) return false;
  if (window === 'all') return period === 'all';
  if (window === 'month') return period.startsWith('month:');
  if (!period.startsWith('week:')) return false;
  const day = period.slice(5);
  return !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && mondayOf(day) === day;
}
