import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCatalogEntries } from '../../server/errors.js';
import { operationIdFor, withOperationIds } from '../../server/openapi.js';
import { startTestServer, type TestServer } from '../fixtures/server.js';

interface SchemaProperty {
  enum?: string[];
  description?: string;
  'x-reasons'?: Record<string, Record<string, string>>;
  'x-enumDescriptions'?: Record<string, string>;
}

interface OpenApiDocument {
  servers?: { url: string }[];
  paths: Record<string, Record<string, { operationId?: string }>>;
  webhooks?: Record<string, Record<string, { operationId?: string }>>;
  components: { schemas: { Problem: { properties: Record<string, SchemaProperty> } } };
}

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

let server: TestServer;
let doc: OpenApiDocument;
beforeAll(async () => {
  server = await startTestServer();
  doc = (await (await server.fetch('/v1/openapi.json')).json()) as OpenApiDocument;
});
afterAll(() => server.close());

function operations(): { where: string; operationId: string | undefined }[] {
  return [...Object.entries(doc.paths), ...Object.entries(doc.webhooks ?? {})].flatMap(
    ([path, item]) =>
      Object.entries(item)
        .filter(([method]) => methods.includes(method))
        .map(([method, op]) => ({ where: `${method} ${path}`, operationId: op.operationId })),
  );
}

describe('operationId', () => {
  it('is on every operation, unique, and camelCase', () => {
    const all = operations();
    expect(all.length).toBeGreaterThan(100);
    for (const { where, operationId } of all) {
      expect(operationId, where).toMatch(/^[a-z][A-Za-z0-9]+$/);
    }
    const ids = all.map((o) => o.operationId);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('is derived from the method and path', () => {
    expect(doc.paths['/v1/rewards/wallet']!.get!.operationId).toBe('getRewardsWallet');
    expect(doc.paths['/v1/admin/licenses/{id}/suspend']!.post!.operationId).toBe(
      'postAdminLicensesByIdSuspend',
    );
    expect(operationIdFor('put', '/v1/rewards/leaderboard/opt-out')).toBe(
      'putRewardsLeaderboardOptOut',
    );
    expect(operationIdFor('GET', '/v2/things/{thing_id}')).toBe('getV2ThingsByThingId');
    expect(operationIdFor('post', '/v1/webhooks/deliveries/replay')).not.toBe(
      operationIdFor('post', '/v1/webhooks/deliveries/{deliveryId}/replay'),
    );
  });

  it('keeps an id a route sets itself, and touches nothing else', () => {
    const input = {
      openapi: '3.1.0',
      paths: {
        '/v1/a': {
          summary: 'A',
          parameters: [],
          get: { operationId: 'readA', responses: {} },
          post: { responses: {} },
        },
      },
    };
    expect(withOperationIds(input)).toEqual({
      openapi: '3.1.0',
      paths: {
        '/v1/a': {
          summary: 'A',
          parameters: [],
          get: { operationId: 'readA', responses: {} },
          post: { operationId: 'postA', responses: {} },
        },
      },
    });
    expect(input.paths['/v1/a'].post).toEqual({ responses: {} });
  });
});

describe('the document', () => {
  it('names its own origin as the server', () => {
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
  });

  it('describes every code and the reasons each may carry', () => {
    const { code, reason } = doc.components.schemas.Problem.properties;
    const entries = errorCatalogEntries();
    expect(code!.enum).toEqual(entries.map(([c]) => c));
    expect(code!.description).toContain('/docs/problems');
    for (const [c, { description }] of entries) {
      expect(code!['x-enumDescriptions']![c]).toBe(description);
    }
    const withReasons = Object.fromEntries(
      entries.flatMap(([c, { reasons }]) => (reasons ? [[c, reasons]] : [])),
    );
    expect(withReasons).toHaveProperty('conflict.insufficient_balance');
    expect(reason!['x-reasons']).toEqual(withReasons);
    expect(reason!.enum!.sort()).toEqual(
      Object.values(withReasons)
        .flatMap((r) => Object.keys(r))
        .sort(),
    );
  });
});
