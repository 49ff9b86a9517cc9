import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLicense,
  startHarness,
  bearer,
  jsonInit,
  type Harness,
} from '../fixtures/harness.js';

describe('POST /v1/licenses/validate', () => {
  let h: Harness;
  let acme: Awaited<ReturnType<typeof createLicense>>;

  beforeAll(async () => {
    h = await startHarness();
    acme = await createLicense(h.services, {
      plan: 'pro',
      limits: { api_requests: 1000 },
      expiresAt: '2031-01-01T00:00:00Z',
      locale: 'en-US',
    });
  });
  afterAll(() => h.close());

  it('answers valid with plan, features, limits and usage this month', async () => {
    const res = await h.fetch('/v1/licenses/validate', {
      method: 'POST',
      headers: bearer(acme.secretKey),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json();
    expect(body).toMatchObject({
      valid: true,
      code: 'valid',
      license: {
        id: acme.license.id,
        name: 'Acme University',
        plan: 'pro',
        status: 'active',
        mode: 'test',
        expiresAt: '2031-01-01T00:00:00.000Z',
        locale: 'en-US',
        currency: 'USD',
        allowedOrigins: ['https://portal.acme.test', 'https://*.acme.edu'],
      },
      usage: {
        period: {
          month: '2030-01',
          start: '2030-01-01T00:00:00.000Z',
          resetsAt: '2030-02-01T00:00:00.000Z',
        },
      },
      rateLimit: { limit: 3000, windowSeconds: 60 },
      learnerTokens: {
        audience: 'liberation-kit',
        issuer: acme.license.id,
        algorithms: ['HS256'],
        maxLifetimeSeconds: 86400,
      },
    });
    expect(body.features).toContain('certificates');
    const requests = body.usage.metrics.find(
      (m: { metric: string }) => m.metric === 'api_requests',
    );
    expect(requests).toMatchObject({
      used: 1,
      limit: 1000,
      enforcement: 'hard',
      source: 'license',
      remaining: 999,
    });
    const learners = body.usage.metrics.find(
      (m: { metric: string }) => m.metric === 'active_learners',
    );
    expect(learners).toMatchObject({ used: 0, limit: 2000, enforcement: 'hard', source: 'plan' });
  });

  it('counts each validation as a request', async () => {
    const before = await h.services.usage.snapshot(
      (await h.services.licenses.getById(acme.license.id))!,
    );
    await h.fetch('/v1/licenses/validate', { method: 'POST', headers: bearer(acme.secretKey) });
    const after = await h.services.usage.snapshot(
      (await h.services.licenses.getById(acme.license.id))!,
    );
    expect(after.metrics[0]!.used).toBe(before.metrics[0]!.used + 1);
  });

  it('confirms an allowed origin, exact or through a wildcard', async () => {
    for (const origin of ['https://portal.acme.test', 'https://learn.acme.edu']) {
      const res = await h.fetch(
        '/v1/licenses/validate',
        jsonInit('POST', { origin }, bearer(acme.secretKey)),
      );
      expect(await res.json()).toMatchObject({ valid: true, code: 'valid' });
    }
  });

  it('accepts an empty JSON body', async () => {
    const res = await h.fetch(
      '/v1/licenses/validate',
      jsonInit('POST', {}, bearer(acme.secretKey)),
    );
    expect(await res.json()).toMatchObject({ valid: true });
  });

  it('carries the rate-limit headers', async () => {
    const res = await h.fetch('/v1/licenses/validate', {
      method: 'POST',
      headers: bearer(acme.secretKey),
    });
    expect(res.headers.get('ratelimit-policy')).toBe('3000;w=60');
    expect(res.headers.get('ratelimit')).toMatch(/^limit=3000, remaining=\d+, reset=\d+$/);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = await (await h.fetch('/v1/openapi.json')).json();
    expect(doc.paths['/v1/licenses/validate'].post.security).toEqual([{ secretKey: [] }]);
    expect(doc.components.schemas.LicenseValidation).toBeDefined();
    expect(
      doc.paths['/v1/licenses/validate'].post.requestBody.content['application/json'].schema,
    ).toEqual({
      $ref: '#/components/schemas/LicenseValidate',
    });
    expect(doc.components.schemas.LicenseValidate.properties.origin).toBeDefined();
    expect(doc.components.securitySchemes.secretKey).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
  });
});
