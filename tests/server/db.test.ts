import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createTempDatabase, type TempDatabase } from '../fixtures/database.js';
import { onPostgres } from '../fixtures/store.js';

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

describe.skipIf(onPostgres)('openDatabase (the SQLite connection)', () => {
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
