import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { presets } from '../../themes/tokens.js';
import { seedTenants, updateLicense, type Tenants } from '../fixtures/licenses.js';
import { startTestServer, widgetHeaders, type TestServer } from '../fixtures/server.js';

const ACME = 'https://portal.acme.test';
const TTL_MS = 30_000;

let server: TestServer;
let tenants: Tenants;

beforeAll(async () => {
  server = await startTestServer({
    config: { licenseCacheTtlMs: TTL_MS, stripePublishableKey: 'pk_test_stripeAcct123' },
    seed: async (db, clock) => {
      tenants = await seedTenants(db, clock);
    },
  });
});
afterAll(() => server.close());
beforeEach(() => server.logs.clear());

const getConfig = (key: string, origin?: string, extra: Record<string, string> = {}) =>
  server.fetch('/v1/embed/config', { headers: { ...widgetHeaders(key, origin), ...extra } });

describe('GET /v1/embed/config', () => {
  it('returns what a widget needs to boot', async () => {
    const res = await getConfig(tenants.acme.key, ACME);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toEqual({
      license: {
        id: 'lic_acme',
        name: 'Acme University',
        status: 'active',
        plan: 'enterprise',
        mode: 'test',
      },
      features: tenants.acme.license.features,
      theme: { ...presets.light, version: 0 },
      locale: 'en-US',
      currency: 'USD',
      payments: {
        provider: 'stripe',
        mode: 'test',
        stripePublishableKey: 'pk_test_stripeAcct123',
        stripeJsUrl: null,
      },
      publishableKey: tenants.acme.key,
    });
  });

  it("returns each tenant's own settings", async () => {
    const res = await getConfig(tenants.globex.key, 'https://learn.globex.test');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      license: { id: 'lic_globex', name: 'Globex Learning', plan: 'pro', mode: 'live' },
      locale: 'de-DE',
      currency: 'EUR',
      payments: { mode: 'live' },
      publishableKey: tenants.globex.key,
    });
  });

  it('accepts an origin allowed through a wildcard', async () => {
    for (const origin of ['https://sub.acme.edu', 'https://a.b.acme.edu']) {
      const res = await getConfig(tenants.acme.key, origin);
      expect(res.status).toBe(200);
    }
  });

  it('accepts a request without an Origin header (server-side and non-browser clients)', async () => {
    const res = await getConfig(tenants.acme.key);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await res.json()) as { license: { id: string } }).license.id).toBe('lic_acme');
  });

  it('is revalidated on every load: no-cache with a weak ETag', async () => {
    const res = await getConfig(tenants.acme.key, ACME);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('etag')).toMatch(/^W\/"[A-Za-z0-9_-]{27}"$/);
    const again = await getConfig(tenants.acme.key, ACME);
    expect(again.headers.get('etag')).toBe(res.headers.get('etag'));
  });

  it('answers 304 with no body when If-None-Match holds the current ETag', async () => {
    const first = await getConfig(tenants.acme.key, ACME);
    const etag = first.headers.get('etag')!;
    const res = await getConfig(tenants.acme.key, ACME, { 'If-None-Match': etag });
    expect(res.status).toBe(304);
    expect(await res.text()).toBe('');
    expect(res.headers.get('etag')).toBe(etag);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('access-control-allow-origin')).toBe(ACME);
  });

  it('answers 200 when If-None-Match holds another ETag', async () => {
    const res = await getConfig(tenants.acme.key, ACME, { 'If-None-Match': 'W/"stale"' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ license: { id: 'lic_acme' } });
  });

  it('gives different tenants different ETags', async () => {
    const a = await getConfig(tenants.acme.key, ACME);
    const b = await getConfig(tenants.globex.key, 'https://learn.globex.test');
    expect(a.headers.get('etag')).not.toBe(b.headers.get('etag'));
  });

  it('logs the license the request was served for', async () => {
    const res = await getConfig(tenants.acme.key, ACME);
    expect(server.logs.requests()).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: '/v1/embed/config',
        status: 200,
        licenseId: 'lic_acme',
        requestId: res.headers.get('x-request-id'),
      }),
    ]);
  });
});

describe('GET /v1/embed/config after a license changes', () => {
  it('shows the change on the next request once the license is invalidated', async () => {
    const before = await getConfig(tenants.globex.key, 'https://learn.globex.test');
    const etag = before.headers.get('etag')!;

    // Same instant as the seed: the change must not depend on the clock having moved.
    await server.store.write((tx) =>
      updateLicense(tx, server.clock, 'lic_globex', {
        name: 'Globex Academy',
        features: ['course_catalog'],
        currency: 'CHF',
      }),
    );
    server.services.licenses.invalidate('lic_globex');

    const after = await getConfig(tenants.globex.key, 'https://learn.globex.test', {
      'If-None-Match': etag,
    });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(await after.json()).toMatchObject({
      license: { name: 'Globex Academy' },
      features: ['course_catalog'],
      currency: 'CHF',
    });
  });

  it('picks up an allowed-origin change on the next request', async () => {
    const origin = 'https://new-portal.acme.test';
    expect((await getConfig(tenants.acme.key, origin)).status).toBe(403);
    await server.store.write((tx) =>
      updateLicense(tx, server.clock, 'lic_acme', {
        allowedOrigins: ['https://portal.acme.test', 'https://*.acme.edu', origin],
      }),
    );
    server.services.licenses.invalidate('lic_acme');
    expect((await getConfig(tenants.acme.key, origin)).status).toBe(200);
  });

  it('picks up a change without invalidation once the cache TTL has passed', async () => {
    await server.store.write((tx) =>
      updateLicense(tx, server.clock, 'lic_globex', { locale: 'fr-CH' }),
    );
    const cached = await getConfig(tenants.globex.key, 'https://learn.globex.test');
    expect(((await cached.json()) as { locale: string }).locale).not.toBe('fr-CH');

    server.clock.advance(TTL_MS);
    const fresh = await getConfig(tenants.globex.key, 'https://learn.globex.test');
    expect(((await fresh.json()) as { locale: string }).locale).toBe('fr-CH');
  });
});
