import { and, eq, gte, lte, sql } from 'drizzle-orm';
import type { Store } from '../../db/store.js';
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

/** What is counted but not written: daily counts by license, metric and day; learners; events. */
interface Batch {
  counts: Map<string, number>;
  learners: PendingLearner[];
  events: OutboundEvent[];
}

const SEP = '\u0000';

const emptyBatch = (): Batch => ({ counts: new Map(), learners: [], events: [] });

/**
 * What the meter counted but has not written yet, and the reads of what is written. Every read
 * adds what is still pending, so counts are the same before, during and after a flush.
 *
 * A flush takes what is pending inside its write and keeps it visible to reads (`#writing`)
 * until the write has settled: committed, it is in the tables; failed, it is pending again. A
 * read that the commit may have overlapped (begun before it, answered after) cannot tell
 * whether it saw the batch, so it waits for the write to settle and reads again.
 */
export class UsageStore {
  readonly #store: Store;
  #pending: Batch = emptyBatch();
  /** Taken by the flush in progress, not yet known to be committed. */
  #writing: Batch | null = null;
  /** Set from the end of a flush's write until it has settled: the commit happens in between. */
  #settling: Promise<void> | null = null;
  /** Counts the commit windows opened, so a read can tell whether one began while it ran. */
  #windows = 0;

  constructor(store: Store) {
    this.#store = store;
  }

  get pending(): boolean {
    const p = this.#pending;
    return p.counts.size > 0 || p.learners.length > 0 || p.events.length > 0;
  }

  addCount(licenseId: string, metric: UsageMetric, day: string, amount: number): void {
    const counts = this.#pending.counts;
    const key = licenseId + SEP + metric + SEP + day;
    const value = (counts.get(key) ?? 0) + amount;
    // A count given back leaves nothing to write.
    if (value === 0) counts.delete(key);
    else counts.set(key, value);
  }

  addLearner(learner: PendingLearner): void {
    this.#pending.learners.push(learner);
  }

  addEvent(event: OutboundEvent): void {
    this.#pending.events.push(event);
  }

  /** Forgets a pending event by its dedupe key; false when it is not pending (taken by a flush). */
  dropEvent(dedupeKey: string): boolean {
    const events = this.#pending.events;
    const index = events.findIndex((e) => e.dedupeKey === dedupeKey);
    if (index < 0) return false;
    events.splice(index, 1);
    return true;
  }

