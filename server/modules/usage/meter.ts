import type { Logger } from 'pino';
import type { Database_ } from '../../db/client.js';
import { ApiError } from '../../errors.js';
import type { Clock } from '../../services.js';
import { effectivePolicy } from '../licenses/plans.js';
import type { License } from '../licenses/schema.js';
import {
  usageMetricNames,
  type DailyUsage,
  type Enforcement,
  type LimitRule,
  type MetricUsage,
  type UsageMetric,
  type UsageSummary,
  type UsageThresholdEvent,
} from './contract.js';
import { periodAt, type Period } from './period.js';
import { UsageStore } from './store.js';

/** Share of a limit at which responses start to warn and a `usage.warning` event is queued. */
const WARNING_RATIO = 0.8;

/** A metric at or past 80 % of its limit. */
export interface UsageWarning {
  metric: UsageMetric;
  used: number;
  limit: number;
  enforcement: Enforcement;
  /** When the monthly allowance starts again. */
  resetsAt: Date;
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

function warnAt(max: number): number {
  return Math.ceil(max * WARNING_RATIO);
}

/** The outbox dedupe key of a threshold event: once per license, metric, month and threshold. */
function thresholdKey(licenseId: string, metric: UsageMetric, month: string, threshold: 80 | 100) {
  return `usage:${licenseId}:${metric}:${month}:${threshold}`;
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
  readonly #store: UsageStore;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #states = new Map<string, MonthState>();
  #period: Period;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: {
    database: Database_;
    clock: Clock;
    logger: Logger;
    flushIntervalMs: number;
  }) {
    this.#store = new UsageStore(options.database);
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#period = periodAt(this.#clock.now().getTime());
    this.#timer = setInterval(() => this.#flushQuietly(), options.flushIntervalMs);
    // A pending flush must never keep a finished process (a CLI command, a test) alive.
    this.#timer.unref();
  }

  /**
   * Counts one API request for the license. Returns the refusal instead of counting when the
   * license's request allowance is a hard limit that is used up. `count: false` only checks:
   * for requests that have an allowance of their own (publishable key without an Origin) but
   * are refused all the same once the license is over its plan.
   */
  admitRequest(
    license: License,
    options: { count?: boolean } = {},
  ): { refusal?: ApiError; warnings: UsageWarning[] } {
    const period = this.#now();
    const state = this.#state(license.id, period.month);
    const policy = effectivePolicy(license);
    const refusal = this.#refusal(state, 'api_requests', policy.limits.api_requests, 1, period);
    if (refusal) return { refusal, warnings: this.#warnings(state, license, period) };
    if (options.count ?? true) this.#add(state, license, 'api_requests', 1, period);
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
      this.#store.addLearner({
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

  /**
   * Gives back what {@link consume} counted, for a write that then did not commit: the count
   * and the threshold events it queued go, as if it had never been counted. Call it in the same
   * turn of the event loop as the consume (the write transactions are synchronous), before a
   * flush can have written the count.
   */
  release(license: License, metric: Exclude<UsageMetric, 'active_learners'>, amount = 1): void {
    const period = this.#now();
    const state = this.#state(license.id, period.month);
    const used = Math.max(0, (state.totals.get(metric) ?? 0) - amount);
    state.totals.set(metric, used);
    this.#store.addCount(license.id, metric, period.day, -amount);
    const max = effectivePolicy(license).limits[metric].max;
    if (max === null) return;
    for (const threshold of [80, 100] as const) {
      const key = `${metric}:${threshold}`;
      if (used >= (threshold === 80 ? warnAt(max) : max) || !state.fired.has(key)) continue;
      if (this.#store.dropEvent(thresholdKey(license.id, metric, period.month, threshold)))
        state.fired.delete(key);
    }
  }

  /** The metrics of the license at or past 80 % of their limits, as of now. */
  warnings(license: License): UsageWarning[] {
    const period = this.#now();
    return this.#warnings(this.#state(license.id, period.month), license, period);
  }

  /** Usage of every metric this month against the license's limits. */
  snapshot(license: License): UsageSummary {
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
        start: new Date(period.monthStart).toISOString(),
        resetsAt: new Date(period.monthEnd).toISOString(),
      },
      metrics,
    };
  }

  /** Usage per UTC day from `from` to `to` inclusive (`YYYY-MM-DD`), counts not yet flushed included. */
  history(licenseId: string, from: string, to: string): DailyUsage[] {
    return this.#store.history(licenseId, from, to);
  }

  /**
   * Writes everything counted so far in one transaction, then re-reads the totals of the
   * licenses in memory, which picks up what other processes sharing the database counted.
   */
  flush(): void {
    if (!this.#store.open) {
      if (this.#store.pending)
        this.#logger.warn('usage not flushed: the database is already closed');
      return;
    }
    if (this.#store.pending) this.#store.write(this.#clock.now());
    this.#refresh();
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

  /** Re-reads the totals of this month's licenses in memory and forgets months that are over. */
  #refresh(): void {
    const current = this.#now().month;
    for (const [key, state] of this.#states) {
      if (state.month !== current) this.#states.delete(key);
      else state.totals = this.#store.monthTotals(state.licenseId, state.month);
    }
  }

  #now(): Period {
    const ms = this.#clock.now().getTime();
    if (ms < this.#period.dayStart || ms >= this.#period.dayEnd) this.#period = periodAt(ms);
    return this.#period;
  }

  #state(licenseId: string, month: string): MonthState {
    const key = `${licenseId}:${month}`;
    let state = this.#states.get(key);
    if (!state) {
      state = {
        licenseId,
        month,
        totals: this.#store.monthTotals(licenseId, month),
        learners: null,
        fired: new Set(),
      };
      this.#states.set(key, state);
    }
    return state;
  }

  #learners(state: MonthState): Set<string> {
    state.learners ??= this.#store.monthLearners(state.licenseId, state.month);
    return state.learners;
  }

  #refusal(
    state: MonthState,
    metric: UsageMetric,
    rule: LimitRule,
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
    this.#store.addCount(license.id, metric, period.day, amount);
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
      const payload: UsageThresholdEvent = {
        metric,
        threshold,
        used,
        limit: rule.max,
        enforcement: rule.enforcement,
        period: period.month,
        resetsAt: new Date(period.monthEnd).toISOString(),
      };
      this.#store.addEvent({
        licenseId: license.id,
        type: threshold === 80 ? 'usage.warning' : 'usage.limit_reached',
        dedupeKey: thresholdKey(license.id, metric, period.month, threshold),
        payload,
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
