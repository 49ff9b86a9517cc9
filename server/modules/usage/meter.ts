import type { Logger } from 'pino';
import { activeWrite, type Store } from '../../db/store.js';
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
import type { SharedCounts } from './shared-counts.js';
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
  /** The load of `learners` in progress, shared by the requests waiting for it. */
  learnersLoading?: Promise<Set<string>>;
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
 * A license's totals of the month are read once, on its first use in this process
 * ({@link load}; the async methods load by themselves), and re-read after every flush. The
 * checks and counts themselves are synchronous, so a check and the count it allows are never
 * split by another request. {@link consume} and {@link release} are synchronous for the
 * modules that count inside their writes: the month must be loaded first.
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
  readonly #shared: SharedCounts | undefined;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #states = new Map<string, MonthState>();
  /** Loads of month states in progress, shared by the requests waiting for them. */
  readonly #loading = new Map<string, Promise<MonthState>>();
  #period: Period;
  #timer: NodeJS.Timeout | undefined;
  /** The flush in progress (or the last one); the next one starts after it. */
  #flushing: Promise<void> = Promise.resolve();
  #closing: Promise<void> | undefined;
  /** Set once the final flush of {@link close} is done: later flushes only warn. */
  #closed = false;

  constructor(options: {
    store: Store;
    clock: Clock;
    logger: Logger;
    flushIntervalMs: number;
    /**
     * A cluster's shared counts (Redis): hard limits are checked and counted there, exactly,
     * before this process counts for the record. Without it, limits hold per process.
     */
    shared?: SharedCounts;
  }) {
    this.#shared = options.shared;
    this.#store = new UsageStore(options.store);
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#period = periodAt(this.#clock.now().getTime());
    this.#timer = setInterval(() => void this.#flushQuietly(), options.flushIntervalMs);
    // A pending flush must never keep a finished process (a CLI command, a test) alive.
    this.#timer.unref();
  }

  /**
   * Reads the license's totals of this month into memory unless they are there, so that
   * {@link consume} and {@link release} can count synchronously. Await it before them.
   */
  async load(licenseId: string): Promise<void> {
    await this.#ensure(licenseId, this.#now().month);
  }

  /**
   * Counts one API request for the license. Returns the refusal instead of counting when the
   * license's request allowance is a hard limit that is used up. `count: false` only checks:
   * for requests that have an allowance of their own (publishable key without an Origin) but
   * are refused all the same once the license is over its plan.
   */
  async admitRequest(
    license: License,
    options: { count?: boolean } = {},
  ): Promise<{ refusal?: ApiError; warnings: UsageWarning[] }> {
    const period = this.#now();
    const state = await this.#ensure(license.id, period.month);
    const rule = effectivePolicy(license).limits.api_requests;
    const count = options.count ?? true;
    const refusal = this.#isShared(rule)
      ? await this.#sharedGate(state, license, 'api_requests', count ? 1 : 0, rule, period)
      : this.#refusal(state, 'api_requests', rule, 1, period);
    if (refusal) return { refusal, warnings: this.#warnings(state, license, period) };
    if (count) this.#add(state, license, 'api_requests', 1, period);
    return { warnings: this.#warnings(state, license, period) };
  }

  /**
   * Records that a learner used the license this month. A learner not yet seen this month is
   * refused when the active-learner allowance is a hard limit that is used up; learners
   * already counted keep working.
   */
  async seeLearner(
    license: License,
    subject: string,
  ): Promise<{ refusal?: ApiError; warnings: UsageWarning[] }> {
    const period = this.#now();
    const state = await this.#ensure(license.id, period.month);
    const seen = state.learners ?? (await this.#learners(state));
    const rule = effectivePolicy(license).limits.active_learners;
    if (this.#shared && !seen.has(subject)) {
      // In a cluster the set of the month's learners is shared: whoever counted a learner
      // first records the sighting; every process admits a learner counted anywhere.
      const shared = await this.#shared.see(
        { licenseId: license.id, month: period.month },
        subject,
        rule.max !== null && rule.enforcement === 'hard' ? rule.max : null,
        async () => [...(await this.#store.monthLearners(license.id, period.month))],
      );
      if (!shared.admitted) {
        state.totals.set(
          'active_learners',
          Math.max(state.totals.get('active_learners') ?? 0, shared.total),
        );
        const refusal = this.#refusal(state, 'active_learners', rule, 1, period)!;
        return { refusal, warnings: this.#warnings(state, license, period) };
      }
      if (!shared.counted) {
        seen.add(subject);
        return { warnings: this.#warnings(state, license, period) };
      }
    }
    // From here on synchronous: the check and the count are never split by another request.
    if (!seen.has(subject)) {
      const refusal = this.#shared
        ? undefined
        : this.#refusal(state, 'active_learners', rule, 1, period);
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
   * Synchronous, for use inside a write: {@link load} the license first.
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
   * {@link consume} for a module's allowance, exact across a cluster: with shared counts the
   * hard limit is checked and counted there first. Resolves to what gives the unit back.
   */
  async reserve(
    license: License,
    metric: Exclude<UsageMetric, 'active_learners'>,
  ): Promise<() => Promise<void>> {
    const period = this.#now();
    const state = await this.#ensure(license.id, period.month);
    const rule = effectivePolicy(license).limits[metric];
    const at = this.#clock.now();
    if (this.#isShared(rule)) {
      const refusal = await this.#sharedGate(state, license, metric, 1, rule, period);
      if (refusal) throw refusal;
      this.#add(state, license, metric, 1, period);
      return async () => {
        this.release(license, metric, 1, at);
        await this.#shared!.release({ licenseId: license.id, month: period.month, metric }, 1);
      };
    }
    this.consume(license, metric);
    return () => {
      this.release(license, metric, 1, at);
      return Promise.resolve();
    };
  }

  /**
   * Gives back what {@link consume} counted, for a write that then did not commit: the count
   * and the threshold events it queued go, as if it had never been counted. `at` is when the
   * consume counted (default now), so a write that ends on the next day gives back the right
   * day's count. A flush that ran between the two has written the count already: the negative
   * count then follows it in the next flush, and a threshold event it wrote stays queued (the
   * same as a release after a flush always did).
   */
  release(
    license: License,
    metric: Exclude<UsageMetric, 'active_learners'>,
    amount = 1,
    at: Date = this.#clock.now(),
  ): void {
    const period = periodAt(at.getTime());
    this.#store.addCount(license.id, metric, period.day, -amount);
    // The month's totals are in memory unless the month is over (forgotten at a flush).
    const state = this.#states.get(`${license.id}:${period.month}`);
    if (!state) return;
    const used = Math.max(0, (state.totals.get(metric) ?? 0) - amount);
    state.totals.set(metric, used);
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
  async warnings(license: License): Promise<UsageWarning[]> {
    const period = this.#now();
    return this.#warnings(await this.#ensure(license.id, period.month), license, period);
  }

  /** Usage of every metric this month against the license's limits. */
  async snapshot(license: License): Promise<UsageSummary> {
    const period = this.#now();
    return this.#summary(await this.#ensure(license.id, period.month), license, period);
  }

  #summary(state: MonthState, license: License, period: Period): UsageSummary {
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
  history(licenseId: string, from: string, to: string): Promise<DailyUsage[]> {
    return this.#store.history(licenseId, from, to);
  }

  /**
   * Writes everything counted so far in one write, then re-reads the totals of the licenses in
   * memory, which picks up what other processes sharing the database counted. One flush at a
   * time: a flush asked for while one runs starts after it. Rejects when the write fails (the
   * counts stay pending for the next attempt). Not to be awaited inside a write: it waits for
   * that write to end.
   */
  flush(): Promise<void> {
    // Always a write of its own: asked for inside another write, it must not join it.
    const run = this.#flushing.then(() => activeWrite.exit(() => this.#flushOnce()));
    this.#flushing = run.catch(() => {});
    return run;
  }

  /**
   * Stops the flush timer and writes what is pending; the same promise on every call. It never
   * rejects (a failure is logged), and the timer stops before it first yields, so a caller
   * that cannot wait loses only what is pending. Await it at shutdown before the store closes.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      clearInterval(this.#timer);
      await this.#flushQuietly();
      this.#closed = true;
    })();
    return this.#closing;
  }

  async #flushOnce(): Promise<void> {
    if (this.#closed) {
      if (this.#store.pending) this.#logger.warn('usage not flushed: the meter is already closed');
      return;
    }
    if (this.#store.pending) await this.#store.write(this.#clock.now());
    await this.#refresh();
  }

  async #flushQuietly(): Promise<void> {
    try {
      await this.flush();
    } catch (error) {
      this.#logger.error({ err: error }, 'usage flush failed; counts kept for the next attempt');
    }
  }

  /** Re-reads the totals of this month's licenses in memory and forgets months that are over. */
  async #refresh(): Promise<void> {
    const current = this.#now().month;
    for (const [key, state] of [...this.#states]) {
      if (state.month !== current) this.#states.delete(key);
      else state.totals = await this.#store.monthTotals(state.licenseId, state.month);
    }
  }

  #now(): Period {
    const ms = this.#clock.now().getTime();
    if (ms < this.#period.dayStart || ms >= this.#period.dayEnd) this.#period = periodAt(ms);
    return this.#period;
  }

  /** The month's state, read from the store on first use. */
  #ensure(licenseId: string, month: string): MonthState | Promise<MonthState> {
    const key = `${licenseId}:${month}`;
    const state = this.#states.get(key);
    if (state) return state;
    let loading = this.#loading.get(key);
    if (!loading) {
      loading = this.#store.monthTotals(licenseId, month).then(
        (totals) => {
          this.#loading.delete(key);
          // The synchronous loader may have been first; its state is as current as this one.
          return this.#states.get(key) ?? this.#remember(key, licenseId, month, totals);
        },
        (error: unknown) => {
          this.#loading.delete(key);
          throw error;
        },
      );
      this.#loading.set(key, loading);
    }
    return loading;
  }

  /** The month's state, which must be in memory (see {@link load}) for synchronous callers. */
  #state(licenseId: string, month: string): MonthState {
    const key = `${licenseId}:${month}`;
    const state = this.#states.get(key);
    if (state) return state;
    throw new Error(
      `The usage of ${licenseId} for ${month} is not in memory: await usage.load() before counting.`,
    );
  }

  #remember(key: string, licenseId: string, month: string, totals: Map<string, number>) {
    const state: MonthState = { licenseId, month, totals, learners: null, fired: new Set() };
    this.#states.set(key, state);
    return state;
  }

  #learners(state: MonthState): Promise<Set<string>> {
    state.learnersLoading ??= this.#store.monthLearners(state.licenseId, state.month).then(
      (learners) => {
        state.learnersLoading = undefined;
        state.learners ??= learners;
        return state.learners;
      },
      (error: unknown) => {
        state.learnersLoading = undefined;
        throw error;
      },
    );
    return state.learnersLoading;
  }

  #isShared(rule: LimitRule): boolean {
    return this.#shared !== undefined && rule.max !== null && rule.enforcement === 'hard';
  }

  /**
   * Checks and counts `amount` against the cluster's shared total (0 only checks that one
   * more would fit). A refusal reports the cluster's total.
   */
  async #sharedGate(
    state: MonthState,
    license: License,
    metric: UsageMetric,
    amount: number,
    rule: LimitRule,
    period: Period,
  ): Promise<ApiError | undefined> {
    const key = { licenseId: license.id, month: period.month, metric };
    const seed = async () =>
      (await this.#store.monthTotals(license.id, period.month)).get(metric) ?? 0;
    let total: number;
    if (amount === 0) {
      total = (await this.#shared!.total(key)) ?? (await seed());
      if (total + 1 <= rule.max!) return undefined;
    } else {
      const added = await this.#shared!.add(key, amount, rule.max, seed);
      if (added.admitted) return undefined;
      total = added.total;
    }
    state.totals.set(metric, Math.max(state.totals.get(metric) ?? 0, total));
    return this.#refusal(state, metric, rule, Math.max(1, amount), period);
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
