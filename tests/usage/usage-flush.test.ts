import { afterEach, describe, expect, it } from 'vitest';
import { usageDaily } from '../../server/db/schema.js';
import { activeWrite, type Db, type Store } from '../../server/db/store.js';
import { UsageStore } from '../../server/modules/usage/store.js';
import { createLicense, startHarness, type Harness } from '../fixtures/harness.js';
import { usageEvents } from '../fixtures/usage-events.js';

/**
 * A flush writes on the store asynchronously while requests keep reading and counting. Whatever
 * moment a read falls on (before the flush takes the counts, while it writes, around its
 * commit, after), the counts are read exactly once; a unit counted in a write that fails is
 * given back before a flush can take it; and shutdown writes what is pending.
 */
describe('usage flushes on the async store', () => {
  let h: Harness;
  afterEach(() => h?.close());

  const immediate = () => new Promise((resolve) => setImmediate(resolve));

  /**
   * The store as a network makes it: each statement runs when it is sent (its snapshot taken
   * then) and its answer arrives a turn of the event loop later, and so does a commit's. On
   * SQLite alone a flush runs from start to commit without letting any other request in.
   */
  function overNetwork(real: Store, readDelay: number): Store {
    const slowDb = (db: Db, delay: number): Db => {
      const late = <T>(promise: Promise<T>) =>
        promise.then(async (value) => {
          for (let i = 0; i < delay; i++) await immediate();
          return value;
        });
      const slow = <T extends object>(builder: T): T =>
        new Proxy(builder, {
          get(target, property) {
            if (property === 'then') {
              const answer = late(Promise.resolve(target as unknown as PromiseLike<unknown>));
              return (ok: (v: unknown) => unknown, fail: (e: unknown) => unknown) =>
                answer.then(ok, fail);
            }
            const value: unknown = Reflect.get(target, property);
            if (typeof value !== 'function') return value;
            return (...args: unknown[]) => {
              const out: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
              if (out instanceof Promise) return late(out);
              return out !== null && typeof out === 'object' ? slow(out) : out;
            };
          },
        });
      return slow(db);
    };
    return {
      ...real,
      // A slow read can be sent before a commit and answered after the write has settled.
      get db() {
        return slowDb(real.db, readDelay);
      },
      write: async (fn, options) => {
        const result = await real.write((tx) => fn(slowDb(tx, 1)), options);
        await immediate();
        return result;
      },
    };
  }

  it('counts what a flush is writing once, whenever the read falls', async () => {
    h = await startHarness();
    const acme = await createLicense(h.services);
    const id = acme.license.id;
    // Reads sent from before the flush takes the counts to after it has committed them, and
    // answered as fast as the write's statements or slower.
    const moments = [0, 1, 4].flatMap((readDelay) =>
      Array.from({ length: 10 }, (_, immediates) =>
        [0, 1, 3].map((turns) => ({ readDelay, immediates, turns })),
      ).flat(),
    );
    const stores = new Map(
      [0, 1, 4].map((delay) => [delay, new UsageStore(overNetwork(h.services.store, delay))]),
    );
    for (const [index, moment] of moments.entries()) {
      const store = stores.get(moment.readDelay)!;
      const expected = index + 1;
      store.addCount(id, 'courses', '2030-01-16', 1);
      store.addLearner({
        licenseId: id,
        month: '2030-01',
        day: '2030-01-16',
        subject: `s${index}`,
        at: h.clock.now().getTime(),
      });
      const write = store.write(h.clock.now());
      const read = (async () => {
        for (let i = 0; i < moment.immediates; i++) await immediate();
        for (let i = 0; i < moment.turns; i++) await Promise.resolve();
        return Promise.all([
          store.monthTotals(id, '2030-01'),
          store.monthLearners(id, '2030-01'),
          store.history(id, '2030-01-16', '2030-01-16'),
        ]);
      })();
      const [[totals, learners, [day]]] = await Promise.all([read, write]);
      expect({ moment, totals: Object.fromEntries(totals) }).toEqual({
        moment,
        totals: { courses: expected, active_learners: expected },
      });
      expect(learners.size).toBe(expected);
      expect(day!.metrics).toMatchObject({ courses: expected, active_learners: expected });
    }
    expect([...stores.values()].some((store) => store.pending)).toBe(false);
  });

  it('keeps the counts pending when the write fails, and writes them next time', async () => {
    h = await startHarness();
    const acme = await createLicense(h.services);
    const id = acme.license.id;
    const store = new UsageStore(h.services.store);
    store.addCount(id, 'courses', '2030-01-16', 2);
    // A count for a license that does not exist fails the write (foreign key).
    store.addCount('lic_missing', 'courses', '2030-01-16', 1);
    await expect(store.write(h.clock.now())).rejects.toThrow();
    expect(store.pending).toBe(true);
    expect((await store.monthTotals(id, '2030-01')).get('courses')).toBe(2);
    const written = await h.store.db.select().from(usageDaily);
    expect(written).toEqual([]);
  });

  it('a flush asked for while a write counts waits for it: a unit given back is never written', async () => {
    h = await startHarness();
    const acme = await createLicense(h.services, { plan: 'free' });
    const license = (await h.services.licenses.getById(acme.license.id))!;
    const usage = h.services.usage;
    await usage.load(license.id);
    usage.consume(license, 'courses', 7);
    await usage.flush();
    let flushing: Promise<void> | undefined;
    // Callers reach the store through a few async layers (idempotency, retries, …): the failed
    // write's rejection takes that many turns to reach the code that gives the unit back.
    const layered = async <T>(depth: number, f: () => Promise<T>): Promise<T> =>
      depth === 0 ? f() : await layered(depth - 1, f);
    // As the allowances do: count inside the write, give the unit back when it fails.
    const spend = async () => {
      const at = h.clock.now();
      try {
        await layered(10, () =>
          h.services.store.write(async () => {
            // The 8th of 10: 80 %, which queues usage.warning.
            expect(usage.consume(license, 'courses')).toHaveLength(1);
            // The flush timer fires meanwhile (outside this write, as timers run).
            flushing = activeWrite.exit(() => usage.flush());
            await new Promise((resolve) => setTimeout(resolve, 10));
            throw new Error('not committed');
          }),
        );
      } catch (error) {
        usage.release(license, 'courses', 1, at);
        throw error;
      }
    };
    await expect(spend()).rejects.toThrow('not committed');
    await flushing;
    expect(await usageEvents(h.services.store.db, license.id)).toEqual([]);
    const rows = await h.store.db.select().from(usageDaily);
    expect(rows.map((r) => [r.metric, r.value])).toEqual([['courses', 7]]);
    expect((await usage.snapshot(license)).metrics[2]).toMatchObject({ used: 7 });
  });

  it('close writes what is pending once; a flush after it writes nothing', async () => {
    h = await startHarness();
    const acme = await createLicense(h.services);
    const license = (await h.services.licenses.getById(acme.license.id))!;
    const usage = h.services.usage;
    await usage.admitRequest(license);
    const closing = usage.close();
    expect(usage.close()).toBe(closing);
    await closing;
    const written = async () =>
      (await h.store.db.select().from(usageDaily)).map((r) => [r.metric, r.value]);
    expect(await written()).toEqual([['api_requests', 1]]);
    await usage.admitRequest(license);
    await usage.flush();
    expect(await written()).toEqual([['api_requests', 1]]);
  });
});
