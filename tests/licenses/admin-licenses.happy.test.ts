import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  jsonInit,
  learnerHeaders,
  operator,
  signToken,
  startHarness,
  type Harness,
} from '../fixtures/harness.js';

describe('admin API: /v1/admin/licenses', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const admin = (path: string, init: RequestInit = {}) =>
    h.fetch(`/v1/admin/licenses${path}`, { ...init, headers: { ...operator, ...init.headers } });
  const create = async (body: unknown) => {
    // One second apart, so "oldest first" has an order to show.
    h.clock.advance(1000);
    const res = await admin('', jsonInit('POST', body));
    expect(res.status).toBe(201);
    return res.json();
  };

  it('creates a license that works at once: publishable key, secret key, signing secret', async () => {
    const created = await create({
      name: 'Acme',
      plan: 'enterprise',
      origins: ['https://portal.acme.test', 'HTTPS://Portal.Example.EDU:443'],
    });
    expect(created.secretKey).toMatch(/^sk_test_[0-9A-Za-z]{30}$/);
    expect(created.signingSecret).toMatch(/^lxsig_/);
    const license = created.license;
    expect(license).toMatchObject({
      id: expect.stringMatching(/^lic_/),
      name: 'Acme',
      plan: 'enterprise',
      customPlan: false,
      status: 'active',
      mode: 'test',
      publishableKey: expect.stringMatching(/^pk_test_/),
      allowedOrigins: ['https://portal.acme.test', 'https://portal.example.edu'],
      limits: {
        api_requests: { max: 5_000_000, enforcement: 'soft', source: 'plan' },
        active_learners: { max: 50_000, enforcement: 'soft', source: 'plan' },
      },
      rateLimit: { perMinute: 12_000, source: 'plan' },
      locale: 'en',
      currency: 'USD',
      expiresAt: null,
      learnerTokens: {
        kind: 'secret',
        algorithms: ['HS256'],
        audience: 'liberation-kit',
        issuer: license.id,
      },
      usage: { period: { month: '2030-01' } },
    });
    expect(license.features).toContain('sso');
    expect(license.secretKeys).toEqual([
      {
        id: expect.any(String),
        hint: created.secretKey.slice(-4),
        createdAt: '2030-01-16T12:00:01.000Z',
        expiresAt: null,
      },
    ]);

    const embed = await h.fetch('/v1/embed/config', {
      headers: { 'Liberation-Key': license.publishableKey, Origin: 'https://portal.acme.test' },
    });
    expect(embed.status).toBe(200);
    expect(
      (
        await h.fetch('/v1/licenses/validate', {
          method: 'POST',
          headers: bearer(created.secretKey),
        })
      ).status,
    ).toBe(200);
    const token = await signToken(created.signingSecret, license.id, h.clock);
    expect(
      (await h.fetch('/v1/me', { headers: learnerHeaders(license.publishableKey, token) })).status,
    ).toBe(200);
  });

  it('creates a custom plan from enterprise defaults, with overrides, in live mode', async () => {
    const created = await create({
      name: 'Big Deal University',
      plan: 'campus-2030',
      mode: 'live',
      features: ['course_catalog', 'sso'],
      limits: { api_requests: 20_000_000, courses: 'unlimited' },
      limitEnforcement: { api_requests: 'hard' },
      rateLimitPerMinute: 50_000,
      expiresAt: '2031-06-30T00:00:00+02:00',
      locale: 'de-DE',
      currency: 'EUR',
    });
    expect(created.secretKey).toMatch(/^sk_live_/);
    expect(created.license).toMatchObject({
      plan: 'campus-2030',
      customPlan: true,
      mode: 'live',
      publishableKey: expect.stringMatching(/^pk_live_/),
      features: ['course_catalog', 'sso'],
      limits: {
        api_requests: { max: 20_000_000, enforcement: 'hard', source: 'license' },
        courses: { max: null, enforcement: 'soft', source: 'license' },
        active_learners: { max: 50_000, source: 'plan' },
      },
      rateLimit: { perMinute: 50_000, source: 'license' },
      expiresAt: '2031-06-29T22:00:00.000Z',
      locale: 'de-DE',
      currency: 'EUR',
    });
  });

  it("creates a license whose learners sign in with the customer's JWKS, without a signing secret", async () => {
    const created = await create({
      name: 'IdP College',
      plan: 'pro',
      learnerTokens: {
        kind: 'jwks',
        jwksUrl: 'https://idp.example.edu/jwks.json',
        algorithms: ['ES256'],
      },
    });
    expect(created.signingSecret).toBeNull();
    expect(created.license.learnerTokens).toMatchObject({
      kind: 'jwks',
      jwksUrl: 'https://idp.example.edu/jwks.json',
      algorithms: ['ES256'],
      signingSecrets: [],
    });
  });

  it('lists licenses, oldest first, filtered by status and plan', async () => {
    const all = await (await admin('')).json();
    expect(all.licenses.map((l: { name: string }) => l.name)).toEqual([
      'Acme',
      'Big Deal University',
      'IdP College',
    ]);
    const pro = await (await admin('?plan=pro')).json();
    expect(pro.licenses.map((l: { name: string }) => l.name)).toEqual(['IdP College']);
    const suspended = await (await admin('?status=suspended')).json();
    expect(suspended.licenses).toEqual([]);
  });

  it('shows a license with its usage this month', async () => {
    const { licenses } = await (await admin('')).json();
    const res = await admin(`/${licenses[0].id}`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(
      body.usage.metrics.find((m: { metric: string }) => m.metric === 'api_requests').used,
    ).toBeGreaterThan(0);
  });

  it('updates fields, replaces lists, drops overrides with "default", and takes effect at once', async () => {
    const created = await create({
      name: 'Changing',
      plan: 'pro',
      origins: ['https://a.example.edu'],
      limits: { api_requests: 5 },
    });
    const id = created.license.id;
    const res = await admin(
      `/${id}`,
      jsonInit('PATCH', {
        name: 'Changed',
        origins: ['https://b.example.edu', 'https://*.c.example.edu'],
        limits: { api_requests: 'default', redemptions: 42 },
        limitEnforcement: { redemptions: 'hard' },
        rateLimitPerMinute: 77,
        expiresAt: '2030-12-31T23:59:59Z',
        locale: 'fr',
      }),
    );
    expect(res.status).toBe(200);
    const { license, signingSecret } = await res.json();
    expect(signingSecret).toBeNull();
    expect(license).toMatchObject({
      name: 'Changed',
      allowedOrigins: ['https://b.example.edu', 'https://*.c.example.edu'],
      limits: {
        api_requests: { max: 250_000, enforcement: 'hard', source: 'plan' },
        redemptions: { max: 42, enforcement: 'hard', source: 'license' },
      },
      rateLimit: { perMinute: 77, source: 'license' },
      expiresAt: '2030-12-31T23:59:59.000Z',
      locale: 'fr',
    });
    const embed = (origin: string) =>
      h.fetch('/v1/embed/config', {
        headers: { 'Liberation-Key': license.publishableKey, Origin: origin },
      });
    expect((await embed('https://x.c.example.edu')).status).toBe(200);
    expect((await embed('https://a.example.edu')).status).toBe(403);

    const back = await (
      await admin(`/${id}`, jsonInit('PATCH', { rateLimitPerMinute: 'default', expiresAt: null }))
    ).json();
    expect(back.license).toMatchObject({
      rateLimit: { perMinute: 3000, source: 'plan' },
      expiresAt: null,
    });
  });

  it('switching learner tokens to a JWKS retires the signing secret; switching back issues a new one', async () => {
    const created = await create({
      name: 'Switching',
      plan: 'pro',
      origins: ['https://portal.acme.test'],
    });
    const id = created.license.id;
    const toJwks = await (
      await admin(
        `/${id}`,
        jsonInit('PATCH', {
          learnerTokens: {
            kind: 'jwks',
            jwksUrl: 'http://127.0.0.1:1/jwks',
            algorithms: ['RS256'],
          },
        }),
      )
    ).json();
    expect(toJwks.license.learnerTokens).toMatchObject({ kind: 'jwks', signingSecrets: [] });
    const back = await (
      await admin(`/${id}`, jsonInit('PATCH', { learnerTokens: { kind: 'secret' } }))
    ).json();
    expect(back.signingSecret).toMatch(/^lxsig_/);
    expect(back.signingSecret).not.toBe(created.signingSecret);
    expect(back.license.learnerTokens).toMatchObject({
      kind: 'secret',
      algorithms: ['HS256'],
      jwksUrl: null,
    });
    const token = await signToken(back.signingSecret, id, h.clock);
    const res = await h.fetch('/v1/me', {
      headers: learnerHeaders(back.license.publishableKey, token),
    });
    expect(res.status).toBe(200);
  });

  it('suspends (with a reason), resumes and revokes, each effective on the next request', async () => {
    const created = await create({
      name: 'Lifecycle',
      plan: 'pro',
      origins: ['https://portal.acme.test'],
    });
    const id = created.license.id;
    const embed = () =>
      h.fetch('/v1/embed/config', {
        headers: {
          'Liberation-Key': created.license.publishableKey,
          Origin: 'https://portal.acme.test',
        },
      });
    expect((await embed()).status).toBe(200);

    const suspended = await (
      await admin(`/${id}/suspend`, jsonInit('POST', { reason: 'invoice overdue' }))
    ).json();
    expect(suspended).toMatchObject({ status: 'suspended', statusReason: 'invoice overdue' });
    expect((await embed()).status).toBe(403);

    const resumed = await (await admin(`/${id}/resume`, { method: 'POST' })).json();
    expect(resumed).toMatchObject({ status: 'active', statusReason: null });
    expect((await embed()).status).toBe(200);

    const revoked = await (await admin(`/${id}/revoke`, jsonInit('POST', {}))).json();
    expect(revoked.status).toBe('revoked');
    expect((await embed()).status).toBe(403);
    // Revoking again changes nothing.
    const again = await admin(`/${id}/revoke`, { method: 'POST' });
    expect(again.status).toBe(200);
    expect((await again.json()).updatedAt).toBe(revoked.updatedAt);
  });

  it('is in the OpenAPI document under the operator token', async () => {
    const doc = await (await h.fetch('/v1/openapi.json')).json();
    for (const [path, method] of [
      ['/v1/admin/licenses', 'post'],
      ['/v1/admin/licenses', 'get'],
      ['/v1/admin/licenses/{id}', 'get'],
      ['/v1/admin/licenses/{id}', 'patch'],
      ['/v1/admin/licenses/{id}/suspend', 'post'],
      ['/v1/admin/licenses/{id}/resume', 'post'],
      ['/v1/admin/licenses/{id}/revoke', 'post'],
      ['/v1/admin/licenses/{id}/rotate', 'post'],
    ] as const) {
      expect(doc.paths[path][method].security).toEqual([{ operatorToken: [] }]);
    }
  });
});
