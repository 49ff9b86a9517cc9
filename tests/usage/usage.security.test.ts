import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createLicense,
  expectProblem,
  learnerHeaders,
  signToken,
  startHarness,
  type Harness,
} from '../fixtures/harness.js';

describe('GET /v1/usage tenant isolation', () => {
  let h: Harness;
  let acme: Awaited<ReturnType<typeof createLicense>>;
  let globex: Awaited<ReturnType<typeof createLicense>>;

  beforeAll(async () => {
    h = await startHarness();
    acme = await createLicense(h.services);
    globex = await createLicense(h.services, {
      name: 'Globex',
      origins: ['https://portal.acme.test'],
    });
    for (let i = 0; i < 4; i++) {
      await h.fetch('/v1/embed/config', {
        headers: {
          'Liberation-Key': acme.license.publishableKey,
          Origin: 'https://portal.acme.test',
        },
      });
    }
  });
  afterAll(() => h.close());

  const used = (body: { metrics: { metric: string; used: number }[] }) =>
    body.metrics.find((m) => m.metric === 'api_requests')!.used;

  it("a tenant's secret key reads only its own usage", async () => {
    const body = await (await h.fetch('/v1/usage', { headers: bearer(globex.secretKey) })).json();
    expect(body.license.id).toBe(globex.license.id);
    expect(used(body)).toBe(1);
    const own = await (await h.fetch('/v1/usage', { headers: bearer(acme.secretKey) })).json();
    expect(used(own)).toBe(5);
  });

  it("an admin token of A with B's publishable key is refused", async () => {
    const token = await signToken(acme.signingSecret!, acme.license.id, h.clock, {
      claims: { role: 'admin' },
    });
    const res = await h.fetch('/v1/usage', {
      headers: learnerHeaders(globex.license.publishableKey, token),
    });
    await expectProblem(res, 'token_invalid');
  });

  it('a learner who is not an admin is refused, and the learner token cannot stand in for a key', async () => {
    const token = await signToken(acme.signingSecret!, acme.license.id, h.clock);
    await expectProblem(
      await h.fetch('/v1/usage', { headers: learnerHeaders(acme.license.publishableKey, token) }),
      'forbidden',
    );
  });

  it('a publishable key in place of the secret key is refused', async () => {
    const res = await h.fetch('/v1/usage', { headers: bearer(acme.license.publishableKey) });
    await expectProblem(res, 'license_missing');
  });

  it('a secret key from a browser page is refused', async () => {
    const res = await h.fetch('/v1/usage', {
      headers: { ...bearer(acme.secretKey), Origin: 'https://portal.acme.test' },
    });
    await expectProblem(res, 'forbidden');
  });
});
