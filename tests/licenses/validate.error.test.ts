import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey, keyWithBody } from '../../server/modules/licenses/keys.js';
import {
  bearer,
  createLicense,
  expectProblem,
  jsonInit,
  startHarness,
  type Harness,
} from '../fixtures/harness.js';
import { dumpStore } from '../fixtures/dump-store.js';

describe('POST /v1/licenses/validate refusals', () => {
  let h: Harness;
  let acme: Awaited<ReturnType<typeof createLicense>>;

  beforeAll(async () => {
    h = await startHarness();
    acme = await createLicense(h.services);
  });
  afterAll(() => h.close());

  const validate = (key: string | undefined, body?: unknown) =>
    h.fetch(
      '/v1/licenses/validate',
      body === undefined
        ? { method: 'POST', headers: key ? bearer(key) : {} }
        : jsonInit('POST', body, key ? bearer(key) : {}),
    );

  it('license_missing without a key', async () => {
    const problem = await expectProblem(await validate(undefined), 'license_missing');
    expect(problem.detail).toContain('Authorization: Bearer sk_');
  });

  it('license_missing with another scheme than Bearer', async () => {
    const res = await h.fetch('/v1/licenses/validate', {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`${acme.secretKey}:`).toString('base64')}` },
    });
    await expectProblem(res, 'license_missing');
  });

  it.each([
    ['not a key', 'hello'],
    ['a truncated key', generateKey('sk', 'test').slice(0, -1)],
  ])('license_malformed for %s', async (_, key) => {
    await expectProblem(await validate(key), 'license_malformed');
  });

  it('license_malformed for a mistyped key, told apart by its checksum', async () => {
    const typo =
      acme.secretKey.slice(0, 12) +
      (acme.secretKey[12] === 'a' ? 'b' : 'a') +
      acme.secretKey.slice(13);
    const problem = await expectProblem(await validate(typo), 'license_malformed');
    expect(problem.detail).toContain('checksum');
  });

  it('license_malformed for a publishable key, saying which key is needed', async () => {
    const problem = await expectProblem(
      await validate(acme.license.publishableKey),
      'license_malformed',
    );
    expect(problem.detail).toContain('secret key');
  });

  it('license_unknown for a well-formed key no license has', async () => {
    await expectProblem(await validate(generateKey('sk', 'test')), 'license_unknown');
  });

  it('license_unknown for the right key body in the wrong mode', async () => {
    const live = 'sk_live_' + acme.secretKey.slice('sk_test_'.length, -6);
    await expectProblem(
      await validate(keyWithBody('sk', 'live', live.slice(8))),
      'license_unknown',
    );
  });

  it.each([
    ['revoked', 'license_revoked', (id: string) => h.services.licenseAdmin.revoke(id)],
    ['suspended', 'license_suspended', (id: string) => h.services.licenseAdmin.suspend(id)],
  ] as const)('answers valid: false with %s', async (_, code, act) => {
    const other = await createLicense(h.services, { name: `To be ${code}` });
    await act(other.license.id);
    const res = await validate(other.secretKey);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ valid: false, code, license: { id: other.license.id } });
  });

  it('answers valid: false, license_expired, from the instant of expiry', async () => {
    const expiring = await createLicense(h.services, {
      name: 'Expiring',
      expiresAt: new Date(h.clock.now().getTime() + 60_000).toISOString(),
    });
    expect(await (await validate(expiring.secretKey)).json()).toMatchObject({ valid: true });
    h.clock.advance(60_000);
    try {
      const body = await (await validate(expiring.secretKey)).json();
      expect(body).toMatchObject({ valid: false, code: 'license_expired' });
      expect(body.detail).toContain('expired');
    } finally {
      h.clock.advance(-60_000);
    }
  });

  it('answers valid: false, origin_not_allowed, for an origin the license does not list', async () => {
    const body = await (
      await validate(acme.secretKey, { origin: 'https://elsewhere.test' })
    ).json();
    expect(body).toMatchObject({ valid: false, code: 'origin_not_allowed' });
  });

  it.each([
    [{ origin: 'https://portal.acme.test/path' }, 'body.origin'],
    [{ origin: 'portal.acme.test' }, 'body.origin'],
    [{ origin: 42 }, 'body.origin'],
    [{ unexpected: true }, 'body'],
  ])('validation_failed naming the field for %j', async (input, path) => {
    const problem = await expectProblem(await validate(acme.secretKey, input), 'validation_failed');
    expect(problem.errors?.map((e) => e.path)).toContain(path);
  });

  it('bad_request for a body that is not JSON, and changes nothing', async () => {
    const before = await dumpStore(h.store);
    const res = await h.fetch('/v1/licenses/validate', {
      method: 'POST',
      headers: { ...bearer(acme.secretKey), 'Content-Type': 'application/json' },
      body: '{"origin":',
    });
    await expectProblem(res, 'bad_request');
    await h.services.usage.flush();
    const after = await dumpStore(h.store);
    // Only the usage counter moves (the request was authenticated and counted).
    expect({ ...after, usage_daily: [] }).toEqual({ ...before, usage_daily: [] });
  });

  it('unsupported_media_type for a body that is not JSON at all', async () => {
    const res = await h.fetch('/v1/licenses/validate', {
      method: 'POST',
      headers: { ...bearer(acme.secretKey), 'Content-Type': 'text/plain' },
      body: 'origin=https://portal.acme.test',
    });
    await expectProblem(res, 'unsupported_media_type');
  });

  it('answers valid: false, usage_limit_exceeded, once a hard limit is used up', async () => {
    const small = await createLicense(h.services, {
      name: 'Small',
      plan: 'pro',
      limits: { api_requests: 2 },
    });
    expect(await (await validate(small.secretKey)).json()).toMatchObject({ valid: true });
    // This request takes the last unit: from now on API calls are refused, and the answer says so.
    for (let i = 0; i < 2; i++) {
      const res = await validate(small.secretKey);
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body).toMatchObject({ valid: false, code: 'usage_limit_exceeded' });
      expect(body.usage.metrics[0]).toMatchObject({
        metric: 'api_requests',
        used: 2,
        limit: 2,
        exhausted: true,
      });
    }
  });
});

describe('POST /v1/licenses/validate body limit', () => {
  let h: Harness;
  let acme: Awaited<ReturnType<typeof createLicense>>;
  beforeAll(async () => {
    h = await startHarness({ config: { bodyLimitBytes: 1024 } });
    acme = await createLicense(h.services);
  });
  afterAll(() => h.close());

  const big = JSON.stringify({ origin: 'https://portal.acme.test', padding: 'x'.repeat(2000) });

  it('payload_too_large from the declared Content-Length', async () => {
    const res = await h.fetch(
      '/v1/licenses/validate',
      jsonInit('POST', JSON.parse(big), bearer(acme.secretKey)),
    );
    await expectProblem(res, 'payload_too_large');
  });

  it('payload_too_large for a chunked body that grows past the limit', async () => {
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const res = await h.fetch('/v1/licenses/validate', {
      method: 'POST',
      headers: { ...bearer(acme.secretKey), 'Content-Type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    await expectProblem(res, 'payload_too_large');
  });

  it('accepts a small chunked body', async () => {
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"origin":"https://portal.acme.test"}'));
        controller.close();
      },
    });
    const res = await h.fetch('/v1/licenses/validate', {
      method: 'POST',
      headers: { ...bearer(acme.secretKey), 'Content-Type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(await res.json()).toMatchObject({ valid: true });
  });
});
