import { afterEach, describe, expect, it } from 'vitest';
import {
  bearer,
  createLicense,
  expectProblem,
  learnerHeaders,
  signToken,
  startHarness,
  type Harness,
} from '../fixtures/harness.js';

/** The admin has to see why the license is refused, so the report answers past the limit. */
describe('GET /v1/usage when the api_requests allowance is used up', () => {
  let h: Harness;
  afterEach(() => h?.close());

  const requests = (body: { metrics: { metric: string }[] }) =>
    body.metrics.find((m) => m.metric === 'api_requests');

  it('answers the secret key and an admin token, without counting past the limit', async () => {
    h = await startHarness();
    const acme = await createLicense(h.services, { plan: 'pro', limits: { api_requests: 3 } });
    const embed = () =>
      h.fetch('/v1/embed/config', {
        headers: {
          'Liberation-Key': acme.license.publishableKey,
          Origin: 'https://portal.acme.test',
        },
      });
    for (let i = 0; i < 3; i++) expect((await embed()).status).toBe(200);
    await expectProblem(await embed(), 'usage_limit_exceeded');

    const server = await h.fetch('/v1/usage', { headers: bearer(acme.secretKey) });
    expect(server.status).toBe(200);
    expect(server.headers.get('liberation-usage-warning')).toContain('percent=100');
    expect(requests((await server.json()) as { metrics: { metric: string }[] })).toMatchObject({
      used: 3,
      limit: 3,
      exhausted: true,
    });

    const token = await signToken(acme.signingSecret!, acme.license.id, h.clock, {
      sub: 'dean',
      claims: { role: 'admin' },
    });
    const admin = await h.fetch('/v1/usage', {
      headers: learnerHeaders(acme.license.publishableKey, token),
    });
    expect(admin.status).toBe(200);
    expect(requests((await admin.json()) as { metrics: { metric: string }[] })).toMatchObject({
      used: 3,
      exhausted: true,
    });

    // Everything else stays refused.
    await expectProblem(await embed(), 'usage_limit_exceeded');
    await expectProblem(
      await h.fetch('/v1/me', { headers: learnerHeaders(acme.license.publishableKey, token) }),
      'usage_limit_exceeded',
    );
  });

  it('is counted like any request while the allowance lasts', async () => {
    h = await startHarness();
    const acme = await createLicense(h.services, { plan: 'pro', limits: { api_requests: 3 } });
    const report = async () =>
      (await (await h.fetch('/v1/usage', { headers: bearer(acme.secretKey) })).json()) as {
        metrics: { metric: string; used: number }[];
      };
    expect(requests(await report())).toMatchObject({ used: 1 });
    expect(requests(await report())).toMatchObject({ used: 2 });
    expect(requests(await report())).toMatchObject({ used: 3 });
    expect(requests(await report())).toMatchObject({ used: 3, exhausted: true });
  });
});
