import { and, eq, gte, lte, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { writeTransaction, type Database_ } from '../../db/client.js';
import { ApiError } from '../../errors.js';
import type { Clock } from '../../services.js';
import { effectivePolicy, type EffectiveLimit } from '../licenses/plans.js';
import type { License } from '../licenses/schema.js';
import { enqueueEvents, type OutboundEvent } from '../outbox/service.js';
import { usageMetricNames, WARNING_RATIO, type UsageMetric } from './metrics.js';
import { dayOf, dayStartOf, periodAt, type Period } from './period.js';
import { usageActiveLearners, usageDaily } from './schema.js';

/** A metric at or past 80 % of its limit. */
export interface UsageWarning {
  metric: UsageMetric;
  used: number;
  limit: number;
  enforcement: EffectiveLimit['enforcement'];
  /** When the monthly allowance starts again. */
  resetsAt: Date;
}

export interface MetricUsage {
  metric: UsageMetric;
  used: number;
  limit: number | null;
  enforcement: EffectiveLimit['enforcement'];
  source: EffectiveLimit['source'];
  /** Share of the limit used, in percent; null when unlimited. */
  percent: number | null;
  remaining: number | null;
  /** A hard limit that is used up: further use is refused until `resetsAt`. */
  exhausted: boolean;
  warning: boolean;
}

export interface UsageSnapshot {
  period: { month: string; start: Date; resetsAt: Date };
  metrics: MetricUsage[];
}

export interface DailyUsage {
  day: string;
  metrics: Record<UsageMetric, number>;
}

interface MonthState {
  licenseId: string;
  month: string;
  /** Persisted totals plus what is still waiting to be flushed. */
  totals: Map<string, number>;
  /** Subjects seen this month; loaded on the first learner request. */
  learners: Set<string> | null;
  /** Threshold events already queued from this process (the outbox dedupes across restarts). */
  fired: Set<string>;
}

interface PendingLearner {
  licenseId: string;
  month: string;
  day: string;
  subject: string;
  at: number;
}

const SEP = '\u0000';

function warnAt(max: number): number {
  return Math.ceil(max * WARNING_RATIO);
}

/**
 * Meters usage per license per calendar month (UTC) without a database write per request:
 * counts are added up in memory, where limit checks read them, and written in one
 * transaction every flush interval and on shutdown.
 *
 * What a crash can lose: whatever was counted since the last flush (at most one flush
 * interval, `USAGE_FLUSH_INTERVAL_MS`, 2 s by default) — those requests and first sightings
 * of learners are not billed, and their threshold events are queued when the count next
 * crosses the threshold. Nothing is ever counted twice: learner sightings are keyed by
 * month and subject, and events by license, metric, month and threshold.
 *
 * Several processes sharing one database each count in memory and re-read the persisted
 * totals after every flush, so a limit is enforced across them to within one flush interval.
 */
export class UsageMeter {
  readonly #database: Database_;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #states = new Map<string, MonthState>();
  #pendingCounts = new Map<string, number>();
  #pendingLearners: PendingLearner[] = [];
  #pendingEvents: OutboundEvent[] = [];
  #period: Period;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: {
    database: Database_;
    clock: Clock;
    logger: Logger;
    flushIntervalMs: number;
  }) {
    this.#database = options.database;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#period = periodAt(this.#clock.now().getTime());
    this.#timer = setInterval(() => this.#flushQuietly(), options.flushIntervalMs);
    // A pending flush must never keep a finished process (a CLI command, a test) alive.
    this.#timer.unref();
  }

  /**
   * Counts one API request for the license. Returns the refusal instead of counting when the
   * license's request allowance is a hard limit that is used up.
   */
  admitRequest(license: License): { refusal?: ApiError; warnings: UsageWarning[] } {
    const period = this.#now();
    const state = this.#state(license.id, period.month);
    const policy = effectivePolicy(license);
    const refusal = this.#refusal(state, 'api_requests', policy.limits.api_requests, 1, period);
    if (refusal) return { refusal, warnings: this.#warnings(state, license, period) };
    this.#add(state, license, 'api_requests', 1, period);
    return { warnings: this.#warnings(state, license, period) };
  }

  /**
   * Records that a learner used the license this month. A learner not yet seen this month is
   * refused when the active-learner allowance is a hard limit that is used up; learners
   * already counted keep working.
   */
  seeLearner(license: License, subject: string): { refusal?: ApiError; warnings: UsageWarning[] } {
    const period = this.#now();
    const state = this.#state(license.id, period.month);
    const seen = this.#learners(state);
    if (!seen.has(subject)) {
      const refusal = this.#refusal(
        state,
        'active_learners',
        effectivePolicy(license).limits.active_learners,
        1,
        period,
      );
      if (refusal) return { refusal, warnings: this.#warnings(state, license, period) };
      seen.add(subject);
      this.#pendingLearners.push({
        licenseId: license.id,
        month: period.month,
        day: period.day,
        subject,
        at: this.#clock.now().getTime(),
      });
      this.#bump(state, license, 'active_learners', 1, period);
    }
    return { warnings: this.#warnings(state, license, period) };
  }

  /**
   * The counter other modules report to (a course published, a redemption made). Throws
   * `usage_limit_exceeded` if the amount does not fit a hard limit, and counts nothing then.
   */
  consume(
    license: License,
    metric: Exclude<UsageMetric, 'active_learners'>,
    amount = 1,
  ): UsageWarning[] {
    if (!Number.isSafeInteger(amount) || amount < 1)
      throw new RangeError('amount must be a positive integer');
    const period = this.#now();
    const state = this.#state(license.id, period.month);
    const refusal = this.#refusal(
      state,
      metric,
      effectivePolicy(license).limits[metric],
      amount,
      period,
    );
    if (refusal) throw refusal;
    this.#add(state, license, metric, amount, period);
    return this.#warnings(state, license, period);
  }

  /** Usage of every metric this month against the license's limits. */
  snapshot(license: License): UsageSnapshot {
    const period = this.#now();
    const state = this.#state(license.id, period.month);
    const policy = effectivePolicy(license);
    const metrics = usageMetricNames.map((metric): MetricUsage => {
      const rule = policy.limits[metric];
      const used = state.totals.get(metric) ?? 0;
      const max = rule.max;
      return {
        metric,
        used,
        limit: max,
        enforcement: rule.enforcement,
        source: rule.source,
        percent: max === null ? null : max === 0 ? 100 : Math.floor((used / max) * 1000) / 10,
        remaining: max === null ? null : Math.max(0, max - used),
        exhausted: max !== null && rule.enforcement === 'hard' && used >= max,
        warning: max !== null && used >= warnAt(max),
      };
    });
    return {
      period: {
        month: period.month,
        start: new Date(period.monthStart),
        resetsAt: new Date(period.monthEnd),
      },
      metrics,
    };
  }

  /** Usage per UTC day from `from` to `to` inclusive (`YYYY-MM-DD`), counts not yet flushed included. */
  history(licenseId: string, from: string, to: string): DailyUsage[] {
    const rows = this.#database.db
      .select({ day: usageDaily.day, metric: usageDaily.metric, value: usageDaily.value })
      .from(usageDaily)
      .where(
        and(
          eq(usageDaily.licenseId, licenseId),
          gte(usageDaily.day, from),
          lte(usageDaily.day, to),
        ),
      )
      .all();
    const byDay = new Map<string, Record<UsageMetric, number>>();
    const empty = () =>
      Object.fromEntries(usageMetricNames.map((m) => [m, 0])) as Record<UsageMetric, number>;
    for (let t = dayStartOf(from); t <= dayStartOf(to); t += 86_400_000)
      byDay.set(dayOf(t), empty());
    const add = (day: string, metric: string, value: number) => {
      const entry = byDay.get(day);
      if (entry && metric in entry) entry[metric as UsageMetric] += value;
    };
    for (const row of rows) add(row.day, row.metric, row.value);
    for (const [key, value] of this.#pendingCounts) {
      const [id, metric, day] = key.split(SEP) as [string, string, string];
      if (id === licenseId) add(day, metric, value);
    }
    for (const learner of this.#pendingLearners) {
      if (learner.licenseId === licenseId) add(learner.day, 'active_learners', 1);
    }
    return [...byDay].map(([day, metrics]) => ({ day, metrics }));
  }

  /**
   * Writes everything counted so far in one transaction, then re-reads the totals of the
   * licenses in memory, which picks up what other processes sharing the database counted.
   */
  flush(): void {
    if (!this.#database.sqlite.open) {
      if (this.#hasPending())
        this.#logger.warn('usage not flushed: the database is already closed');
      return;
    }
    if (this.#hasPending()) this.#write();
    this.#refresh();
  }

  #write(): void {
    const counts = this.#pendingCounts;
    const learners = this.#pendingLearners;
    const events = this.#pendingEvents;
    this.#pendingCounts = new Map();
    this.#pendingLearners = [];
    this.#pendingEvents = [];
    try {
      writeTransaction(this.#database.db, (tx) => {
        const daily = new Map(counts);
        for (const learner of learners) {
          const inserted = tx
            .insert(usageActiveLearners)
            .values({
              licenseId: learner.licenseId,
              month: learner.month,
              subject: learner.subject,
              firstSeenAt: new Date(learner.at),
            })
            .onConflictDoNothing()
            .run();
          // Another process may have counted this learner first; count each learner once.
          if (inserted.changes > 0) {
            const key = [learner.licenseId, 'active_learners', learner.day].join(SEP);
            daily.set(key, (daily.get(key) ?? 0) + 1);
          }
        }
        for (const [key, value] of daily) {
          const [licenseId, metric, day] = key.split(SEP) as [string, string, string];
          tx.insert(usageDaily)
            .values({ licenseId, metric, day, value })
            .onConflictDoUpdate({
              target: [usageDaily.licenseId, usageDaily.metric, usageDaily.day],
              set: { value: sql`${usageDaily.value} + excluded.value` },
            })
            .run();
        }
        enqueueEvents(tx, events, this.#clock.now());
      });
    } catch (error) {
      this.#requeue(counts, learners, events);
      throw error;
    }
  }

  /** Stops the flush timer and writes what is pending. Call once, at shutdown. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#flushQuietly();
  }

  #flushQuietly(): void {
    try {
      this.flush();
    } catch (error) {
      this.#logger.error({ err: error }, 'usage flush failed; counts kept for the next attempt');
    }
  }

  #hasPending(): boolean {
    return (
      this.#pendingCounts.size > 0 ||
      this.#pendingLearners.length > 0 ||
      this.#pendingEvents.length > 0
    );
  }

  #requeue(counts: Map<string, number>, learners: PendingLearner[], events: OutboundEvent[]): void {
    for (const [key, value] of counts)
      this.#pendingCounts.set(key, (this.#pendingCounts.get(key) ?? 0) + value);
    this.#pendingLearners = [...learners, ...this.#pendingLearners];
    this.#pendingEvents = [...events, ...this.#pendingEvents];
  }

  /** Re-reads the totals of this month's licenses in memory and forgets months that are over. */
  #refresh(): void {
    const current = this.#now().month;
    for (const [key, state] of this.#states) {
      if (state.month !== current) this.#states.delete(key);
      else state.totals = this.#loadTotals(state.licenseId, state.month);
    }
  }

  #now(): Period {
    const ms = this.#clock.now().getTime();
    if (ms < this.#period.dayStart || ms >= this.#period.dayEnd) this.#period = periodAt(ms);
    return this.#period;
  }

  #state(licenseId: string, month: string): MonthState {
    const key = licenseId + SEP + month;
    let state = this.#states.get(key);
    if (!state) {
      state = {
        licenseId,
        month,
        totals: this.#loadTotals(licenseId, month),
        learners: null,
        fired: new Set(),
      };
      this.#states.set(key, state);
    }
    return state;
  }

  #loadTotals(licenseId: string, month: string): Map<string, number> {
    const rows = this.#database.db
      .select({ metric: usageDaily.metric, total: sql<number>`sum(${usageDaily.value})` })
      .from(usageDaily)
      .where(
        and(
          eq(usageDaily.licenseId, licenseId),
          gte(usageDaily.day, `${month}-01`),
          lte(usageDaily.day, `${month}-31`),
        ),
      )
      .groupBy(usageDaily.metric)
      .all();
    const totals = new Map(rows.map((r) => [r.metric, Number(r.total)]));
    for (const [key, value] of this.#pendingCounts) {
      const [id, metric, day] = key.split(SEP) as [string, string, string];
      if (id === licenseId && day.startsWith(month))
        totals.set(metric, (totals.get(metric) ?? 0) + value);
    }
    for (const learner of this.#pendingLearners) {
      if (learner.licenseId === licenseId && learner.month === month) {
        totals.set('active_learners', (totals.get('active_learners') ?? 0) + 1);
      }
    }
    return totals;
  }

  #learners(state: MonthState): Set<string> {
    if (!state.learners) {
      const rows = this.#database.db
        .select({ subject: usageActiveLearners.subject })
        .from(usageActiveLearners)
        .where(
          and(
            eq(usageActiveLearners.licenseId, state.licenseId),
            eq(usageActiveLearners.month, state.month),
          ),
        )
        .all();
      state.learners = new Set(rows.map((r) => r.subject));
      for (const learner of this.#pendingLearners) {
        if (learner.licenseId === state.licenseId && learner.month === state.month)
          state.learners.add(learner.subject);
      }
    }
    return state.learners;
  }

  #refusal(
    state: MonthState,
    metric: UsageMetric,
    rule: EffectiveLimit,
    amount: number,
    period: Period,
  ): ApiError | undefined {
    if (rule.max === null || rule.enforcement !== 'hard') return undefined;
    const used = state.totals.get(metric) ?? 0;
    if (used + amount <= rule.max) return undefined;
    const resetsAt = new Date(period.monthEnd);
    const retryAfter = Math.max(
      1,
      Math.ceil((period.monthEnd - this.#clock.now().getTime()) / 1000),
    );
    return new ApiError(
      'usage_limit_exceeded',
      `The ${metric} allowance of ${rule.max} for ${period.month} is used up; it resets at ${resetsAt.toISOString()}.`,
      {
        extensions: { metric, limit: rule.max, used, resetsAt: resetsAt.toISOString() },
        headers: { 'Retry-After': String(retryAfter) },
      },
    );
  }

  #add(
    state: MonthState,
    license: License,
    metric: UsageMetric,
    amount: number,
    period: Period,
  ): void {
    const key = license.id + SEP + metric + SEP + period.day;
    this.#pendingCounts.set(key, (this.#pendingCounts.get(key) ?? 0) + amount);
    this.#bump(state, license, metric, amount, period);
  }

  /** Raises the in-memory total and queues the 80 % / 100 % events the first time they are reached. */
  #bump(
    state: MonthState,
    license: License,
    metric: UsageMetric,
    amount: number,
    period: Period,
  ): void {
    const used = (state.totals.get(metric) ?? 0) + amount;
    state.totals.set(metric, used);
    const rule = effectivePolicy(license).limits[metric];
    if (rule.max === null) return;
    for (const threshold of [80, 100] as const) {
      const reached = threshold === 80 ? warnAt(rule.max) : rule.max;
      const key = `${metric}:${threshold}`;
      if (used < reached || state.fired.has(key)) continue;
      state.fired.add(key);
      this.#pendingEvents.push({
        licenseId: license.id,
        type: threshold === 80 ? 'usage.warning' : 'usage.limit_reached',
        dedupeKey: `usage:${license.id}:${metric}:${period.month}:${threshold}`,
        payload: {
          metric,
          threshold,
          used,
          limit: rule.max,
          enforcement: rule.enforcement,
          period: period.month,
          resetsAt: new Date(period.monthEnd).toISOString(),
        },
      });
    }
  }

  #warnings(state: MonthState, license: License, period: Period): UsageWarning[] {
    const limits = effectivePolicy(license).limits;
    let warnings: UsageWarning[] | undefined;
    for (const metric of usageMetricNames) {
      const rule = limits[metric];
      if (rule.max === null) continue;
      const used = state.totals.get(metric) ?? 0;
      if (used < warnAt(rule.max)) continue;
      (warnings ??= []).push({
        metric,
        used,
        limit: rule.max,
        enforcement: rule.enforcement,
        resetsAt: new Date(period.monthEnd),
      });
    }
    return warnings ?? [];
  }
}

/**
 * The `Liberation-Usage-Warning` header: one entry per metric at or past 80 %, e.g.
 * `api_requests; used=8000; limit=10000; percent=80; enforcement=hard; reset="2030-02-01T00:00:00.000Z"`.
 */
export function usageWarningHeader(warnings: readonly UsageWarning[]): string | undefined {
  if (warnings.length === 0) return undefined;
  return warnings
    .map(
      (w) =>
        `${w.metric}; used=${w.used}; limit=${w.limit}; percent=${w.limit === 0 ? 100 : Math.floor((w.used / w.limit) * 100)}; enforcement=${w.enforcement}; reset="${w.resetsAt.toISOString()}"`,
    )
    .join(', ');
}
