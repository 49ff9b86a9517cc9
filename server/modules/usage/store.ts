import { and, eq, gte, lte, sql } from 'drizzle-orm';
import { writeTransaction, type Database_ } from '../../db/client.js';
import { enqueueEvents, type OutboundEvent } from '../outbox/service.js';
import { usageMetricNames, type DailyUsage, type UsageMetric } from './contract.js';
import { dayOf, dayStartOf } from './period.js';
import { usageActiveLearners, usageDaily } from './schema.js';

/** A learner first seen this month, not yet written. */
export interface PendingLearner {
  licenseId: string;
  month: string;
  day: string;
  subject: string;
  at: number;
}

const SEP = '\u0000';

/**
 * What the meter counted but has not written yet, and the reads of what is written. Every read
 * adds what is still pending, so counts are the same before and after a flush.
 */
export class UsageStore {
  readonly #database: Database_;
  #counts = new Map<string, number>();
  #learners: PendingLearner[] = [];
  #events: OutboundEvent[] = [];

  constructor(database: Database_) {
    this.#database = database;
  }

  /** Whether the database can still be written (it is closed last at shutdown). */
  get open(): boolean {
    return this.#database.sqlite.open;
  }

  get pending(): boolean {
    return this.#counts.size > 0 || this.#learners.length > 0 || this.#events.length > 0;
  }

  addCount(licenseId: string, metric: UsageMetric, day: string, amount: number): void {
    const key = licenseId + SEP + metric + SEP + day;
    const value = (this.#counts.get(key) ?? 0) + amount;
    // A count given back leaves nothing to write.
    if (value === 0) this.#counts.delete(key);
    else this.#counts.set(key, value);
  }

  addLearner(learner: PendingLearner): void {
    this.#learners.push(learner);
  }

  addEvent(event: OutboundEvent): void {
    this.#events.push(event);
  }

  /** Forgets a pending event by its dedupe key; false when it is not pending (written already). */
  dropEvent(dedupeKey: string): boolean {
    const index = this.#events.findIndex((e) => e.dedupeKey === dedupeKey);
    if (index < 0) return false;
    this.#events.splice(index, 1);
    return true;
  }

  /**
   * Writes everything pending in one transaction: daily counts, first sightings of learners
   * and threshold events. On failure everything stays pending for the next attempt.
   */
  write(now: Date): void {
    const counts = this.#counts;
    const learners = this.#learners;
    const events = this.#events;
    this.#counts = new Map();
    this.#learners = [];
    this.#events = [];
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
        enqueueEvents(tx, events, now);
      });
    } catch (error) {
      this.#requeue(counts, learners, events);
      throw error;
    }
  }

  #requeue(counts: Map<string, number>, learners: PendingLearner[], events: OutboundEvent[]): void {
    for (const [key, value] of counts) this.#counts.set(key, (this.#counts.get(key) ?? 0) + value);
    this.#learners = [...learners, ...this.#learners];
    this.#events = [...events, ...this.#events];
  }

  /** A license's totals per metric for a month (`YYYY-MM`). */
  monthTotals(licenseId: string, month: string): Map<string, number> {
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
    for (const [key, value] of this.#counts) {
      const [id, metric, day] = key.split(SEP) as [string, string, string];
      if (id === licenseId && day.startsWith(month))
        totals.set(metric, (totals.get(metric) ?? 0) + value);
    }
    for (const learner of this.#learners) {
      if (learner.licenseId === licenseId && learner.month === month) {
        totals.set('active_learners', (totals.get('active_learners') ?? 0) + 1);
      }
    }
    return totals;
  }

  /** The subjects of the learners a license had in a month. */
  monthLearners(licenseId: string, month: string): Set<string> {
    const rows = this.#database.db
      .select({ subject: usageActiveLearners.subject })
      .from(usageActiveLearners)
      .where(
        and(eq(usageActiveLearners.licenseId, licenseId), eq(usageActiveLearners.month, month)),
      )
      .all();
    const learners = new Set(rows.map((r) => r.subject));
    for (const learner of this.#learners) {
      if (learner.licenseId === licenseId && learner.month === month) learners.add(learner.subject);
    }
    return learners;
  }

  /** Usage per UTC day from `from` to `to` inclusive (`YYYY-MM-DD`). */
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
    for (const [key, value] of this.#counts) {
      const [id, metric, day] = key.split(SEP) as [string, string, string];
      if (id === licenseId) add(day, metric, value);
    }
    for (const learner of this.#learners) {
      if (learner.licenseId === licenseId) add(learner.day, 'active_learners', 1);
    }
    return [...byDay].map(([day, metrics]) => ({ day, metrics }));
  }
}
