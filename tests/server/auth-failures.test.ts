import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyWithBody } from '../../server/modules/licenses/keys.js';
import { seedTenants, type Tenants } from '../fixtures/licenses.js';
import { expectProblem } from '../fixtures/problems.js';
import { startTestServer, widgetHeaders, type TestServer } from '../fixtures/server.js';

const OPERATOR_TOKEN = 'op_'.padEnd(40, 'x');
const LIMIT = 5;

let server: TestServer;
let tenants: Tenants;

beforeAll(async () => {
  server = await startTestServer({
    config: {
      authFailureLimit: LIMIT,
      trustedProxies: ['127.0.0.1'],
      operatorToken: OPERATOR_TOKEN,
    },
    seed: async (db, clock) => {
      tenants = await seedTenants(db, clock);
    },
  });
});
afterAll(() => server.close());

/** Requests as if from `client`, through the trusted local proxy. */
const from = (client: string, headers: Record<string, string> = {}) => ({
  ...headers,
  'X-Forwarded-For': client,
});

const unknownKey = keyWithBody('pk', 'test', 'A'.repeat(24));

describe('failed authentication lockout', () => {
  it('locks an address out after the limit of wrong keys, with Retry-After, and only that address', async () => {
    const attacker = '203.0.113.7';
    for (let i = 0; i < LIMIT; i++) {
      const res = await server.fetch('/v1/plans', {
        headers: from(attacker, widgetHeaders(unknownKey, 'https://portal.acme.test')),
      });
      await expectProblem(res, 'license_unknown');
    }
    // Even the right key is refused from the locked-out address until the window ends.
    const locked = await server.fetch('/v1/plans', {
      headers: from(attacker, widgetHeaders(tenants.acme.key, 'https://portal.acme.test')),
    });
    await expectProblem(locked, 'rate_limited');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(60);

    const bystander = await server.fetch('/v1/plans', {
      headers: from('198.51.100.9', widgetHeaders(tenants.acme.key, 'https://portal.acme.test')),
    });
    expect(bystander.status).toBe(200);

    server.clock.advance(61_000);
    const later = await server.fetch('/v1/plans', {
      headers: from(attacker, widgetHeaders(tenants.acme.key, 'https://portal.acme.test')),
    });
    expect(later.status).toBe(200);
  });

  it('counts wrong operator tokens and secret keys, and not successful requests', async () => {
    const client = '203.0.113.8';
    for (let i = 0; i < 3 * LIMIT; i++) {
      const ok = await server.fetch('/v1/plans', {
        headers: from(client, widgetHeaders(tenants.acme.key, 'https://portal.acme.test')),
      });
      expect(ok.status).toBe(200);
    }
    for (let i = 0; i < LIMIT; i++) {
      const bad =
        i % 2 === 0
          ? await server.fetch('/v1/admin/licenses', {
              headers: from(client, { Authorization: `Bearer ${'wrong'.padEnd(40, 'y')}` }),
            })
          : await server.fetch('/v1/licenses/validate', {
              method: 'POST',
              headers: from(client, {
                Authorization: `Bearer ${keyWithBody('sk', 'test', 'B'.repeat(24))}`,
              }),
            });
      expect(bad.status).toBe(401);
    }
    const locked = await server.fetch('/v1/admin/licenses', {
      headers: from(client, { Authorization: `Bearer ${OPERATOR_TOKEN}` }),
    });
    await expectProblem(locked, 'rate_limited');
  });
});
