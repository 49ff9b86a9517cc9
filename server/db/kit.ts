/**
 * The one schema description both stores come from. Module schemas build their tables with
 * these functions, never with `drizzle-orm/sqlite-core` or `pg-core` directly:
 *
 *     export const licenses = table('licenses', { id: text().primaryKey(), ... });
 *
 * A process talks to exactly one store, chosen before any table is built (see
 * {@link activeDialect}), so these functions build that store's tables: SQLite's with
 * `sqlite-core`, PostgreSQL's with `pg-core`, column for column:
 *
 * | description                          | SQLite                 | PostgreSQL                  |
 * | ------------------------------------ | ---------------------- | --------------------------- |
 * | `text()`, `text({ enum })`           | `text`                 | `text`                      |
 * | `text({ mode: 'json' })`             | `text` holding JSON    | `jsonb`                     |
 * | `integer()` (money, counts, scores)  | `integer` (64-bit)     | `bigint`, read as a number  |
 * | `integer({ mode: 'timestamp_ms' })`  | `integer` epoch ms     | `timestamptz(3)`            |
 * | `integer({ mode: 'boolean' })`       | `integer` 0/1          | `boolean`                   |
 * | `real()` (ranking weights only)      | `real`                 | `double precision`          |
 * | `blob({ mode: 'buffer' })` (files)   | `blob`                 | `bytea`                     |
 * | `.primaryKey({ autoIncrement })`     | `integer primary key`  | `bigint` identity           |
 *
 * Queries are typed with SQLite's column types, which read back the same JavaScript values
 * (number, Date, boolean, parsed JSON) as their PostgreSQL counterparts above. Code that
 * queries is written once, for both: builders are awaited (never `.get()`, `.all()`,
 * `.run()`, which exist on SQLite only), and raw SQL goes through `rows()` in store.ts.
 * drizzle-kit reads the same description under each dialect to write that dialect's
 * migrations, and `tests/server/schema-dialects.test.ts` fails when the two drift.
 */
import * as pg from 'drizzle-orm/pg-core';
import * as sqlite from 'drizzle-orm/sqlite-core';

export type Dialect = 'sqlite' | 'postgres';

/** `postgres://` and `postgresql://` URLs name PostgreSQL; anything else is the SQLite file. */
export function dialectOfUrl(url: string | undefined): Dialect {
  return url && /^postgres(ql)?:\/\//i.test(url) ? 'postgres' : 'sqlite';
}

/**
 * The store this process uses: `LX_DB_DIALECT` when a tool sets it (drizzle-kit generating
 * PostgreSQL migrations), else what `DATABASE_URL` names, else SQLite.
 */
export function dialectFromEnv(env: NodeJS.ProcessEnv = process.env): Dialect {
  const forced = env.LX_DB_DIALECT;
  if (forced === 'sqlite' || forced === 'postgres') return forced;
  return dialectOfUrl(env.DATABASE_URL);
}

export const activeDialect: Dialect = dialectFromEnv();

interface Kit {
  table: typeof sqlite.sqliteTable;
  text: typeof sqlite.text;
  integer: typeof sqlite.integer;
  real: typeof sqlite.real;
  blob: typeof sqlite.blob;
  index: typeof sqlite.index;
  uniqueIndex: typeof sqlite.uniqueIndex;
  primaryKey: typeof sqlite.primaryKey;
  unique: typeof sqlite.unique;
}

const sqliteKit: Kit = {
  table: sqlite.sqliteTable,
  text: sqlite.text,
  integer: sqlite.integer,
  real: sqlite.real,
  blob: sqlite.blob,
  index: sqlite.index,
  uniqueIndex: sqlite.uniqueIndex,
  primaryKey: sqlite.primaryKey,
  unique: sqlite.unique,
};

type ColumnConfig = { mode?: string; enum?: readonly string[] } | undefined;

/** SQLite's `text(name?, config?)` and `integer(name?, config?)` argument shapes. */
function splitArgs(args: unknown[]): { name: string | undefined; config: ColumnConfig } {
  const [first, second] = args;
  if (typeof first === 'string') return { name: first, config: second as ColumnConfig };
  return { name: undefined, config: first as ColumnConfig };
}

type ColumnFn = (...args: unknown[]) => unknown;

/** Calls a pg-core column function with the column's own name when the schema gave one. */
function column(fn: unknown, name: string | undefined, config?: object): unknown {
  const build = fn as ColumnFn;
  if (config === undefined) return name === undefined ? build() : build(name);
  return name === undefined ? build(config) : build(name, config);
}

interface PrimaryKeyBuilder {
  primaryKey(): PrimaryKeyBuilder;
  generatedByDefaultAsIdentity(): PrimaryKeyBuilder;
}

/**
 * PostgreSQL's counterparts, typed as SQLite's (see the table above): the one place the two
 * builder APIs are bridged. Everything else in the schema is the same call in both.
 */
/** node-postgres reads and writes `bytea` as a Buffer, as better-sqlite3 does `blob`. */
const bytea = pg.customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

const pgKit = {
  table: pg.pgTable,
  text: (...args: unknown[]) => {
    const { name, config } = splitArgs(args);
    if (config?.mode === 'json') return column(pg.jsonb, name);
    return column(pg.text, name, config?.enum ? { enum: config.enum } : undefined);
  },
  integer: (...args: unknown[]) => {
    const { name, config } = splitArgs(args);
    if (config?.mode === 'timestamp_ms') {
      return column(pg.timestamp, name, { withTimezone: true, precision: 3, mode: 'date' });
    }
    if (config?.mode === 'boolean') return column(pg.boolean, name);
    const bigint = column(pg.bigint, name, { mode: 'number' }) as PrimaryKeyBuilder;
    const primaryKey = bigint.primaryKey.bind(bigint);
    return Object.assign(bigint, {
      // SQLite's `primaryKey({ autoIncrement: true })` is an identity column here.
      primaryKey: (options?: { autoIncrement?: boolean }) => {
        const key = primaryKey();
        return options?.autoIncrement ? key.generatedByDefaultAsIdentity() : key;
      },
    });
  },
  real: (...args: unknown[]) => column(pg.doublePrecision, splitArgs(args).name),
  blob: (...args: unknown[]) => column(bytea, splitArgs(args).name),
  index: pg.index,
  uniqueIndex: pg.uniqueIndex,
  primaryKey: pg.primaryKey,
  unique: pg.unique,
} as unknown as Kit;

const kit: Kit = activeDialect === 'postgres' ? pgKit : sqliteKit;

export const { table, text, integer, real, blob, index, uniqueIndex, primaryKey, unique } = kit;
