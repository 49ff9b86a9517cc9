/**
 * The system of record behind one small interface, on either store:
 *
 * - **SQLite** (the embedded default): one writer connection behind an async queue, and a
 *   reader connection that cannot write (`query_only`). A write waits its turn without
 *   blocking the event loop; `BEGIN IMMEDIATE` that finds another process holding the lock
 *   (the CLI, a backup) is retried asynchronously, and after `lockWaitMs` the write answers
 *   503 (`StoreUnavailableError`). Readers never wait in WAL mode.
 * - **PostgreSQL** (`DATABASE_URL=postgres://…`): a pool; each write runs in one transaction
 *   that first takes a transaction-scoped advisory lock, so writers of one scope run one at a
 *   time across every process, exactly as SQLite's single writer does. Statements inside see
 *   everything committed before the lock was granted (READ COMMITTED takes a fresh snapshot
 *   per statement), so a read-then-write can never act on stale state. A lock not granted
 *   within `lockWaitMs` answers 503.
 *
 * Every write goes through {@link Store.write}; {@link Store.db} is for reads. A write called
 * inside another joins it (one transaction, one lock), so services can compose.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type SQL } from 'drizzle-orm';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type * as schema from './schema.js';
import { activeDialect, dialectOfUrl, type Dialect } from './kit.js';

/**
 * The query surface services use, on either store. It is typed as SQLite's async surface;
 * at run time it is drizzle's better-sqlite3 or node-postgres database. Await builders;
 * never call `.get()`, `.all()`, `.run()` or `.values()` (SQLite only), and run raw SQL
 * through {@link rows}.
 */
export type Db = BaseSQLiteDatabase<'async', unknown, typeof schema>;
/** What a write receives: the same surface, bound to the write's transaction. */
export type Tx = Db;

export interface WriteOptions {
  /**
   * Writers with the same scope run one at a time (PostgreSQL advisory lock); the default
   * scope is the whole store, as on SQLite. Only narrow it where every row the write reads
   * to decide belongs to that scope (a license id).
   */
  scope?: string;
}

export interface Store {
  readonly dialect: Dialect;
  /** Reads. On SQLite, a connection that refuses writes. */
  readonly db: Db;
  /** Runs `fn` as one transaction; joins the caller's when called inside another write. */
  write<T>(fn: (tx: Tx) => Promise<T>, options?: WriteOptions): Promise<T>;
  /** Round trip to the store, for readiness. Throws when it cannot be reached. */
  ping(): Promise<void>;
  /** Applies every committed migration that has not run yet, under a lock. */
  migrate(): Promise<void>;
  /** Migrations applied so far (0 on an empty store). */
  appliedMigrations(): Promise<number>;
  /** Where the store lives, with any password removed: for logs and messages. */
  readonly location: string;
  close(): Promise<void>;
}

/** The store cannot take the request now (locked, unreachable); nothing was written. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
  constructor(
    message: string,
    /** Seconds after which a retry is likely to succeed. */
    readonly retryAfterSeconds = 1,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const root = path.dirname(fileURLToPath(import.meta.url));

/** Committed migrations per dialect, each generated from the one schema description. */
export const migrationsFolders: Record<Dialect, string> = {
  sqlite: path.join(root, 'migrations', 'sqlite'),
  postgres: path.join(root, 'migrations', 'postgres'),
};

/** Number of migrations shipped with this build for `dialect`, for the readiness check. */
export function shippedMigrationCount(dialect: Dialect): number {
  const journal = JSON.parse(
    fs.readFileSync(path.join(migrationsFolders[dialect], 'meta', '_journal.json'), 'utf8'),
  ) as { entries: unknown[] };
  return journal.entries.length;
}

/** Whether `error` means "try again shortly": a lock, a lost connection, a store restarting. */
export function isStoreUnavailable(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  // SQLite: another connection holds a lock this statement needs.
  if (/^SQLITE_(BUSY|LOCKED)/.test(code)) return true;
  // Sockets: the store is down or restarting.
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'].includes(code)) {
    return true;
  }
  // PostgreSQL: connection exceptions, too many connections, shutting down, lock timeout,
  // serialization failure, deadlock.
  return /^(08|53|57P0)/.test(code) || ['55P03', '40001', '40P01'].includes(code);
}

/** The cause under drizzle's "Failed query" wrapper, where the driver's error code lives. */
export function storeErrorOf(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 4; depth++) {
    if (isStoreUnavailable(current)) return current;
    const cause = (current as { cause?: unknown } | null)?.cause;
    if (cause === undefined) break;
    current = cause;
  }
  return error;
}

