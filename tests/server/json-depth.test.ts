import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../../server/middleware/json-depth.js';
import { seedTenants, type Tenants } from '../fixtures/licenses.js';
import { expectProblem } from '../fixtures/problems.js';
import { startTestServer, type TestServer } from '../fixtures/server.js';

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

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

interface Operation {
  requestBody?: { content?: Record<string, unknown> };
}

/** Every operation of the API that takes a JSON body, with its path parameters filled in. */
async function jsonOperations(): Promise<{ method: string; path: string }[]> {
  const doc = (await (await server.fetch('/v1/openapi.json')).json()) as {
    paths: Record<string, Record<string, Operation>>;
  };
  const out: { method: string; path: string }[] = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!operation.requestBody?.content?.['application/json']) continue;
      out.push({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, 'x') });
    }
  }
  return out;
}

describe('JSON nesting depth', () => {
  it('counts nesting without parsing, skipping strings and escapes', () => {
    expect(jsonDepthExceeds(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(jsonDepthExceeds(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
    expect(jsonDepthExceeds(JSON.stringify({ a: '[[[[[[[[' }), 2)).toBe(false);
    expect(jsonDepthExceeds(JSON.stringify({ a: 'x\\"[[[[' }), 2)).toBe(false);
    expect(jsonDepthExceeds('{"a":{"b":[1]}}', 2)).toBe(true);
  });

  it('refuses a body nested 50,000 levels deep on every JSON route with 400, not 500', async () => {
    const operations = await jsonOperations();
    expect(operations.length).toBeGreaterThanOrEqual(40);
    const body = `{"tokens":${nested(50_000)}}`;
    for (const { method, path } of operations) {
      const res = await server.fetch(path, {
        method,
        headers: {
          'Content-Type': 'application/json',
          'Liberation-Key': tenants.acme.key,
          Origin: 'https://portal.acme.test',
        },
        body,
      });
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 400 });
      const problem = await expectProblem(res, 'bad_request', path);
      expect(problem.detail).toMatch(/at most 32 levels/);
    }
  });

  it('lets a body within the limit reach the route (which judges its shape)', async () => {
    const res = await server.fetch('/v1/licenses/validate', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ deep: JSON.parse(nested(MAX_JSON_DEPTH - 1)) as unknown }),
    });
    expect(res.status).not.toBe(500);
    const problem = (await res.json()) as { detail?: string };
    expect(problem.detail ?? '').not.toMatch(/levels deep/);
  });
});
