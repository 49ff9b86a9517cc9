import { afterAll, beforeAll, describe, it } from 'vitest';
import { keyWithBody } from '../../server/modules/licenses/keys.js';
import { seedTenants, type Tenants } from '../fixtures/licenses.js';
import { expectProblem } from '../fixtures/problems.js';
import { startTestServer, widgetHeaders, type TestServer } from '../fixtures/server.js';

const ACME = 'https://portal.acme.test';

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

const getPlans = (key: string | undefined, origin: string | undefined = ACME) =>
  server.fetch('/v1/plans', { headers: widgetHeaders(key, origin) });

describe('GET /v1/plans refusals', () => {
  it('requires a key', async () => {
    await expectProblem(await getPlans(undefined), 'license_missing', '/v1/plans');
  });

  it('refuses a malformed key', async () => {
    await expectProblem(await getPlans('pk_test_nope'), 'license_malformed', '/v1/plans');
  });

  it('refuses an unknown key', async () => {
    const key = keyWithBody('pk', 'test', 'UnknownPlansKey000000000');
    await expectProblem(await getPlans(key), 'license_unknown', '/v1/plans');
  });

  it('refuses revoked and suspended licenses', async () => {
    await expectProblem(await getPlans(tenants.revoked.key), 'license_revoked');
    await expectProblem(await getPlans(tenants.suspended.key), 'license_suspended');
  });

  it('refuses an expired license', async () => {
    server.clock.set(tenants.expiring.license.expiresAt!);
    await expectProblem(await getPlans(tenants.expiring.key), 'license_expired');
  });

  it('answers a write method with not_found', async () => {
    await expectProblem(
      await server.fetch('/v1/plans', {
        method: 'POST',
        headers: { ...widgetHeaders(tenants.acme.key, ACME), 'Content-Type': 'application/json' },
        body: '{}',
      }),
      'not_found',
    );
  });
});
