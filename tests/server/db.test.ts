import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import {
  appliedMigrationCount,
  applyMigrations,
  shippedMigrationCount,
  writeTransaction,
} from '../../server/db/client.js';
import { licenses } from '../../server/modules/licenses/schema.js';
import { SteppableClock } from '../fixtures/clock.js';
import { createTempDatabase, type TempDatabase } from '../fixtures/database.js';
import { insertLicense } from '../fixtures/licenses.js';

let temp: TempDatabase | undefined;
const others: Database.Database[] = [];

function fresh(options?: { migrate?: boolean }): TempDatabase {
  temp = createTempDatabase(options);
  return temp;
}

/** A second connection to the same file that fails at once instead of waiting for a lock. */
function secondConnection(file: string): Database.Database {
  const other = new Database(file, { timeout: 0 });
  others.push(other);
  return other;
}

function canTakeWriteLock(other: Database.Database): boolean {
  try {
    other.exec('BEGIN IMMEDIATE');
    other.exec('ROLLBACK');
    return true;
  } catch (error) {
    expect((error as { code?: string }).code).toBe('SQLITE_BUSY');
    return false;
  }
}

afterEach(() => {
  for (const other of others.splice(0)) other.close();
  temp?.cleanup();
  temp = undefined;
});

describe('openDatabase', () => {
  it('sets the pragmas money needs', () => {
    const { database } = fresh();
    const pragma = (name: string) => database.sqlite.pragma(name, { simple: true });
    expect(pragma('journal_mode')).toBe('wal');
    expect(pragma('synchronous')).toBe(2);
    expect(pragma('foreign_keys')).toBe(1);
    expect(pragma('busy_timeout')).toBe(5000);
  });

  it('enforces foreign keys', () => {
    const { database } = fresh();
    database.sqlite.exec(
      'create table parent (id integer primary key); ' +
        'create table child (id integer primary key, parent_id integer not null references parent(id))',
    );
    expect(() => database.sqlite.exec('insert into child (id, parent_id) values (1, 42)')).toThrow(
      /FOREIGN KEY constraint failed/,
    );
  });
});

describe('applyMigrations', () => {
  it('applies every shipped migration once and is idempotent', async () => {
    const { database } = fresh({ migrate: false });
    expect(appliedMigrationCount(database)).toBe(0);
    expect(shippedMigrationCount()).toBeGreaterThanOrEqual(1);

    applyMigrations(database);
    expect(appliedMigrationCount(database)).toBe(shippedMigrationCount());
    const clock = new SteppableClock();
    await insertLicense(database.db, clock, { id: 'lic_keep', allowedOrigins: [] });

    applyMigrations(database);
    applyMigrations(database);
    expect(appliedMigrationCount(database)).toBe(shippedMigrationCount());
    expect(
      database.db
        .select()
        .from(licenses)
        .all()
        .map((l) => l.id),
    ).toEqual(['lic_keep']);
  });

  it('creates the licenses table with a unique publishable key', async () => {
    const { database } = fresh();
    const clock = new SteppableClock();
    const { key } = await insertLicense(database.db, clock, { id: 'lic_a', allowedOrigins: [] });
    await expect(
      insertLicense(database.db, clock, { id: 'lic_b', allowedOrigins: [], publishableKey: key }),
    ).rejects.toThrow(/UNIQUE constraint failed: licenses.publishable_key/);
  });
});

describe('writeTransaction', () => {
  it('takes the write lock before the callback runs (BEGIN IMMEDIATE)', () => {
    const { database, file } = fresh();
    const other = secondConnection(file);
    expect(canTakeWriteLock(other)).toBe(true);

    let lockedOut: boolean | undefined;
    writeTransaction(database.db, () => {
      // Nothing has been read or written yet: only an IMMEDIATE begin holds the lock here.
      lockedOut = !canTakeWriteLock(other);
    });
    expect(lockedOut).toBe(true);
    expect(canTakeWriteLock(other)).toBe(true);
  });

  it('differs from a deferred transaction, which holds no lock until it writes', () => {
    const { database, file } = fresh();
    const other = secondConnection(file);
    let lockedOut: boolean | undefined;
    database.db.transaction(() => {
      lockedOut = !canTakeWriteLock(other);
    });
    expect(lockedOut).toBe(false);
  });

  it('commits what the callback wrote and returns its result', () => {
    const { database, file } = fresh();
    const clock = new SteppableClock();
    const id = writeTransaction(database.db, (tx) => {
      void insertLicense(tx, clock, { id: 'lic_tx', allowedOrigins: [] });
      return 'lic_tx';
    });
    expect(id).toBe('lic_tx');
    const other = secondConnection(file);
    expect(other.prepare('select id from licenses').all()).toEqual([{ id: 'lic_tx' }]);
  });

  it('rolls back everything and rethrows when the callback throws', () => {
    const { database } = fresh();
    const clock = new SteppableClock();
    const failure = new Error('refund exceeds payment');
    expect(() =>
      writeTransaction(database.db, (tx) => {
        void insertLicense(tx, clock, { id: 'lic_gone', allowedOrigins: [] });
        throw failure;
      }),
    ).toThrow(failure);
    expect(database.sqlite.inTransaction).toBe(false);
    expect(database.db.get<{ n: number }>(sql`select count(*) as n from licenses`)).toEqual({
      n: 0,
    });
  });
});
