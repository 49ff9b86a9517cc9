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

describe('CORS never grants more than a plain HTTP client has', () => {
  it('never allows credentials, even when the request carries cookies', async () => {
    const requests: RequestInit[] = [
      {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://evil.test',
          'Access-Control-Request-Method': 'GET',
          Cookie: 'session=1',
        },
      },
      {
        headers: { ...widgetHeaders(tenants.acme.key, 'https://portal.acme.test'), Cookie: 'a=1' },
      },
    ];
    for (const init of requests) {
      const res = await server.fetch('/v1/embed/config', init);
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      expect(res.headers.get('access-control-allow-origin')).not.toBe('*');
    }
  });

  it('refuses the real request from a foreign origin even though its preflight passed', async () => {
    const preflight = await server.fetch('/v1/embed/config', {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.test', 'Access-Control-Request-Method': 'GET' },
    });
    expect(preflight.status).toBe(204);

    const res = await server.fetch('/v1/embed/config', {
      headers: widgetHeaders(tenants.acme.key, 'https://evil.test'),
    });
    const body = await expectProblem(res, 'origin_not_allowed');
    expect(JSON.stringify(body)).not.toContain('Acme University');
  });

  it('treats OPTIONS without Access-Control-Request-Method as an ordinary request', async () => {
    const res = await server.fetch('/v1/embed/config', {
      method: 'OPTIONS',
      headers: { Origin: 'https://portal.acme.test' },
    });
    await expectProblem(res, 'not_found', '/v1/embed/config');
  });

  it('keeps CORS to the API: other paths get no Access-Control headers', async () => {
    const res = await server.fetch('/healthz', { headers: { Origin: 'https://evil.test' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
