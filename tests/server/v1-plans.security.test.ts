import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenants, type Tenants } from '../fixtures/licenses.js';
import { expectProblem } from '../fixtures/problems.js';
import { startTestServer, widgetHeaders, type TestServer } from '../fixtures/server.js';

let server: TestServer;
let tenants: Tenants;

beforeAll(async () => {
  server = await startTestServer({
    seed: async (db, clock) => {
      tenants = await seedTenants(db, clock);
    },
  });
});
afterAll(() => server.close());

describe('GET /v1/plans across tenants', () => {
  it("refuses a tenant's key from another tenant's origin", async () => {
    const res = await server.fetch('/v1/plans', {
      headers: widgetHeaders(tenants.acme.key, 'https://learn.globex.test'),
    });
    const body = await expectProblem(res, 'origin_not_allowed');
    expect(body).not.toHaveProperty('plans');
    expect(body).not.toHaveProperty('features');
  });

  it('refuses a look-alike origin', async () => {
    const res = await server.fetch('/v1/plans', {
      headers: widgetHeaders(tenants.acme.key, 'https://portal.acme.test.evil.test'),
    });
    await expectProblem(res, 'origin_not_allowed');
  });

  it('returns nothing that belongs to a tenant', async () => {
    const res = await server.fetch('/v1/plans', {
      headers: widgetHeaders(tenants.acme.key, 'https://portal.acme.test'),
    });
    const text = await res.text();
    for (const secret of ['lic_', tenants.acme.key, 'Acme', 'Globex', 'limits']) {
      expect(text).not.toContain(secret);
    }
  });
});
