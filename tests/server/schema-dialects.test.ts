/**
 * One schema description, two dialects, and nothing drifts:
 * - each dialect's committed migrations are exactly what drizzle-kit writes from the
 *   description today (a column added to a module's schema without `npm run db:generate`
 *   fails here);
 * - the tables both dialects build have the same names, columns, nullability, primary keys
 *   and indexes, column for column;
 * - in the PostgreSQL pass, a database migrated from the committed PostgreSQL migrations has
 *   every table and column the SQLite migrations create (custom SQL included).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rows } from '../../server/db/store.js';
import { createTestStore, onPostgres } from '../fixtures/store.js';

const root = path.resolve(import.meta.dirname, '../..');
const dialects = ['sqlite', 'postgres'] as const;

/** Runs drizzle-kit generate for `dialect` into a copy of the committed migrations. */
function generateInto(dialect: (typeof dialects)[number]): { output: string; added: string[] } {
  // drizzle-kit takes `out` relative to the project root.
  fs.mkdirSync(path.join(root, '.tmp'), { recursive: true });
  const out = fs.mkdtempSync(path.join(root, '.tmp', `drift-${dialect}-`));
  fs.cpSync(path.join(root, 'server/db/migrations', dialect), out, { recursive: true });
  const config = path.join(root, `.drift-${dialect}-${process.pid}.config.ts`);
  fs.writeFileSync(
    config,
    `import { defineConfig } from 'drizzle-kit';\nexport default defineConfig({ dialect: '${
      dialect === 'postgres' ? 'postgresql' : 'sqlite'
    }', schema: './server/db/schema.ts', out: ${JSON.stringify(`./${path.relative(root, out)}`)}, casing: 'snake_case' });\n`,
  );
  try {
    const before = new Set(fs.readdirSync(out));
    const run = spawnSync('npx', ['drizzle-kit', 'generate', '--config', config], {
      cwd: root,
      env: { ...process.env, LX_DB_DIALECT: dialect },
      encoding: 'utf8',
    });
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status, output).toBe(0);
    return { output, added: fs.readdirSync(out).filter((f) => !before.has(f)) };
  } finally {
    fs.rmSync(config, { force: true });
    fs.rmSync(out, { recursive: true, force: true });
  }
}

interface TableShape {
  columns: Record<string, { notNull: boolean; primary: boolean }>;
  indexes: string[];
  primaryKeys: string[][];
}

/** The tables a dialect builds from the description, in a child process of that dialect. */
function tablesOf(dialect: (typeof dialects)[number]): Record<string, TableShape> {
  const script = `
    const kit = await import('./server/db/kit.ts');
    const schema = await import('./server/db/schema.ts');
    const core = await import(kit.activeDialect === 'postgres' ? 'drizzle-orm/pg-core' : 'drizzle-orm/sqlite-core');
    const { is, Table } = await import('drizzle-orm');
    const { toSnakeCase } = await import('drizzle-orm/casing');
    const tables = {};
    for (const value of Object.values(schema)) {
      if (!is(value, Table)) continue;
      const config = (core.getTableConfig)(value);
      const name = (column) => column.keyAsName ? toSnakeCase(column.name) : column.name;
      tables[config.name] = {
        columns: Object.fromEntries(config.columns.map((c) => [name(c), { notNull: c.notNull, primary: c.primary }])),
        indexes: config.indexes.map((i) => i.config.name).sort(),
        primaryKeys: config.primaryKeys.map((k) => k.columns.map(name).sort()),
      };
    }
    process.stdout.write(JSON.stringify(tables));
  `;
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      cwd: root,
      env: { ...process.env, LX_DB_DIALECT: dialect },
      encoding: 'utf8',
    },
  );
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Record<string, TableShape>;
}

describe('schema: one description, two dialects', () => {
  it.each(dialects)('the committed %s migrations are up to date with the schema', (dialect) => {
    const { output, added } = generateInto(dialect);
    expect(added, output).toEqual([]);
    expect(output).toMatch(/No schema changes/);
  });

  it('both dialects build the same tables, columns, keys and indexes', () => {
    const sqlite = tablesOf('sqlite');
    const postgres = tablesOf('postgres');
    expect(Object.keys(sqlite).length).toBeGreaterThan(40);
    expect(postgres).toEqual(sqlite);
  });
});

describe.skipIf(!onPostgres)('schema: the migrated PostgreSQL database', () => {
  it('has every table and column that the SQLite migrations create', async () => {
    const { store, cleanup } = await createTestStore();
    try {
      const columns = await rows<{ table_name: string; column_name: string }>(
        store.db,
        sql`select table_name, column_name from information_schema.columns where table_schema = 'public'`,
      );
      const present = new Set(columns.map((c) => `${c.table_name}.${c.column_name}`));
      const expected = tablesOf('sqlite');
      const missing = Object.entries(expected).flatMap(([table, shape]) =>
        Object.keys(shape.columns)
          .map((column) => `${table}.${column}`)
          .filter((key) => !present.has(key)),
      );
      expect(missing).toEqual([]);
    } finally {
      await cleanup();
    }
  });
});
