import { afterEach, describe, expect, it } from 'vitest';
import {
  bearer,
  createLicense,
  expectProblem,
  startHarness,
  type Harness,
} from '../fixtures/harness.js';

describe('rate limits per key and client', () => {
  let h: Harness;
  afterEach(() => h?.close());

  const embed = (key: string, headers: Record<string, string> = {}) =>
    h.fetch('/v1/embed/config', {
      headers: { 'Liberation-Key': key, Origin: 'https://portal.acme.test', ...headers },
    });

  it('announces the policy, counts down, then answers 429 rate_limited with Retry-After', async () => {
    h = await startHarness();
    const acme = await createLicense(h.services, { rateLimitPerMinute: 3 });
    for (let remaining = 2; remaining >= 0; remaining--) {
      const res = await embed(acme.license.publishableKey);
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-policy')).toBe('3;w=60');
      expect(res.headers.get('ratelimit')).toMatch(
        new RegExp(`^limit=3, remaining=${remaining}, reset=([1-9]|[1-5]\\d|60)$`),
      );
      expect(res.headers.get('retry-after')).toBeNull();
    }
    const refused = await embed(acme.license.publishableKey);
    const problem = await expectProblem(refused, 'rate_limited');
    expect(problem).toMatchObject({ limit: 3 });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('ratelimit')).toMatch(/^limit=3, remaining=0, reset=\d+$/);
    // Browsers may read the headers cross-origin.
    expect(refused.headers.get('access-control-expose-headers')).toContain('RateLimit');
  });

  it('uses the plan default when the license has no override', async () => {
    h = await startHarness();
    const free = await createLicense(h.services, { plan: 'free' });
    const res = await embed(free.license.publishableKey);
    expect(res.headers.get('ratelimit-policy')).toBe('600;w=60');
  });

  it('keeps separate buckets per license and per kind of key', async () => {
    h = await startHarness();
    const acme = await createLicense(h.services, { rateLimitPerMinute: 1 });
    const globex = await createLicense(h.services, { name: 'Globex', rateLimitPerMinute: 1 });
    expect((await embed(acme.license.publishableKey)).status).toBe(200);
    expect((await embed(acme.license.publishableKey)).status).toBe(429);
    expect((await embed(globex.license.publishableKey)).status).toBe(200);
    const server = await h.fetch('/v1/licenses/validate', {
      method: 'POST',
      headers: bearer(acme.secretKey),
    });
    expect(server.status).toBe(200);
  });

  it('is not fooled by a spoofed X-Forwarded-For when no proxy is trusted', async () => {
    h = await startHarness();
    const acme = await createLicense(h.services, { rateLimitPerMinute: 2 });
    expect(
      (await embed(acme.license.publishableKey, { 'X-Forwarded-For': '198.51.100.1' })).status,
    ).toBe(200);
    expect(
      (await embed(acme.license.publishableKey, { 'X-Forwarded-For': '198.51.100.2' })).status,
    ).toBe(200);
    await expectProblem(
      await embed(acme.license.publishableKey, { 'X-Forwarded-For': '198.51.100.3' }),
      'rate_limited',
    );
  });

  it('reads X-Forwarded-For only through a trusted proxy, from the right', async () => {
    h = await startHarness({ config: { trustedProxies: ['127.0.0.1/32', '10.0.0.0/8'] } });
    const acme = await createLicense(h.services, { rateLimitPerMinute: 1 });
    const key = acme.license.publishableKey;
    expect((await embed(key, { 'X-Forwarded-For': '203.0.113.5' })).status).toBe(200);
    expect((await embed(key, { 'X-Forwarded-For': '203.0.113.6' })).status).toBe(200);
    expect((await embed(key, { 'X-Forwarded-For': '203.0.113.5' })).status).toBe(429);
    // A client prepending its own entries does not get a new bucket: the proxy appended the real one.
    expect((await embed(key, { 'X-Forwarded-For': '1.2.3.4, 203.0.113.6' })).status).toBe(429);
    // Trusted hops on the right are skipped.
    expect((await embed(key, { 'X-Forwarded-For': '203.0.113.7, 10.1.2.3' })).status).toBe(200);
    expect((await embed(key, { 'X-Forwarded-For': '9.9.9.9, 203.0.113.7, 10.1.2.3' })).status).toBe(
      429,
    );
    // Garbage stops the walk at the last address the proxies vouch for.
    expect((await embed(key, { 'X-Forwarded-For': 'not-an-ip' })).status).toBe(200);
    expect((await embed(key, { 'X-Forwarded-For': 'also-not' })).status).toBe(429);
  });
});
