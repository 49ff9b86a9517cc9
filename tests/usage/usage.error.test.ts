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

describe('GET /v1/usage refusals', () => {
  let h: Harness;
  let acme: Awaited<ReturnType<typeof createLicense>>;

  beforeAll(async () => {
    h = await startHarness();
    acme = await createLicense(h.services);
  });
  afterAll(() => h.close());

  const usage = (query: string) =>
    h.fetch(`/v1/usage${query}`, { headers: bearer(acme.secretKey) });

  it.each([
    ['?from=2030-13-01', 'query.from'],
    ['?from=2030-02-30', 'query.from'],
    ['?to=yesterday', 'query.to'],
    ['?from=2030-01-10&to=2030-01-09', 'query.to'],
    ['?from=2028-01-01&to=2030-01-16', 'query.to'],
  ])('validation_failed for %s naming %s', async (query, path) => {
    const problem = await expectProblem(await usage(query), 'validation_failed');
    expect(problem.errors?.map((e) => e.path)).toContain(path);
  });

  it('validation_failed when from is after today and to is left out', async () => {
    const problem = await expectProblem(await usage('?from=2030-02-10'), 'validation_failed');
    expect(problem.errors?.[0]?.path).toBe('query.from');
  });

  it('unauthenticated with the publishable key but no token', async () => {
    const res = await h.fetch('/v1/usage', {
      headers: {
        'Liberation-Key': acme.license.publishableKey,
        Origin: 'https://portal.acme.test',
      },
    });
    await expectProblem(res, 'unauthenticated');
  });

  it('license_missing with a learner token but no publishable key', async () => {
    const token = await signToken(acme.signingSecret!, acme.license.id, h.clock, {
      claims: { role: 'admin' },
    });
    await expectProblem(await h.fetch('/v1/usage', { headers: bearer(token) }), 'license_missing');
  });

  it('license_suspended for a suspended license, by secret key and by admin token', async () => {
    const paused = await createLicense(h.services, { name: 'Paused' });
    await h.services.licenseAdmin.suspend(paused.license.id, { reason: 'unpaid invoice' });
    await expectProblem(
      await h.fetch('/v1/usage', { headers: bearer(paused.secretKey) }),
      'license_suspended',
    );
    const token = await signToken(paused.signingSecret!, paused.license.id, h.clock, {
      claims: { role: 'admin' },
    });
    const res = await h.fetch('/v1/usage', {
      headers: learnerHeaders(paused.license.publishableKey, token),
    });
    const problem = await expectProblem(res, 'license_suspended');
    expect(problem.detail).not.toContain('unpaid');
  });

  it('key_expired for a secret key whose overlap ended', async () => {
    const rotating = await createLicense(h.services, { name: 'Rotating' });
    await h.services.licenseAdmin.rotate(rotating.license.id, {
      key: 'secret_key',
      overlapSeconds: 0,
    });
    await expectProblem(
      await h.fetch('/v1/usage', { headers: bearer(rotating.secretKey) }),
      'key_expired',
    );
  });
});
