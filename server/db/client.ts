import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema>;
/** What a write transaction callback receives: the same query surface as {@link Db}. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Database_ {
  db: Db;
  sqlite: Database.Database;
  close(): void;
}

export const migrationsFolder = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'migrations',
);

/**
 * Opens (creating if needed) the SQLite database with the settings money needs: WAL for
 * concurrent readers, a busy timeout instead of instant SQLITE_BUSY, synchronous=FULL so a
 * committed payment survives power loss, and foreign keys enforced.
 */
export function openDatabase(file: string): Database_ {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  const db = drizzle({ client: sqlite, schema, casing: 'snake_case' });
  return {
    db,
    sqlite,
    close: () => {
      if (sqlite.open) sqlite.close();
    },
  };
}

/** Applies every committed migration that has not run yet. */
export function applyMigrations(database: Database_): void {
  migrate(database.db, { migrationsFolder });
}

/** Number of migrations shipped with this build, for the readiness check. */
export function shippedMigrationCount(): number {
  const journal = JSON.parse(
    fs.readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8'),
  ) as { entries: unknown[] };
  return journal.entries.length;
}

export function appliedMigrationCount(database: Database_): number {
  const table = database.sqlite
    .prepare(
      "select name from sqlite_master where type = 'table' and name = '__drizzle_migrations'",
    )
    .get();
  if (!table) return 0;
  const row = database.sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as {
    n: number;
  };
  return row.n;
}

/**
 * Runs `fn` in a `BEGIN IMMEDIATE` transaction. Every path that reads and then writes based
 * on what it read goes through here: the write lock is taken up front, so two writers can
 * never both read the same state and both act on it.
 */
export function writeTransaction<T>(db: Db, fn: (tx: Tx) => T): T {
  return db.transaction(fn, { behavior: 'immediate' });
}
