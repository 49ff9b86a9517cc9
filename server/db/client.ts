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
  /**
   * Copies committed pages from the WAL into the database without waiting for readers or
   * writers (`PASSIVE`). Once a checkpoint has caught up, the next write starts the WAL over and
   * SQLite truncates the file to `journal_size_limit`. Runs on a timer; exposed for tests and
   * tools.
   */
  checkpoint(): CheckpointResult;
  /** Current size of the WAL file in bytes (0 when there is none). */
  walBytes(): number;
  close(): void;
}

export interface CheckpointResult {
  /** Whether a lock stopped the checkpoint (another connection was checkpointing). */
  busy: boolean;
  /** Pages in the WAL, and how many of them are now in the database file. */
  walPages: number;
  checkpointedPages: number;
}

export interface DatabaseOptions {
  /**
   * How long a statement waits for another connection's write lock before SQLITE_BUSY. The
   * wait is synchronous, so the API server uses 0 (answer 503 at once, never stall the event
   * loop); tools that run alone (CLI, migrations) wait the default 5 s.
   */
  busyTimeoutMs?: number;
  /** The WAL file is truncated to this size when it restarts (default 64 MiB). */
  journalSizeLimitBytes?: number;
  /** How often the periodic PASSIVE checkpoint runs; 0 turns the timer off (default 10 s). */
  checkpointIntervalMs?: number;
  /** Called after each periodic checkpoint, e.g. to log a WAL that a long reader pins. */
  onCheckpoint?: (result: CheckpointResult & { walBytes: number }) => void;
}

/** What the WAL may grow to under write load before the periodic checkpoint resets it. */
export const JOURNAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

export const migrationsFolder = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'migrations',
  'sqlite',
);

/**
 * Opens (creating if needed) the SQLite database with the settings money needs: WAL for
 * concurrent readers, a busy timeout instead of instant SQLITE_BUSY, synchronous=FULL so a
 * committed payment survives power loss, and foreign keys enforced. The WAL stays bounded:
 * SQLite's own auto-checkpoint runs on commits, a periodic PASSIVE checkpoint catches up after
 * readers let go, and `journal_size_limit` shrinks the file when it restarts. Only a reader that
 * keeps one transaction open for long (another process, a manual `sqlite3` session) can pin it;
 * `onCheckpoint` reports the size so that shows in the logs.
 */
export function openDatabase(file: string, options: DatabaseOptions = {}): Database_ {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(
    `journal_size_limit = ${options.journalSizeLimitBytes ?? JOURNAL_SIZE_LIMIT_BYTES}`,
  );
  const db = drizzle({ client: sqlite, schema, casing: 'snake_case' });
  const walFile = `${file}-wal`;

  const checkpoint = (): CheckpointResult => {
    const [row] = sqlite.pragma('wal_checkpoint(PASSIVE)') as {
      busy: number;
      log: number;
      checkpointed: number;
    }[];
    return {
      busy: row?.busy === 1,
      walPages: row?.log ?? 0,
      checkpointedPages: row?.checkpointed ?? 0,
    };
  };
  const walBytes = (): number => {
    try {
      return fs.statSync(walFile).size;
    } catch {
      return 0;
    }
  };

  const interval = options.checkpointIntervalMs ?? 10_000;
  const timer =
    interval > 0 && file !== ':memory:'
      ? setInterval(() => {
          if (!sqlite.open) return;
          const result = checkpoint();
          options.onCheckpoint?.({ ...result, walBytes: walBytes() });
        }, interval)
      : undefined;
  timer?.unref();

  return {
    db,
    sqlite,
    checkpoint,
    walBytes,
    close: () => {
      clearInterval(timer);
      if (sqlite.open) sqlite.close();
    },
  };
}

/** Applies every committed migration that has not run yet. */
export function applyMigrations(database: Database_): void {
  migrate(database.db, { migrationsFolder });
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
