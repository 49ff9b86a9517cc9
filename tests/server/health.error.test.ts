import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { exec, shippedMigrationCount as shipped } from '../../server/db/store.js';
import { startTestServer, type TestServer } from '../fixtures/server.js';
import { dialect, onPostgres } from '../fixtures/store.js';

const shippedMigrationCount = () => shipped(dialect);

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('GET /readyz when not ready', () => {
  it('is 503 while migrations are pending', async () => {
    server = await startTestServer({ migrate: false });
    const res = await server.fetch('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'not_ready',
      reason: 'migrations pending',
      applied: 0,
      expected: shippedMigrationCount(),
    });
  });

  it('is 503 when a recorded migration has gone missing', async () => {
    server = await startTestServer();
    const table = onPostgres
      ? sql.raw('drizzle.__drizzle_migrations')
      : sql.raw('__drizzle_migrations');
    await server.store.write((tx) =>
      exec(tx, sql`delete from ${table} where created_at = (select max(created_at) from ${table})`),
    );
    const res = await server.fetch('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      reason: 'migrations pending',
      applied: shippedMigrationCount() - 1,
    });
  });

  it('is 503 and logs the cause when the database is unreachable', async () => {
    server = await startTestServer();
    await server.store.close();
    const res = await server.fetch('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'not_ready', reason: 'database unreachable' });
    const failure = server.logs.entries().find((e) => e.msg === 'readiness check failed');
    expect(failure).toMatchObject({
      level: 50,
      err: { message: expect.stringMatching(/not open|after calling end/) },
    });
  });

  it('keeps /healthz at 200 while not ready: the process itself is up', async () => {
    server = await startTestServer({ migrate: false });
    expect((await server.fetch('/healthz')).status).toBe(200);
  });
});