  /**
   * Writes everything pending in one write: daily counts, first sightings of learners and
   * threshold events. What is counted while it runs waits for the next one. On failure
   * everything it took is pending again, for the next attempt. One at a time (the meter
   * serializes its flushes), and never inside another write.
   */
  async write(now: Date): Promise<void> {
    const flush: { taken?: Batch; settle?: () => void } = {};
    try {
      await this.#store.write(async (tx) => {
        // Taken inside the write, and after the callbacks already queued have run: a write
        // that counted and failed has ended (on SQLite no other write is open while this one
        // is) and the caller has given its units back, so they are never written.
        await new Promise((resolve) => setImmediate(resolve));
        const taken = this.#pending;
        flush.taken = taken;
        this.#pending = emptyBatch();
        this.#writing = taken;
        const daily = new Map(taken.counts);
        for (const learner of taken.learners) {
          const inserted = await tx
            .insert(usageActiveLearners)
            .values({
              licenseId: learner.licenseId,
              month: learner.month,
              subject: learner.subject,
              firstSeenAt: new Date(learner.at),
            })
            .onConflictDoNothing()
            .returning({ subject: usageActiveLearners.subject });
          // Another process may have counted this learner first; count each learner once.
          if (inserted.length > 0) {
            const key = [learner.licenseId, 'active_learners', learner.day].join(SEP);
            daily.set(key, (daily.get(key) ?? 0) + 1);
          }
        }
        for (const [key, value] of daily) {
          const [licenseId, metric, day] = key.split(SEP) as [string, string, string];
          await tx
            .insert(usageDaily)
            .values({ licenseId, metric, day, value })
            .onConflictDoUpdate({
              target: [usageDaily.licenseId, usageDaily.metric, usageDaily.day],
              set: { value: sql`${usageDaily.value} + excluded.value` },
            });
        }
        await enqueueEvents(tx, taken.events, now);
        // The commit comes next: from here until the write settles, reads wait and retry.
        this.#windows += 1;
        this.#settling = new Promise((resolve) => (flush.settle = resolve));
      });
    } catch (error) {
      if (flush.taken) this.#requeue(flush.taken);
      throw error;
    } finally {
      this.#writing = null;
      this.#settling = null;
      flush.settle?.();
    }
  }

  #requeue(batch: Batch): void {
    const pending = this.#pending;
    for (const [key, value] of batch.counts) {
      const sum = (pending.counts.get(key) ?? 0) + value;
      if (sum === 0) pending.counts.delete(key);
      else pending.counts.set(key, sum);
    }
    this.#pending = {
      counts: pending.counts,
      learners: [...batch.learners, ...pending.learners],
      events: [...batch.events, ...pending.events],
    };
  }

  /** What is counted and not yet in the tables: the flush in progress, then what is pending. */
  #unwritten(): Batch[] {
    return this.#writing ? [this.#writing, this.#pending] : [this.#pending];
  }

  /**
   * Reads the tables and adds what is not written (`combine`, in the same turn as the check), so
   * that everything is counted once: read again when a flush's commit may have fallen inside.
   */
  async #read<R, T>(query: () => Promise<R>, combine: (rows: R) => T): Promise<T> {
    for (;;) {
      // Waiting (rather than reading again at once) also keeps a read that answers without
      // I/O from spinning on the microtask queue while the commit waits for the event loop.
      while (this.#settling) await this.#settling;
      const windows = this.#windows;
      const rows = await query();
      if (windows === this.#windows && !this.#settling) return combine(rows);
    }
  }

  /** A license's totals per metric for a month (`YYYY-MM`), what is not written included. */
  monthTotals(licenseId: string, month: string): Promise<Map<string, number>> {
    const query = () =>
      this.#store.db
        .select({
          metric: usageDaily.metric,
          total: sql<number>`sum(${usageDaily.value})`.mapWith(Number),
        })
        .from(usageDaily)
        .where(
          and(
            eq(usageDaily.licenseId, licenseId),
            gte(usageDaily.day, `${month}-01`),
            lte(usageDaily.day, `${month}-31`),
          ),
        )
        .groupBy(usageDaily.metric);
    return this.#read(query, (rows) =>
      this.withUnwritten(licenseId, month, new Map(rows.map((r) => [r.metric, r.total]))),
    );
  }

  /**
   * Adds what is not written yet to a license's written totals of a month. Public for the
   * transitional synchronous loader (`server/services.ts`), which reads the written totals itself.
   */
  withUnwritten(
    licenseId: string,
    month: string,
    totals: Map<string, number>,
  ): Map<string, number> {
    for (const batch of this.#unwritten()) {
      for (const [key, value] of batch.counts) {
        const [id, metric, day] = key.split(SEP) as [string, string, string];
        if (id === licenseId && day.startsWith(month))
          totals.set(metric, (totals.get(metric) ?? 0) + value);
      }
      for (const learner of batch.learners) {
        if (learner.licenseId === licenseId && learner.month === month) {
          totals.set('active_learners', (totals.get('active_learners') ?? 0) + 1);
        }
      }
    }
    return totals;
  }

  /** The subjects of the learners a license had in a month. */
  monthLearners(licenseId: string, month: string): Promise<Set<string>> {
    const query = () =>
      this.#store.db
        .select({ subject: usageActiveLearners.subject })
        .from(usageActiveLearners)
        .where(
          and(eq(usageActiveLearners.licenseId, licenseId), eq(usageActiveLearners.month, month)),
        );
    return this.#read(query, (rows) => {
      const learners = new Set(rows.map((r) => r.subject));
      for (const batch of this.#unwritten()) {
        for (const learner of batch.learners) {
          if (learner.licenseId === licenseId && learner.month === month)
            learners.add(learner.subject);
        }
      }
      return learners;
    });
  }

  /** Usage per UTC day from `from` to `to` inclusive (`YYYY-MM-DD`). */
  history(licenseId: string, from: string, to: string): Promise<DailyUsage[]> {
    const query = () =>
      this.#store.db
        .select({ day: usageDaily.day, metric: usageDaily.metric, value: usageDaily.value })
        .from(usageDaily)
        .where(
          and(
            eq(usageDaily.licenseId, licenseId),
            gte(usageDaily.day, from),
            lte(usageDaily.day, to),
          ),
        );
    return this.#read(query, (rows) => {
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
      for (const batch of this.#unwritten()) {
        for (const [key, value] of batch.counts) {
          const [id, metric, day] = key.split(SEP) as [string, string, string];
          if (id === licenseId) add(day, metric, value);
        }
        for (const learner of batch.learners) {
          if (learner.licenseId === licenseId) add(learner.day, 'active_learners', 1);
        }
      }
      return [...byDay].map(([day, metrics]) => ({ day, metrics }));
    });
  }
}
