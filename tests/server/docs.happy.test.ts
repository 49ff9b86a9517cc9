import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../fixtures/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, unknown>;
    securitySchemes: Record<string, unknown>;
  };
}

interface Operation {
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}

async function document(): Promise<OpenApiDocument> {
  const res = await server.fetch('/v1/openapi.json');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return (await res.json()) as OpenApiDocument;
}

describe('GET /v1/openapi.json', () => {
  it('is an OpenAPI 3.1 document', async () => {
    const doc = await document();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Liberation Kit API', version: '1' });
  });

  it('declares the publishable key scheme', async () => {
    const doc = await document();
    expect(doc.components.securitySchemes.publishableKey).toEqual({
      type: 'apiKey',
      in: 'header',
      name: 'Liberation-Key',
      description: expect.stringContaining('publishable key'),
    });
  });

  it.each(['/v1/embed/config', '/v1/plans'])(
    'lists GET %s behind the publishable key, with problem responses',
    async (path) => {
      const doc = await document();
      const operation = doc.paths[path]?.get;
      expect(operation).toBeDefined();
      expect(operation!.security).toEqual([{ publishableKey: [] }]);
      expect(operation!.responses['200']).toBeDefined();
      for (const status of ['401', '403']) {
        expect(operation!.responses[status]?.content?.['application/problem+json']?.schema).toEqual(
          { $ref: '#/components/schemas/Problem' },
        );
      }
    },
  );

  it('publishes the shared schemas', async () => {
    const doc = await document();
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Problem', 'EmbedConfig', 'Plan', 'PlanList']),
    );
  });
});

describe('GET /docs', () => {
  it('serves an HTML reference that loads only local assets', async () => {
    const res = await server.fetch('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    const html = await res.text();
    const refs = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThanOrEqual(3);
    for (const ref of refs) {
      expect(ref).toMatch(/^\/(?!\/)/);
    }
    expect(html).not.toMatch(/https?:\/\//);
    for (const ref of refs) {
      const asset = await server.fetch(ref);
      expect(asset.status, ref).toBe(200);
    }
  });

  it('serves the Swagger UI bundle itself', async () => {
    const res = await server.fetch('/docs/assets/swagger-ui-bundle.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const body = await res.text();
    expect(body.length).toBeGreaterThan(100_000);
    expect(body).toContain('SwaggerUIBundle');
  });

  it('points the reference at the local OpenAPI document', async () => {
    const res = await server.fetch('/docs/assets/init.js');
    expect(await res.text()).toContain("url: '/v1/openapi.json'");
  });

  it('serves the stylesheet as CSS', async () => {
    const res = await server.fetch('/docs/assets/swagger-ui.css');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });
});
