/**
 * The store's guarantees, on whichever dialect this run uses (SQLite, or PostgreSQL in the
 * cluster pass): migrations apply once under a lock, a write is one transaction that commits
 * or rolls back whole, writes run one at a time without blocking the event loop, a lock held
 * elsewhere answers `StoreUnavailableError` (503) after the wait, reads outside a write cannot
 * write, and work registered with `afterCommit` runs only once the data is committed.
 */
import Database from 'better-sqlite3';
import { count, eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import {
  afterCommit,
  openStore,
  rows,
  shippedMigrationCount,
  StoreUnavailableError,
  type Store,
} from '../../server/db/store.js';
import { licenses } from '../../server/modules/licenses/schema.js';
import { SteppableClock } from '../fixtures/clock.js';
import { insertLicense } from '../fixtures/licenses.js';
import { createTestStore, dialect, onPostgres, type TestStore } from '../fixtures/store.js';

const opened: TestStore[] = [];
afterEach(async () => {
  for (const temp of opened.splice(0)) await temp.cleanup();
});

async function fresh(options: Parameters<typeof createTestStore>[0] = {}): Promise<TestStore> {
  const temp = await createTestStore(options);
  opened.push(temp);
  return temp;
}

const clock = new SteppableClock();
const licenseCount = async (store: Store) =>
  (await store.db.select({ n: count() }).from(licenses))[0]!.n;

describe(`store (${dialect})`, () => {
  it('applies every shipped migration once, and again changes nothing', async () => {
    const { store } = await fresh({ migrate: false });
    expect(await store.appliedMigrations()).toBe(0);
    await store.migrate();
    expect(await store.appliedMigrations()).toBe(shippedMigrationCount(dialect));
    await store.write((tx) => insertLicense(tx, clock, { id: 'lic_keep', allowedOrigins: [] }));
    await Promise.all([store.migrate(), store.migrate()]);
    expect(await store.appliedMigrations()).toBe(shippedMigrationCount(dialect));
    expect(await licenseCount(store)).toBe(1);
  });

  it('three migrations started at once by separate processes all end with the store ready', async () => {
    const temp = await fresh({ migrate: false });
    const others = await Promise.all(
      [0, 1, 2].map(() => openStore({ url: temp.url, file: temp.file })),
    );
    try {
      await Promise.all(others.map((s) => s.migrate()));
      for (const s of others) {
        expect(await s.appliedMigrations()).toBe(shippedMigrationCount(dialect));
      }
    } finally {
      await Promise.all(others.map((s) => s.close()));
    }
  });

  it('commits what a write did and returns its result; reads inside see its own changes', async () => {
    const { store } = await fresh();
    const seen = await store.write(async (tx) => {
      await insertLicense(tx, clock, { id: 'lic_tx', allowedOrigins: [] });
      // `store.db` inside a write is the write's transaction.
      return licenseCount(store);
    });
    expect(seen).toBe(1);
    expect(await licenseCount(store)).toBe(1);
  });

  it('rolls everything back and rethrows when the write fails', async () => {
    const { store } = await fresh();
    const failure = new Error('refund exceeds payment');
    await expect(
      store.write(async (tx) => {
        await insertLicense(tx, clock, { id: 'lic_gone', allowedOrigins: [] });
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await licenseCount(store)).toBe(0);
  });

  it('a write inside a write joins it: one transaction, rolled back together', async () => {
    const { store } = await fresh();
    await expect(
      store.write(async (tx) => {
        await insertLicense(tx, clock, { id: 'lic_outer', allowedOrigins: [] });
        await store.write((inner) =>
          insertLicense(inner, clock, { id: 'lic_inner', allowedOrigins: [] }),
        );
        throw new Error('undo both');
      }),
    ).rejects.toThrow('undo both');
    expect(await licenseCount(store)).toBe(0);
  });

  it('runs writes one at a time: concurrent read-then-write never loses an update', async () => {
    const { store } = await fresh();
    await store.write((tx) =>
      insertLicense(tx, clock, { id: 'lic_n', allowedOrigins: [], rateLimitPerMinute: 0 }),
    );
    await Promise.all(
      Array.from({ length: 40 }, () =>
        store.write(async (tx) => {
          const [row] = await tx.select().from(licenses).where(eq(licenses.id, 'lic_n'));
          // Yield between the read and the write, as a real write does when it awaits I/O.
          await new Promise((resolve) => setImmediate(resolve));
          await tx
            .update(licenses)
            .set({ rateLimitPerMinute: row!.rateLimitPerMinute! + 1 })
            .where(eq(licenses.id, 'lic_n'));
        }),
      ),
    );
    const [row] = await store.db.select().from(licenses).where(eq(licenses.id, 'lic_n'));
    expect(row!.rateLimitPerMinute).toBe(40);
  });

  it('refuses a write outside store.write', async () => {
    const { store } = await fresh();
    await expect(
      store.db.insert(licenses).values({
        id: 'lic_stray',
        name: 'Stray',
        plan: 'pro',
        mode: 'test',
        publishableKey: 'pk_test_stray',
        allowedOrigins: [],
        features: [],
        limits: {},
        createdAt: clock.now(),
        updatedAt: clock.now(),
      }),
    ).rejects.toSatisfy((error: Error) =>
      /readonly|read-only/.test(
        `${error.message} ${String((error.cause as Error | undefined)?.message)}`,
      ),
    );
  });

  it('runs afterCommit work once the write committed, and never for one rolled back', async () => {
    const { store } = await fresh();
    const ran: string[] = [];
    await store.write(async (tx) => {
      await insertLicense(tx, clock, { id: 'lic_a', allowedOrigins: [] });
      afterCommit(() => ran.push('committed'));
      expect(ran).toEqual([]);
    });
    expect(ran).toEqual(['committed']);
    await store
      .write(async () => {
        afterCommit(() => ran.push('rolled back'));
        throw new Error('no');
      })
      .catch(() => undefined);
    expect(ran).toEqual(['committed']);
  });

  it('answers StoreUnavailableError after the lock wait when another process holds the lock', async () => {
    const temp = await fresh({ lockWaitMs: 200 });
    const release = await holdWriteLock(temp);
    try {
      const started = Date.now();
      await expect(
        temp.store.write((tx) => insertLicense(tx, clock, { id: 'lic_late', allowedOrigins: [] })),
      ).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
      // Reads go on meanwhile.
      expect(await rows(temp.store.db, sql`select 1 as one`)).toEqual([{ one: 1 }]);
    } finally {
      await release();
    }
    await temp.store.write((tx) => insertLicense(tx, clock, { id: 'lic_now', allowedOrigins: [] }));
    expect(await licenseCount(temp.store)).toBe(1);
  });
});

/** Another process taking the store's write lock (SQLite's file lock, or the advisory lock). */
async function holdWriteLock(temp: TestStore): Promise<() => Promise<void>> {
  if (!onPostgres) {
    const other = new Database(temp.file, { timeout: 0 });
    other.exec('BEGIN IMMEDIATE');
    return () => {
      other.exec('ROLLBACK');
      other.close();
      return Promise.resolve();
    };
  }
  const client = new pg.Client({ connectionString: temp.url });
  await client.connect();
  await client.query('begin');
  await client.query(`select pg_advisory_xact_lock(${0x4c58}, hashtext(''))`);
  return async () => {
    await client.query('rollback');
    await client.end();
  };
}
