import { afterEach, describe, expect, it } from 'vitest';
import { loadEnv } from '../../server/env.js';
import {
  bearer,
  createLicense,
  expectProblem,
  signToken,
  startHarness,
  type Harness,
} from '../fixtures/harness.js';

const ORIGIN = 'https://portal.acme.test';

/**
 * The publishable key is public: anyone can copy it from a page. Requests that carry it
 * without an allowed Origin (a script, a forged request) use a small allowance per client
 * address and never the license's monthly plan allowance, so they cannot drain it.
 */
describe('publishable-key requests without an Origin', () => {
  let h: Harness;
  afterEach(() => h?.close());

  const used = async (licenseId: string) =>
    (await h.services.usage.snapshot((await h.services.licenses.getById(licenseId))!)).metrics.find(
      (m) => m.metric === 'api_requests',
    )!.used;

  it("do not use the license's monthly allowance, so the real site keeps working", async () => {
    h = await startHarness();
    const acme = await createLicense(h.services, { plan: 'pro', limits: { api_requests: 6 } });
    const key = acme.license.publishableKey;
    for (let i = 0; i < 20; i++) {
      const res = await h.fetch('/v1/embed/config', { headers: { 'Liberation-Key': key } });
      expect(res.status).toBe(200);
    }
    const token = await signToken(acme.signingSecret!, acme.license.id, h.clock);
    const script = { 'Liberation-Key': key, Authorization: `Bearer ${token}` };
    expect((await h.fetch('/v1/me', { headers: script })).status).toBe(200);
    expect(await used(acme.license.id)).toBe(0);

    // The widgets on the allowed origin still have the whole month.
    for (let i = 0; i < 5; i++) {
      const res = await h.fetch('/v1/embed/config', {
        headers: { 'Liberation-Key': key, Origin: ORIGIN },
      });
      expect(res.status).toBe(200);
    }
    expect(await used(acme.license.id)).toBe(5);
    // The secret key counts as before.
    const server = await h.fetch('/v1/licenses/validate', {
      method: 'POST',
      headers: bearer(acme.secretKey),
    });
    expect(server.status).toBe(200);
    expect(await used(acme.license.id)).toBe(6);
    // Once the license has used its month up, requests without an Origin are refused too.
    await expectProblem(
      await h.fetch('/v1/embed/config', { headers: { 'Liberation-Key': key } }),
      'usage_limit_exceeded',
    );
  });

  it('are limited per client address per minute with rate_limited and Retry-After', async () => {
    h = await startHarness({ config: { originlessRequestsPerMinute: 3 } });
    const acme = await createLicense(h.services, { rateLimitPerMinute: 100 });
    const key = acme.license.publishableKey;
    for (let remaining = 2; remaining >= 0; remaining--) {
      const res = await h.fetch('/v1/embed/config', { headers: { 'Liberation-Key': key } });
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-policy')).toBe('3;w=60');
      expect(res.headers.get('ratelimit')).toBe(`limit=3, remaining=${remaining}, reset=60`);
    }
    const refused = await h.fetch('/v1/embed/config', { headers: { 'Liberation-Key': key } });
    const problem = await expectProblem(refused, 'rate_limited');
    expect(problem).toMatchObject({ limit: 3, retryAfter: 60 });
    expect(refused.headers.get('retry-after')).toBe('60');

    // The page's widgets are not affected, and the allowance comes back with the next minute.
    const page = await h.fetch('/v1/embed/config', {
      headers: { 'Liberation-Key': key, Origin: ORIGIN },
    });
    expect(page.status).toBe(200);
    expect(page.headers.get('ratelimit-policy')).toBe('100;w=60');
    h.clock.advance(60_000);
    expect((await h.fetch('/v1/embed/config', { headers: { 'Liberation-Key': key } })).status).toBe(
      200,
    );
  });

  it('give each client address its own allowance', async () => {
    h = await startHarness({
      config: { originlessRequestsPerMinute: 1, trustedProxies: ['127.0.0.1/32'] },
    });
    const acme = await createLicense(h.services);
    const from = (address: string) =>
      h.fetch('/v1/embed/config', {
        headers: { 'Liberation-Key': acme.license.publishableKey, 'X-Forwarded-For': address },
      });
    expect((await from('203.0.113.5')).status).toBe(200);
    await expectProblem(await from('203.0.113.5'), 'rate_limited');
    expect((await from('203.0.113.6')).status).toBe(200);
  });

  it('reads ORIGINLESS_REQUESTS_PER_MINUTE (60 by default)', () => {
    expect(loadEnv({}).originlessRequestsPerMinute).toBe(60);
    expect(loadEnv({ ORIGINLESS_REQUESTS_PER_MINUTE: '5' }).originlessRequestsPerMinute).toBe(5);
    expect(() => loadEnv({ ORIGINLESS_REQUESTS_PER_MINUTE: 'lots' })).toThrow(
      /ORIGINLESS_REQUESTS_PER_MINUTE/,
    );
  });
});
