import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createLicense,
  learnerHeaders,
  signToken,
  startHarness,
  type Harness,
} from '../fixtures/harness.js';

describe('GET /v1/usage', () => {
  let h: Harness;
  let acme: Awaited<ReturnType<typeof createLicense>>;
  let adminToken: string;

  beforeAll(async () => {
    h = await startHarness();
    acme = await createLicense(h.services, { plan: 'pro', limits: { api_requests: 100 } });
    adminToken = await signToken(acme.signingSecret!, acme.license.id, h.clock, {
      sub: 'dean',
      claims: { role: 'admin', name: 'Dean' },
    });
    // Three days of traffic: 2 on the 14th, 3 on the 15th, then today (the 16th).
    const embed = () =>
      h.fetch('/v1/embed/config', {
        headers: {
          'Liberation-Key': acme.license.publishableKey,
          Origin: 'https://portal.acme.test',
        },
      });
    h.clock.advance(-2 * 86_400_000);
    await embed();
    await embed();
    h.clock.advance(86_400_000);
    for (let i = 0; i < 3; i++) await embed();
    await h.services.usage.flush();
    h.clock.advance(86_400_000);
  });
  afterAll(() => h.close());

  it('answers an admin learner with usage against limits and daily history for this month', async () => {
    const res = await h.fetch('/v1/usage', {
      headers: learnerHeaders(acme.license.publishableKey, adminToken),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const body = await res.json();
    expect(body.license).toEqual({
      id: acme.license.id,
      name: 'Acme University',
      plan: 'pro',
      status: 'active',
      expiresAt: null,
    });
    expect(body.period).toEqual({
      month: '2030-01',
      start: '2030-01-01T00:00:00.000Z',
      resetsAt: '2030-02-01T00:00:00.000Z',
    });
    expect(body.rateLimit).toEqual({ perMinute: 3000 });
    const requests = body.metrics.find((m: { metric: string }) => m.metric === 'api_requests');
    expect(requests).toEqual({
      metric: 'api_requests',
      used: 6,
      limit: 100,
      enforcement: 'hard',
      source: 'license',
      percent: 6,
      remaining: 94,
      exhausted: false,
      warning: false,
    });
    expect(
      body.metrics.find((m: { metric: string }) => m.metric === 'active_learners'),
    ).toMatchObject({ used: 1 });
    expect(body.daily).toHaveLength(16);
    expect(body.daily[0]).toEqual({
      day: '2030-01-01',
      metrics: { api_requests: 0, active_learners: 0, courses: 0, redemptions: 0 },
    });
    const perDay = Object.fromEntries(
      body.daily.map((d: { day: string; metrics: { api_requests: number } }) => [
        d.day,
        d.metrics.api_requests,
      ]),
    );
    // Today's request is not flushed yet and is counted all the same.
    expect([perDay['2030-01-14'], perDay['2030-01-15'], perDay['2030-01-16']]).toEqual([2, 3, 1]);
  });

  it('answers the secret key the same way', async () => {
    const res = await h.fetch('/v1/usage?from=2030-01-14&to=2030-01-15', {
      headers: bearer(acme.secretKey),
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.daily.map((d: { day: string }) => d.day)).toEqual(['2030-01-14', '2030-01-15']);
    expect(body.daily[1].metrics.api_requests).toBe(3);
  });

  it('reaches back a whole year', async () => {
    const res = await h.fetch('/v1/usage?from=2029-01-16&to=2030-01-16', {
      headers: bearer(acme.secretKey),
    });
    expect(res.status).toBe(200);
    expect((await res.json()).daily).toHaveLength(366);
  });

  it('defaults from to the first of the month of to', async () => {
    const res = await h.fetch('/v1/usage?to=2029-12-03', { headers: bearer(acme.secretKey) });
    const days = (await res.json()).daily.map((d: { day: string }) => d.day);
    expect(days).toEqual(['2029-12-01', '2029-12-02', '2029-12-03']);
  });
});
