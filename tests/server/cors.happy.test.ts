import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenants, type Tenants } from '../fixtures/licenses.js';
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

const list = (value: string | null) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);

describe('CORS preflight on /v1', () => {
  it('answers 204 with the methods, headers and max age a widget needs', async () => {
    const res = await server.fetch('/v1/embed/config', {
      method: 'OPTIONS',
      headers: {
        Origin: ACME,
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'liberation-key, if-none-match',
      },
    });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(res.headers.get('access-control-allow-origin')).toBe(ACME);
    expect(list(res.headers.get('access-control-allow-headers'))).toEqual(
      expect.arrayContaining(['liberation-key', 'authorization', 'content-type', 'if-none-match']),
    );
    expect(list(res.headers.get('access-control-allow-methods'))).toEqual(
      expect.arrayContaining(['get', 'post', 'options']),
    );
    expect(res.headers.get('access-control-max-age')).toBe('7200');
    expect(list(res.headers.get('vary'))).toContain('origin');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('answers a preflight without touching the license: it carries no key', async () => {
    server.logs.clear();
    const res = await server.fetch('/v1/plans', {
      method: 'OPTIONS',
      headers: { Origin: ACME, 'Access-Control-Request-Method': 'GET' },
    });
    expect(res.status).toBe(204);
    expect(server.logs.requests()).toEqual([
      expect.objectContaining({ method: 'OPTIONS', path: '/v1/plans', status: 204 }),
    ]);
  });
});

describe('CORS on real /v1 responses', () => {
  it('echoes the origin and exposes the headers a widget reads', async () => {
    const res = await server.fetch('/v1/embed/config', {
      headers: widgetHeaders(tenants.acme.key, ACME),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(ACME);
    expect(list(res.headers.get('access-control-expose-headers'))).toEqual(
      expect.arrayContaining(['etag', 'x-request-id', 'retry-after', 'ratelimit']),
    );
    expect(list(res.headers.get('vary'))).toContain('origin');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('lets a widget read the problem that explains a refusal', async () => {
    const res = await server.fetch('/v1/embed/config', {
      headers: widgetHeaders(tenants.revoked.key, ACME),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBe(ACME);
    expect(list(res.headers.get('access-control-expose-headers'))).toContain('x-request-id');
  });

  it('sends no CORS headers to a request without an Origin', async () => {
    const res = await server.fetch('/v1/embed/config', {
      headers: widgetHeaders(tenants.acme.key),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-expose-headers')).toBeNull();
  });
});