/** `postgres://user:secret@host/db` → `postgres://user@host/db`: safe to print. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

interface Joined {
  store: Store;
  tx: Tx;
  /** What runs once the write has committed (cache invalidation, notifications). */
  afterCommit: (() => void)[];
}

/**
 * Runs `fn` once the write this code runs inside has committed, or at once outside a write.
 * A write that rolls back drops it. For effects that must not be seen before the data is
 * (a cache cleared, other processes told): cleared earlier, a concurrent read could cache
 * the old row again.
 */
export function afterCommit(fn: () => void): void {
  const joined = activeWrite.getStore();
  if (joined) joined.afterCommit.push(fn);
  else fn();
}

/** Runs a committed write's `afterCommit` work; one failing does not stop the others. */
export function runAfterCommit(work: readonly (() => void)[]): void {
  for (const fn of work) {
    try {
      fn();
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}

/** The write a piece of async work runs inside, if any: how nested writes join. */
export const activeWrite = new AsyncLocalStorage<Joined>();

/**
 * The store's `db`: reads on `base`, except inside one of `owner`'s writes, where every
 * statement goes to that write's transaction (it sees its own changes, and on PostgreSQL
 * uses the write's connection instead of another one from the pool).
 */
export function followingWrites(base: Db, owner: () => Store): Db {
  return new Proxy(base, {
    get(target, property) {
      const joined = activeWrite.getStore();
      const source = joined?.store === owner() ? joined.tx : target;
      const value: unknown = Reflect.get(source, property);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(source)
        : value;
    },
  });
}

/** Runs raw SQL and returns its rows, on either store. Column names come back as written. */
export async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  // better-sqlite3 answers `all` with the rows; node-postgres `execute` with a result object.
  if (isSqlite(db)) return (db as unknown as { all: (q: SQL) => T[] }).all(query);
  const pg = db as unknown as { execute: (q: SQL) => Promise<{ rows: T[] }> };
  return (await pg.execute(query)).rows;
}

/** Runs raw SQL that returns nothing (DDL, maintenance), on either store. */
export async function exec(db: Db, query: SQL): Promise<void> {
  if (isSqlite(db)) {
    (db as unknown as { run: (q: SQL) => unknown }).run(query);
    return;
  }
  await (db as unknown as { execute: (q: SQL) => Promise<unknown> }).execute(query);
}

/** The first row of an awaited query, or undefined: what SQLite's `.get()` gave. */
export function first<T>(list: readonly T[]): T | undefined {
  return list[0];
}

const sqliteDatabases = new WeakSet<object>();

/** Marks a drizzle database as SQLite's (set by the SQLite store when it opens). */
export function markSqlite(db: object): void {
  sqliteDatabases.add(db);
}

export function isSqlite(db: Db): boolean {
  return sqliteDatabases.has(db);
}

/** The dialect of a query surface, for the few statements that differ (search, upserts). */
export function dialectOf(db: Db): Dialect {
  return isSqlite(db) ? 'sqlite' : 'postgres';
}

export interface OpenStoreOptions {
  /** `postgres://…` for PostgreSQL; otherwise unused. */
  url?: string;
  /** The SQLite file when no PostgreSQL URL is given. */
  file: string;
  /** How long a write may wait for its turn before answering 503 (default 5 s). */
  lockWaitMs?: number;
  /** PostgreSQL connections per process (default 10). */
  poolSize?: number;
  /** SQLite: how often the periodic WAL checkpoint runs (0: off). */
  checkpointIntervalMs?: number;
  /** SQLite: called after each periodic checkpoint. */
  onCheckpoint?: (result: { busy: boolean; walBytes: number }) => void;
  /** PostgreSQL: an idle connection failed (the server restarted); the pool replaces it. */
  onPoolError?: (error: Error) => void;
}

/**
 * Opens the configured store: PostgreSQL when `url` names it, else the SQLite `file`. A
 * process uses one dialect, the one its tables were built for (kit.ts); asking for the other
 * is a configuration error, reported as such.
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const dialect = dialectOfUrl(options.url);
  if (dialect !== activeDialect) {
    throw new Error(
      `This process was started for ${activeDialect} but asked to open ${dialect}: set DATABASE_URL before the server starts.`,
    );
  }
  if (dialect === 'postgres') {
    const { openPostgresStore } = await import('./postgres.js');
    return openPostgresStore(options.url!, options);
  }
  const { openSqliteStore } = await import('./sqlite.js');
  return openSqliteStore(options.file, options);
}

/** A statement both stores answer cheaply. */
export const selectOne = sql`select 1 as one`;
