import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyWithBody } from '../../server/modules/licenses/keys.js';
import { seedTenants, type Tenants } from '../fixtures/licenses.js';
import { expectProblem } from '../fixtures/problems.js';
import { startTestServer, widgetHeaders, type TestServer } from '../fixtures/server.js';

const ACME = 'https://portal.acme.test';
const GLOBEX = 'https://learn.globex.test';
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

const getConfig = (key: string | undefined, origin?: string, extra: Record<string, string> = {}) =>
  server.fetch(PATH, { headers: { ...widgetHeaders(key, origin), ...extra } });

interface Config {
  license: { id: string; name: string };
  publishableKey: string;
}

describe('GET /v1/embed/config across tenants', () => {
  it("never answers one tenant's key with another tenant's config", async () => {
    // Interleaved, concurrent requests: a shared cache must still keep tenants apart.
    const requests = Array.from({ length: 40 }, (_, i) =>
      i % 2 === 0 ? ([tenants.acme, ACME] as const) : ([tenants.globex, GLOBEX] as const),
    );
    const results = await Promise.all(
      requests.map(async ([tenant, origin]) => {
        const res = await getConfig(tenant.key, origin);
        return { expected: tenant.license.id, config: (await res.json()) as Config };
      }),
    );
    for (const { expected, config } of results) {
      expect(config.license.id).toBe(expected);
    }
  });

  it("refuses a tenant's key from another tenant's origin", async () => {
    await expectProblem(await getConfig(tenants.acme.key, GLOBEX), 'origin_not_allowed');
    await expectProblem(await getConfig(tenants.globex.key, ACME), 'origin_not_allowed');
  });

  it("does not answer 304 to another tenant's ETag", async () => {
    const acme = await getConfig(tenants.acme.key, ACME);
    const res = await getConfig(tenants.globex.key, GLOBEX, {
      'If-None-Match': acme.headers.get('etag')!,
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Config).license.id).toBe('lic_globex');
  });
});

describe('GET /v1/embed/config refusals leak nothing', () => {
  it('a refusal names neither the license nor its allowed origins', async () => {
    const res = await getConfig(tenants.acme.key, 'https://evil.test');
    const text = JSON.stringify(await expectProblem(res, 'origin_not_allowed'));
    for (const secret of [
      'Acme University',
      'lic_acme',
      'portal.acme.test',
      'acme.edu',
      'enterprise',
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it.each(['revoked', 'suspended'] as const)(
    'a %s license gets no config, even with a cached ETag',
    async (state) => {
      const tenant = tenants[state];
      const res = await getConfig(tenant.key, ACME, { 'If-None-Match': '*' });
      const text = JSON.stringify(await res.json());
      expect(res.status).toBe(403);
      expect(text).not.toContain(tenant.license.name);
      expect(text).not.toContain('features');
    },
  );

  it('an ETag obtained while active does not earn a 304 after revocation', async () => {
    const { revoked } = tenants;
    // The only way to hold a revoked tenant's ETag is to have fetched it while it was active.
    const etag = (await server.services.embed.serialized(revoked.license)).etag;
    const res = await getConfig(revoked.key, ACME, { 'If-None-Match': etag });
    await expectProblem(res, 'license_revoked');
  });
});

describe('GET /v1/embed/config origin checks', () => {
  it.each([
    ['a suffix look-alike', 'https://portal.acme.test.evil.test'],
    ['credentials hiding the real host', 'https://portal.acme.test@evil.test'],
    ['a scheme downgrade', 'http://portal.acme.test'],
    ['another port', 'https://portal.acme.test:8443'],
    ['a trailing dot', 'https://portal.acme.test.'],
    ['the wildcard parent', 'https://acme.edu'],
    ['a wildcard look-alike', 'https://sub.acme.edu.evil.test'],
    ['an opaque origin', 'null'],
    ['a list of origins', 'https://portal.acme.test, https://evil.test'],
  ])('refuses %s (%s)', async (_why, origin) => {
    await expectProblem(await getConfig(tenants.acme.key, origin), 'origin_not_allowed');
  });
});

describe('GET /v1/embed/config key handling', () => {
  it('reads the key only from the Liberation-Key header', async () => {
    const { key } = tenants.acme;
    await expectProblem(
      await server.fetch(`${PATH}?key=${key}&license=${key}`, { headers: { Origin: ACME } }),
      'license_missing',
    );
    await expectProblem(
      await getConfig(undefined, ACME, { Authorization: `Bearer ${key}` }),
      'license_missing',
    );
    await expectProblem(
      await getConfig(undefined, ACME, { Cookie: `liberation-key=${key}` }),
      'license_missing',
    );
  });

  it('does not accept a case-changed key', async () => {
    const swapped = tenants.acme.key.replace(/[a-z]/, (ch) => ch.toUpperCase());
    expect(swapped).not.toBe(tenants.acme.key);
    const res = await getConfig(swapped, ACME);
    expect(res.status).toBe(401);
  });

  it('answers every unknown key alike, whatever its mode', async () => {
    const unknown = keyWithBody('pk', 'test', 'AnotherUnknownKey0000000');
    const a = await expectProblem(await getConfig(unknown, ACME), 'license_unknown');
    const b = await expectProblem(
      await getConfig(keyWithBody('pk', 'live', 'AnotherUnknownKey0000000'), ACME),
      'license_unknown',
    );
    expect(a.detail).toBe(b.detail);
  });
});
