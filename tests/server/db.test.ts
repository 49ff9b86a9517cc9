import { afterEach, describe, expect, it } from 'vitest';
import { createTempDatabase, type TempDatabase } from '../fixtures/database.js';
import { onPostgres } from '../fixtures/store.js';

let temp: TempDatabase | undefined;

function fresh(options?: { migrate?: boolean }): TempDatabase {
  temp = createTempDatabase(options);
  return temp;
}

afterEach(() => {
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
