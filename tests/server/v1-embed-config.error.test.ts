import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey, keyWithBody } from '../../server/modules/licenses/keys.js';
import { seedTenants, type Tenants } from '../fixtures/licenses.js';
import { expectProblem } from '../fixtures/problems.js';
import { startTestServer, widgetHeaders, type TestServer } from '../fixtures/server.js';

const ACME = 'https://portal.acme.test';
const PATH = '/v1/embed/config';

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

const getConfig = (key: string | undefined, origin: string | undefined = ACME) =>
  server.fetch(PATH, { headers: widgetHeaders(key, origin) });

/** Replaces one character of the key body with a different one of the same class. */
function mistype(key: string): string {
  const at = key.length - 10;
  const replacement = key[at] === 'x' ? 'y' : 'x';
  return key.slice(0, at) + replacement + key.slice(at + 1);
}

describe('GET /v1/embed/config refusals', () => {
  it('license_missing (401) without a Liberation-Key header', async () => {
    const body = await expectProblem(await getConfig(undefined), 'license_missing', PATH);
    expect(body.detail).toMatch(/Liberation-Key/);
  });

  it('license_missing (401) for an empty header', async () => {
    await expectProblem(await getConfig(''), 'license_missing', PATH);
  });

  it.each(['hello', 'pk_test_short', `${'pk_test_'}${'A'.repeat(31)}`, 'Bearer pk_test_x'])(
    'license_malformed (401) for the badly formed key %j',
    async (key) => {
      const body = await expectProblem(await getConfig(key), 'license_malformed', PATH);
      expect(body.detail).toMatch(/looks like pk_test_/);
    },
  );

  it('license_malformed (401) for a key failing its checksum', async () => {
    const body = await expectProblem(
      await getConfig(mistype(tenants.acme.key)),
      'license_malformed',
      PATH,
    );
    expect(body.detail).toMatch(/checksum/);
  });

  it('license_malformed (401) for a truncated key', async () => {
    await expectProblem(await getConfig(tenants.acme.key.slice(0, -1)), 'license_malformed', PATH);
  });

  it('license_malformed (401) for a secret key', async () => {
    await expectProblem(await getConfig(generateKey('sk', 'test')), 'license_malformed', PATH);
  });

  it('license_unknown (401) for a well-formed key no license has', async () => {
    const key = keyWithBody('pk', 'test', 'NoSuchLicense00000000000');
    await expectProblem(await getConfig(key), 'license_unknown', PATH);
  });

  it('license_revoked (403)', async () => {
    await expectProblem(await getConfig(tenants.revoked.key), 'license_revoked', PATH);
  });

  it('license_suspended (403)', async () => {
    await expectProblem(await getConfig(tenants.suspended.key), 'license_suspended', PATH);
  });

  it('license_expired (403) from the instant the clock reaches expiresAt', async () => {
    const expiresAt = tenants.expiring.license.expiresAt!;
    server.clock.set(new Date(expiresAt.getTime() - 1));
    expect((await getConfig(tenants.expiring.key)).status).toBe(200);

    server.clock.set(expiresAt);
    const body = await expectProblem(
      await getConfig(tenants.expiring.key),
      'license_expired',
      PATH,
    );
    expect(body.detail).toContain(expiresAt.toISOString());

    server.clock.advance(24 * 60 * 60 * 1000);
    await expectProblem(await getConfig(tenants.expiring.key), 'license_expired', PATH);
  });

  it('origin_not_allowed (403) for an origin the license does not list', async () => {
    const body = await expectProblem(
      await getConfig(tenants.acme.key, 'https://elsewhere.test'),
      'origin_not_allowed',
      PATH,
    );
    expect(body.detail).toContain('https://elsewhere.test');
  });

  it('refuses a state before checking the origin, so the reason a widget shows is the real one', async () => {
    await expectProblem(
      await getConfig(tenants.revoked.key, 'https://elsewhere.test'),
      'license_revoked',
    );
  });

  it('answers an unsupported method with a not_found problem', async () => {
    const res = await server.fetch(PATH, {
      method: 'DELETE',
      headers: widgetHeaders(tenants.acme.key, ACME),
    });
    await expectProblem(res, 'not_found', PATH);
  });

  it('logs refused requests with their status and no license', async () => {
    server.logs.clear();
    const res = await getConfig(tenants.revoked.key);
    expect(server.logs.requests()).toEqual([
      expect.objectContaining({
        path: PATH,
        status: 403,
        requestId: res.headers.get('x-request-id'),
      }),
    ]);
    expect(server.logs.requests()[0]).not.toHaveProperty('licenseId');
  });
});
