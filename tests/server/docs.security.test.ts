import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../fixtures/problems.js';
import { startTestServer, type TestServer } from '../fixtures/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('/docs/assets', () => {
  it.each([
    '/docs/assets/package.json',
    '/docs/assets/index.html',
    '/docs/assets/..%2F..%2F..%2Fpackage.json',
    '/docs/assets/%2e%2e%2fpackage.json',
    '/docs/assets/swagger-ui-bundle.js.map',
  ])('serves only the listed files, not %s', async (path) => {
    const res = await server.fetch(path);
    const body = await expectProblem(res, 'not_found');
    expect(JSON.stringify(body)).not.toContain('liberation-kit');
  });

  it('sends security headers with the reference page', async () => {
    const res = await server.fetch('/docs');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });
});
