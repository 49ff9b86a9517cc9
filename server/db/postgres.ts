import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema.js';
import {
  activeWrite,
  followingWrites,
  migrationsFolders,
  runAfterCommit,
  redactUrl,
  StoreUnavailableError,
  type Db,
  type OpenStoreOptions,
  type Store,
  type Tx,
} from './store.js';

export interface PostgresStore extends Store {
  readonly dialect: 'postgres';
  readonly pool: pg.Pool;
  /** A connection of its own, outside the pool (LISTEN for the invalidation bus). */
  connectListener(): pg.Client;
}

/*
 * int8 (counts, sums of bigint columns) and numeric (sums) come back from node-postgres as
 * strings. Every such value here is an amount of minor units, tokens or rows, well inside
 * 2^53, so they are read as numbers, and one outside that range is an error rather than a
 * silently rounded amount.
 */
function exactNumber(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) && !(Number.isFinite(value) && /[.eE]/.test(text))) {
    throw new RangeError(`${text} is outside the range of exact numbers.`);
  }
  return value;
}
pg.types.setTypeParser(pg.types.builtins.INT8, exactNumber);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, exactNumber);

/** Advisory lock keys: a fixed namespace and a hash of the scope. */
const WRITE_LOCK_NAMESPACE = 0x4c58; // "LX"
const MIGRATION_LOCK_KEY = 0x4c58_0001;

/**
 * Opens a pool on `url` and checks it answers; an unreachable server is reported with the URL
 * (password removed) so the operator sees which setting to fix.
 */
export async function openPostgresStore(
  url: string,
  options: Partial<OpenStoreOptions> = {},
): Promise<PostgresStore> {
  const lockWaitMs = options.lockWaitMs ?? 5_000;
  const location = redactUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: lockWaitMs,
    application_name: 'liberation-kit',
    // As on SQLite's reader: a write outside `write()` is refused, not silently unlocked.
    options: '-c default_transaction_read_only=on',
  });
  pool.on('error', (error) => options.onPoolError?.(error));
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(`PostgreSQL at ${location} is unreachable: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const base = drizzle({ client: pool, schema, casing: 'snake_case' });
  const baseDb = base as unknown as Db;

  // Inside a write, reads see the write's own changes and use its connection.
  const db = followingWrites(baseDb, () => store);

  const store: PostgresStore = {
    dialect: 'postgres',
    db,
    pool,
    location,
    connectListener: () => new pg.Client({ connectionString: url }),
    async write(fn, writeOptions) {
      const joined = activeWrite.getStore();
      if (joined?.store === store) return fn(joined.tx);
      const scope = writeOptions?.scope ?? '';
      const after: (() => void)[] = [];
      try {
        const result = await base.transaction(
          async (raw) => {
            const tx = raw as unknown as Tx;
            await raw.execute(sql`select set_config('lock_timeout', ${`${lockWaitMs}ms`}, true)`);
            await raw.execute(
              sql`select pg_advisory_xact_lock(${WRITE_LOCK_NAMESPACE}, hashtext(${scope}))`,
            );
            return activeWrite.run({ store, tx, afterCommit: after }, () => fn(tx));
          },
          { accessMode: 'read write' },
        );
        runAfterCommit(after);
        return result;
      } catch (error) {
        const code = codeOf(error);
        if (code === '55P03') {
          throw new StoreUnavailableError('No write turn in time; the database is busy.', 1, {
            cause: error,
          });
        }
        throw error;
      }
    },
    async ping() {
      await base.execute(sql`select 1`);
    },
    async migrate() {
      const client = await pool.connect();
      try {
        // Concurrent `npm run migrate` runs wait here and then find nothing left to apply.
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        await client.query('set default_transaction_read_only = off');
        try {
          await migrate(drizzle({ client, casing: 'snake_case' }), {
            migrationsFolder: migrationsFolders.postgres,
          });
        } finally {
          await client.query('reset default_transaction_read_only');
          await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
        }
      } finally {
        client.release();
      }
    },
    async appliedMigrations() {
      const exists = await pool.query<{ present: boolean }>(
        "select to_regclass('drizzle.__drizzle_migrations') is not null as present",
      );
      if (!exists.rows[0]?.present) return 0;
      const result = await pool.query<{ n: number }>(
        'select count(*)::int as n from drizzle.__drizzle_migrations',
      );
      return result.rows[0]?.n ?? 0;
    },
    async close() {
      if (pool.ended) return;
      await pool.end();
    },
  };
  return store;
}

function codeOf(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
