import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { errorCatalog } from '../../server/errors.js';
import { expectProblem } from '../fixtures/problems.js';
import { INTERNAL_SECRET, testRoutes } from '../fixtures/routes.js';
import { startTestServer, type TestServer } from '../fixtures/server.js';

const BODY_LIMIT = 2048;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    config: { bodyLimitBytes: BODY_LIMIT },
    mount: (app) => app.route('/v1/test', testRoutes()),
  });
});
afterAll(() => server.close());
beforeEach(() => server.logs.clear());

const postJson = (path: string, body: string, headers: Record<string, string> = {}) =>
  server.fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body,
  });

const valid = {
  name: 'Spring cohort',
  seats: 30,
  tags: ['math'],
  contact: { email: 'ops@acme.test' },
};

describe('problem+json for every error', () => {
  it('unknown paths get a not_found problem', async () => {
    for (const path of ['/nope', '/v1/nope', '/v1/embed/nope']) {
      const body = await expectProblem(await server.fetch(path), 'not_found', path);
      expect(body.detail).toBe(`Nothing at GET ${path}.`);
    }
  });

  it('the problem type points at a documented anchor', async () => {
    const html = await (await server.fetch('/docs/problems')).text();
    for (const [code, { status }] of Object.entries(errorCatalog)) {
      expect(html).toContain(`<tr id="${code}"><td><code>${code}</code></td><td>${status}</td>`);
    }
  });
});

describe('internal errors', () => {
  it.each(['/v1/test/boom', '/v1/test/boom-async'])(
    '%s says only "internal error" and logs the cause',
    async (path) => {
      const res = await server.fetch(path);
      const body = await expectProblem(res, 'internal_error', path);
      expect(Object.keys(body).sort()).toEqual(
        ['code', 'detail', 'instance', 'requestId', 'status', 'title', 'type'].sort(),
      );
      const text = JSON.stringify(body);
      expect(text).not.toContain('hunter2');
      expect(text).not.toMatch(/\bat .*\(.*:\d+:\d+\)|\.ts:\d+|TypeError|stack/);

      const logged = server.logs.entries().find((e) => e.msg === 'unhandled error');
      expect(logged).toMatchObject({
        level: 50,
        requestId: body.requestId,
        err: { message: expect.stringContaining(INTERNAL_SECRET) },
      });
      expect((logged!.err as { stack: string }).stack).toMatch(/routes\.ts/);
      expect(server.logs.requests()).toEqual([
        expect.objectContaining({ path, status: 500, requestId: body.requestId }),
      ]);
    },
  );

  it('a thrown non-Error value is still an internal_error problem', async () => {
    const res = await server.fetch('/v1/test/boom-non-error', {
      headers: { Origin: 'https://portal.acme.test' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://portal.acme.test');
    const body = await expectProblem(res, 'internal_error', '/v1/test/boom-non-error');
    expect(JSON.stringify(body)).not.toContain('hunter2');
    expect(server.logs.entries().find((e) => e.msg === 'unhandled error')).toMatchObject({
      level: 50,
      requestId: body.requestId,
    });
    expect(server.logs.requests()).toEqual([expect.objectContaining({ status: 500 })]);
  });
});

describe('request bodies', () => {
  it('accepts a valid body', async () => {
    const res = await postJson('/v1/test/enrollments', JSON.stringify(valid));
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual(valid);
  });

  it('refuses malformed JSON with bad_request', async () => {
    const res = await postJson('/v1/test/enrollments', '{"name": "Spring",');
    const body = await expectProblem(res, 'bad_request', '/v1/test/enrollments');
    expect(body.detail).toMatch(/JSON/i);
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', undefined])(
    'refuses a JSON body sent as %s with unsupported_media_type',
    async (type) => {
      const res = await server.fetch('/v1/test/enrollments', {
        method: 'POST',
        headers: type ? { 'Content-Type': type } : {},
        body: JSON.stringify(valid),
      });
      await expectProblem(res, 'unsupported_media_type', '/v1/test/enrollments');
    },
  );

  it('accepts JSON with a charset parameter', async () => {
    const res = await postJson('/v1/test/enrollments', JSON.stringify(valid), {
      'Content-Type': 'application/json; charset=utf-8',
    });
    expect(res.status).toBe(201);
  });

  it('names each body field that failed, with a message', async () => {
    const res = await postJson(
      '/v1/test/enrollments',
      JSON.stringify({ name: '', seats: -3, tags: ['a', 'b', 'c'], contact: { email: 'nope' } }),
    );
    const body = await expectProblem(res, 'validation_failed');
    expect(body.errors!.map((e) => e.path).sort()).toEqual([
      'body.contact.email',
      'body.name',
      'body.seats',
      'body.tags',
    ]);
    for (const error of body.errors!) expect(error.message).toMatch(/\w/);
    expect(body.detail).toBe('4 field(s) failed validation.');
  });

  it('reports missing fields', async () => {
    const res = await postJson('/v1/test/enrollments', '{}');
    const body = await expectProblem(res, 'validation_failed');
    expect(body.errors!.map((e) => e.path).sort()).toEqual([
      'body.contact',
      'body.name',
      'body.seats',
      'body.tags',
    ]);
  });

  it('reports an invalid query parameter under query.*', async () => {
    const res = await postJson('/v1/test/enrollments?dryRun=maybe', JSON.stringify(valid));
    const body = await expectProblem(res, 'validation_failed');
    expect(body.errors).toEqual([{ path: 'query.dryRun', message: expect.any(String) }]);
  });

  it('refuses a body over BODY_LIMIT_BYTES with payload_too_large', async () => {
    const big = JSON.stringify({ ...valid, name: 'x'.repeat(BODY_LIMIT) });
    const res = await postJson('/v1/test/enrollments', big);
    const body = await expectProblem(res, 'payload_too_large', '/v1/test/enrollments');
    expect(body.detail).toContain(String(BODY_LIMIT));
  });

  it('refuses an oversized streamed body that declares no length', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 4) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await server.fetch('/v1/test/enrollments', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    await expectProblem(res, 'payload_too_large');
  });

  it('accepts a body right at the limit', async () => {
    const base = JSON.stringify({ ...valid, name: '' });
    const exact = JSON.stringify({ ...valid, name: 'x'.repeat(BODY_LIMIT - base.length) });
    expect(Buffer.byteLength(exact)).toBe(BODY_LIMIT);
    expect((await postJson('/v1/test/enrollments', exact)).status).toBe(201);
  });
});
