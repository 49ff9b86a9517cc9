import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedTenants, type Tenants } from '../fixtures/licenses.js';
import { testRoutes } from '../fixtures/routes.js';
import { startTestServer, widgetHeaders, type TestServer } from '../fixtures/server.js';

const ACME = 'https://portal.acme.test';
const GENERATED = /^req_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let server: TestServer;
let tenants: Tenants;

beforeAll(async () => {
  server = await startTestServer({
    config: { bodyLimitBytes: 1024 },
    seed: async (db, clock) => {
      tenants = await seedTenants(db, clock);
    },
    mount: (app) => app.route('/v1/test', testRoutes()),
  });
});
afterAll(() => server.close());
beforeEach(() => server.logs.clear());

async function everyKindOfResponse(): Promise<Response[]> {
  const key = tenants.acme.key;
  const ok = await server.fetch('/v1/embed/config', { headers: widgetHeaders(key, ACME) });
  const etag = ok.headers.get('etag')!;
  return [
    ok,
    await server.fetch('/v1/embed/config', {
      headers: { ...widgetHeaders(key, ACME), 'If-None-Match': etag },
    }),
    await server.fetch('/v1/embed/config', {
      method: 'OPTIONS',
      headers: { Origin: ACME, 'Access-Control-Request-Method': 'GET' },
    }),
    await server.fetch('/v1/embed/config'),
    await server.fetch('/v1/embed/config', { headers: widgetHeaders(tenants.revoked.key) }),
    await server.fetch('/nowhere'),
    await server.fetch('/v1/test/enrollments', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: 'x'.repeat(2048),
    }),
    await server.fetch('/v1/test/boom'),
    await server.fetch('/healthz'),
    await server.fetch('/readyz'),
    await server.fetch('/v1/openapi.json'),
    await server.fetch('/docs'),
  ];
}

describe('X-Request-Id', () => {
  it('is on every response, success or failure', async () => {
    const responses = await everyKindOfResponse();
    expect(responses.map((r) => r.status)).toEqual([
      200, 304, 204, 401, 403, 404, 413, 500, 200, 200, 200, 200,
    ]);
    const ids = responses.map((r) => r.headers.get('x-request-id'));
    for (const id of ids) expect(id).toMatch(GENERATED);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('echoes a safe incoming request id, so a proxy can correlate', async () => {
    const id = 'edge-42_abc=';
    const res = await server.fetch('/v1/embed/config', { headers: { 'X-Request-Id': id } });
    expect(res.headers.get('x-request-id')).toBe(id);
    expect(((await res.json()) as { requestId: string }).requestId).toBe(id);
    expect(server.logs.requests()[0]).toMatchObject({ requestId: id });
  });

  it.each([
    ['spaces', 'a b'],
    ['markup', '<script>alert(1)</script>'],
    ['a header injection attempt', 'abc%0d%0aSet-Cookie:x=1'],
    ['an overlong id', 'a'.repeat(256)],
  ])('replaces an incoming id with %s', async (_why, id) => {
    const res = await server.fetch('/healthz', { headers: { 'X-Request-Id': id } });
    expect(res.headers.get('x-request-id')).toMatch(GENERATED);
  });
});

describe('request log', () => {
  it('writes exactly one structured line per request', async () => {
    const responses = await everyKindOfResponse();
    const lines = server.logs.requests();
    expect(lines).toHaveLength(responses.length);
    lines.forEach((line, i) => {
      const res = responses[i]!;
      expect(line).toMatchObject({
        level: 30,
        msg: 'request',
        method: expect.stringMatching(/^(GET|POST|OPTIONS)$/),
        path: expect.stringMatching(/^\//),
        status: res.status,
        requestId: res.headers.get('x-request-id'),
      });
      expect(typeof line.durationMs).toBe('number');
      expect(line.durationMs).toBeGreaterThanOrEqual(0);
      expect(line.durationMs).toBeLessThan(5_000);
      expect(typeof line.time).toBe('string');
    });
  });

  it('carries the license id once the key has been validated', async () => {
    await server.fetch('/v1/embed/config?utm=1', {
      headers: widgetHeaders(tenants.globex.key, 'https://learn.globex.test'),
    });
    const [line] = server.logs.requests();
    expect(line).toEqual({
      level: 30,
      time: expect.any(String),
      service: 'liberation-kit',
      method: 'GET',
      path: '/v1/embed/config',
      status: 200,
      durationMs: expect.any(Number),
      requestId: expect.stringMatching(GENERATED),
      licenseId: 'lic_globex',
      msg: 'request',
    });
  });

  it('never logs the query string, request headers or body', async () => {
    await server.fetch('/v1/test/enrollments?token=s3cret-query', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: 'Bearer s3cret-header',
        Cookie: 'session=s3cret-cookie',
      },
      body: JSON.stringify({ name: 's3cret-body' }),
    });
    const text = JSON.stringify(server.logs.entries());
    expect(text).not.toContain('s3cret');
  });
});
