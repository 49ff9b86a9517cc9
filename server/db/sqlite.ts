import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { openDatabase, type Database_ } from './client.js';
import {
  activeWrite,
  followingWrites,
  markSqlite,
  runAfterCommit,
  migrationsFolders,
  StoreUnavailableError,
  type Db,
  type OpenStoreOptions,
  type Store,
  type Tx,
} from './store.js';

/** The embedded store, with its connections reachable for SQLite-only tools (WAL, backup). */
export interface SqliteStore extends Store {
  readonly dialect: 'sqlite';
  /** The connection writes run on, one at a time. */
  readonly writer: Database_;
  /** The connection reads run on; it refuses writes. */
  readonly reader: Database_;
}

/**
 * One at a time, in order, without blocking the event loop. A waiter that has not had its
 * turn within `waitMs` gives up with a 503; its turn, when it comes, is passed straight on.
 */
class Turnstile {
  #tail: Promise<void> = Promise.resolve();
  #holders = 0;

  acquire(waitMs: number): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = () => {
        this.#holders -= 1;
        resolve();
      };
    });
    const previous = this.#tail;
    const idle = this.#holders === 0;
    this.#holders += 1;
    this.#tail = previous.then(() => mine);
    if (idle) return previous.then(() => release);
    return new Promise((resolve, reject) => {
      let gaveUp = false;
      const timer = setTimeout(() => {
        gaveUp = true;
        reject(
          new StoreUnavailableError(`No write turn within ${waitMs} ms; the database is busy.`),
        );
      }, waitMs);
      void previous.then(() => {
        clearTimeout(timer);
        if (gaveUp) release();
        else resolve(release);
      });
    });
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code);
}

/**
 * Opens the SQLite file as a store: a writer connection (WAL, synchronous=FULL, a periodic
 * checkpoint) and a `query_only` reader. Neither ever waits synchronously for a lock
 * (`busy_timeout = 0`): a write waits its turn in the process's queue, and retries
 * `BEGIN IMMEDIATE` asynchronously while another process holds the file's write lock.
 */
export function openSqliteStore(
  file: string,
  options: Partial<OpenStoreOptions> = {},
): SqliteStore {
  const writer = openDatabase(file, {
    busyTimeoutMs: 0,
    checkpointIntervalMs: options.checkpointIntervalMs,
    onCheckpoint: options.onCheckpoint,
  });
  return sqliteStoreOver(writer, options);
}

/** A store whose writes run on an already open connection (its reader is opened here). */
export function sqliteStoreOver(
  writer: Database_,
  options: Partial<OpenStoreOptions> = {},
): SqliteStore {
  const lockWaitMs = options.lockWaitMs ?? 5_000;
  const file = writer.sqlite.name;
  const reader = openDatabase(file, { busyTimeoutMs: 0, checkpointIntervalMs: 0 });
  reader.sqlite.pragma('query_only = ON');
  const writerDb = writer.db as unknown as Tx;
  const readerDb = reader.db as unknown as Db;
  markSqlite(writerDb);
  markSqlite(readerDb);
  const turnstile = new Turnstile();

  /** BEGIN IMMEDIATE, retried while another process holds the lock, until `deadline`. */
  const begin = async (deadline: number) => {
    for (let attempt = 0; ; attempt++) {
      try {
        writer.sqlite.exec('BEGIN IMMEDIATE');
        return;
      } catch (error) {
        if (!isBusy(error)) throw error;
        if (Date.now() >= deadline) {
          throw new StoreUnavailableError('Another process holds the database write lock.', 1, {
            cause: error,
          });
        }
        await sleep(Math.min(50, 2 ** attempt));
      }
    }
  };

  // Inside a write, reads see the write's own changes: `db` follows the active transaction.
  const db = followingWrites(readerDb, () => store);
  markSqlite(db);

  const store: SqliteStore = {
    dialect: 'sqlite',
    db,
    writer,
    reader,
    location: file,
    async write(fn) {
      const joined = activeWrite.getStore();
      if (joined?.store === store) return fn(joined.tx);
      const deadline = Date.now() + lockWaitMs;
      const release = await turnstile.acquire(lockWaitMs);
      try {
        await begin(deadline);
        const after: (() => void)[] = [];
        try {
          const joined = { store, tx: writerDb, afterCommit: after };
          const result = await activeWrite.run(joined, () => fn(writerDb));
          writer.sqlite.exec('COMMIT');
          runAfterCommit(after);
          return result;
        } catch (error) {
          if (writer.sqlite.inTransaction) writer.sqlite.exec('ROLLBACK');
          throw error;
        }
      } finally {
        release();
      }
    },
    async ping() {
      reader.sqlite.prepare('select 1').get();
      return Promise.resolve();
    },
    async migrate() {
      const release = await turnstile.acquire(lockWaitMs);
      // Migrating is a start-up step: wait for another process's migration synchronously.
      writer.sqlite.pragma('busy_timeout = 5000');
      try {
        migrate(writer.db, { migrationsFolder: migrationsFolders.sqlite });
      } finally {
        writer.sqlite.pragma('busy_timeout = 0');
        release();
      }
    },
    async appliedMigrations() {
      const table = reader.sqlite
        .prepare(
          "select name from sqlite_master where type = 'table' and name = '__drizzle_migrations'",
        )
        .get();
      if (!table) return Promise.resolve(0);
      const row = reader.sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as {
        n: number;
      };
      return row.n;
    },
    async close() {
      reader.close();
      writer.close();
      return Promise.resolve();
    },
  };
  return store;
}
