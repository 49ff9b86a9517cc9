import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shippedMigrationCount as shipped } from '../../server/db/store.js';
import { dialect } from '../fixtures/store.js';

const shippedMigrationCount = () => shipped(dialect);
import { startTestServer, type TestServer } from '../fixtures/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('GET /healthz', () => {
  it('answers while the process is up, without a license', async () => {
    const res = await server.fetch('/healthz');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});

describe('GET /readyz', () => {
  it('is ready once every migration is applied', async () => {
    const res = await server.fetch('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', migrations: shippedMigrationCount() });
  });
});
