import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenants, type Tenants } from '../fixtures/licenses.js';
import { expectProblem } from '../fixtures/problems.js';
import { onPostgres } from '../fixtures/store.js';
import { startTestServer, type TestServer } from '../fixtures/server.js';

const OPERATOR_TOKEN = 'operator-token-for-busy-database-tests-0123';

let server: TestServer;
let tenants: Tenants;

beforeAll(async () => {
  server = await startTestServer({
    // Writes wait asynchronously for the lock another process holds, then answer 503.
    lockWaitMs: 300,
    config: { operatorToken: OPERATOR_TOKEN },
    seed: async (db, clock) => {
      tenants = await seedTenants(db, clock);
    },
  });
});
afterAll(() => server.close());

const admin = (path: string, init: RequestInit = {}) =>
  server.fetch(`/v1/admin/licenses${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${OPERATOR_TOKEN}`, 'Content-Type': 'application/json' },
  });

describe.skipIf(onPostgres)('a database locked by another process', () => {
  it('answers writes 503 with Retry-After, keeps reads and health answering, then recovers', async () => {
    const id = tenants.acme.license.id;
    const other = new Database(server.database.sqlite.name);
    try {
      other.exec('begin immediate');

      const refused = await admin(`/${id}/suspend`, {
        method: 'POST',
        body: JSON.stringify({ reason: 'invoice overdue' }),
      });
      await expectProblem(refused, 'service_unavailable');
      expect(refused.headers.get('retry-after')).toBe('1');

      expect((await server.fetch('/healthz')).status).toBe(200);
      const read = await admin(`/${id}`);
      expect(read.status).toBe(200);
      expect(await read.json()).toMatchObject({ status: 'active' });
      expect(server.logs.entries().some((e) => e.msg === 'database busy')).toBe(true);
    } finally {
      other.exec('rollback');
      other.close();
    }

    const suspended = await admin(`/${id}/suspend`, {
      method: 'POST',
      body: JSON.stringify({ reason: 'invoice overdue' }),
    });
    expect(suspended.status).toBe(200);
    expect(await suspended.json()).toMatchObject({ status: 'suspended' });
  });
});
