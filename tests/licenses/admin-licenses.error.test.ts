import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLicense,
  expectProblem,
  jsonInit,
  operator,
  startHarness,
  type Harness,
} from '../fixtures/harness.js';
import { dumpStore } from '../fixtures/dump-store.js';

describe('admin API: /v1/admin/licenses refusals', () => {
  let h: Harness;
  let acme: Awaited<ReturnType<typeof createLicense>>;
  beforeAll(async () => {
    h = await startHarness();
    acme = await createLicense(h.services);
  });
  afterAll(() => h.close());

  const admin = (path: string, init: RequestInit = {}) =>
    h.fetch(`/v1/admin/licenses${path}`, { ...init, headers: { ...operator, ...init.headers } });

  const good = { name: 'Acme', plan: 'pro' };
  const badCreates: [string, Record<string, unknown>, string][] = [
    ['a missing name', { plan: 'pro' }, 'body.name'],
    ['an empty name', { ...good, name: '  ' }, 'body.name'],
    ['a plan with capitals', { ...good, plan: 'Enterprise' }, 'body.plan'],
    ['an unknown mode', { ...good, mode: 'staging' }, 'body.mode'],
    [
      'an origin with a path',
      { ...good, origins: ['https://portal.acme.test/app'] },
      'body.origins.0',
    ],
    [
      'an origin with a trailing slash',
      { ...good, origins: ['https://portal.acme.test/'] },
      'body.origins.0',
    ],
    [
      'a mid-label wildcard',
      { ...good, origins: ['https://portal.*.acme.test'] },
      'body.origins.0',
    ],
    ['a non-web origin', { ...good, origins: ['ftp://files.acme.test'] }, 'body.origins.0'],
    [
      'a duplicate origin',
      { ...good, origins: ['https://a.test', 'https://a.test'] },
      'body.origins',
    ],
    ['an unknown feature', { ...good, features: ['teleportation'] }, 'body.features.0'],
    ['an unknown metric', { ...good, limits: { bananas: 5 } }, 'body.limits'],
    ['a negative limit', { ...good, limits: { api_requests: -1 } }, 'body.limits.api_requests'],
    ['a fractional limit', { ...good, limits: { api_requests: 1.5 } }, 'body.limits.api_requests'],
    [
      'an unknown enforcement',
      { ...good, limitEnforcement: { api_requests: 'strict' } },
      'body.limitEnforcement.api_requests',
    ],
    ['a zero rate limit', { ...good, rateLimitPerMinute: 0 }, 'body.rateLimitPerMinute'],
    ['an expiry that is not a date', { ...good, expiresAt: 'next year' }, 'body.expiresAt'],
    ['an expiry in the past', { ...good, expiresAt: '2020-01-01T00:00:00Z' }, 'body.expiresAt'],
    ['a made-up locale', { ...good, locale: 'not a locale' }, 'body.locale'],
    ['a lowercase currency', { ...good, currency: 'usd' }, 'body.currency'],
    ['an unknown currency', { ...good, currency: 'XYZ' }, 'body.currency'],
    [
      'a JWKS over plain http',
      {
        ...good,
        learnerTokens: {
          kind: 'jwks',
          jwksUrl: 'http://idp.example.edu/jwks',
          algorithms: ['RS256'],
        },
      },
      'body.learnerTokens.jwksUrl',
    ],
    [
      'HS256 pinned for a JWKS',
      {
        ...good,
        learnerTokens: {
          kind: 'jwks',
          jwksUrl: 'https://idp.example.edu/jwks',
          algorithms: ['HS256'],
        },
      },
      'body.learnerTokens.algorithms.0',
    ],
    [
      'a JWKS without algorithms',
      {
        ...good,
        learnerTokens: { kind: 'jwks', jwksUrl: 'https://idp.example.edu/jwks', algorithms: [] },
      },
      'body.learnerTokens.algorithms',
    ],
    [
      'an unknown token kind',
      { ...good, learnerTokens: { kind: 'saml' } },
      'body.learnerTokens.kind',
    ],
    ['an unknown field', { ...good, secretKey: 'sk_test_mine' }, 'body'],
  ];

  it.each(badCreates)(
    'create: validation_failed for %s, naming %s, and nothing is written',
    async (_, body, path) => {
      const before = await dumpStore(h.store);
      const problem = await expectProblem(
        await admin('', jsonInit('POST', body)),
        'validation_failed',
      );
      expect(problem.errors?.map((e) => e.path)).toContain(path);
      expect(await dumpStore(h.store)).toEqual(before);
    },
  );

  it('create: lists every bad field at once', async () => {
    const problem = await expectProblem(
      await admin('', jsonInit('POST', { name: '', plan: 'X', currency: 'usd' })),
      'validation_failed',
    );
    expect(problem.errors?.map((e) => e.path).sort()).toEqual([
      'body.currency',
      'body.name',
      'body.plan',
    ]);
  });

  it.each([
    ['an empty change', {}, 'body'],
    ['an origin look-alike pattern', { origins: ['https://*.*.acme.test'] }, 'body.origins.0'],
    ['a bad limit value', { limits: { api_requests: 'lots' } }, 'body.limits.api_requests'],
    ['a bad rate limit', { rateLimitPerMinute: 'fast' }, 'body.rateLimitPerMinute'],
    ['a past expiry', { expiresAt: '2030-01-16T11:59:59Z' }, 'body.expiresAt'],
    ['a status (changed only by suspend/resume/revoke)', { status: 'active' }, 'body'],
  ])('update: validation_failed for %s and the license is unchanged', async (_, body, path) => {
    const before = await dumpStore(h.store);
    const problem = await expectProblem(
      await admin(`/${acme.license.id}`, jsonInit('PATCH', body)),
      'validation_failed',
    );
    expect(problem.errors?.map((e) => e.path)).toContain(path);
    expect(await dumpStore(h.store)).toEqual(before);
  });

  it.each([
    ['GET', ''],
    ['PATCH', '', { name: 'x' }],
    ['POST', '/suspend', {}],
    ['POST', '/resume', {}],
    ['POST', '/revoke', {}],
    ['POST', '/rotate', { key: 'secret_key' }],
  ] as const)(
    'not_found for %s /v1/admin/licenses/<unknown>%s',
    async (method, suffix, body?: object) => {
      const init = body ? jsonInit(method, body) : { method };
      await expectProblem(await admin(`/lic_nope${suffix}`, init), 'not_found');
    },
  );

  it('rotate: validation_failed for an unknown key kind or an overlap beyond 30 days', async () => {
    const a = await expectProblem(
      await admin(`/${acme.license.id}/rotate`, jsonInit('POST', { key: 'publishable' })),
      'validation_failed',
    );
    expect(a.errors?.[0]?.path).toBe('body.key');
    const b = await expectProblem(
      await admin(
        `/${acme.license.id}/rotate`,
        jsonInit('POST', { key: 'secret_key', overlapSeconds: 31 * 86400 }),
      ),
      'validation_failed',
    );
    expect(b.errors?.[0]?.path).toBe('body.overlapSeconds');
  });

  it('conflict: a revoked license cannot be resumed, suspended or changed', async () => {
    const gone = await createLicense(h.services, { name: 'Gone' });
    await admin(`/${gone.license.id}/revoke`, jsonInit('POST', { reason: 'contract ended' }));
    for (const [path, init] of [
      [`/${gone.license.id}/resume`, { method: 'POST' }],
      [`/${gone.license.id}/suspend`, { method: 'POST' }],
      [`/${gone.license.id}`, jsonInit('PATCH', { name: 'Back' })],
    ] as const) {
      await expectProblem(await admin(path, init), 'conflict');
    }
  });

  it('bad_request for malformed JSON', async () => {
    const res = await admin('', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"name": "Acme",',
    });
    await expectProblem(res, 'bad_request');
  });
});
