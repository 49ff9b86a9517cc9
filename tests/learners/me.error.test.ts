import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../../server/modules/licenses/keys.js';
import {
  createLicense,
  expectProblem,
  learnerHeaders,
  signToken,
  startHarness,
  type Harness,
  type TokenOptions,
} from '../fixtures/harness.js';
import { dumpStore } from '../fixtures/dump-store.js';

describe('GET /v1/me refusals', () => {
  let h: Harness;
  let acme: Awaited<ReturnType<typeof createLicense>>;

  beforeAll(async () => {
    h = await startHarness();
    acme = await createLicense(h.services);
  });
  afterAll(() => h.close());

  const me = (token: string | undefined, key = acme.license.publishableKey, origin?: string) =>
    h.fetch('/v1/me', { headers: learnerHeaders(key, token, origin) });
  const token = (options: TokenOptions = {}) =>
    signToken(acme.signingSecret!, acme.license.id, h.clock, options);

  it('unauthenticated without a token', async () => {
    const problem = await expectProblem(await me(undefined), 'unauthenticated');
    expect(problem.detail).toContain('Authorization: Bearer');
  });

  it('license_missing without the publishable key, even with a good token', async () => {
    const res = await h.fetch('/v1/me', { headers: { Authorization: `Bearer ${await token()}` } });
    await expectProblem(res, 'license_missing');
  });

  it('license_unknown / license_revoked before the token is looked at', async () => {
    await expectProblem(await me(await token(), generateKey('pk', 'test')), 'license_unknown');
    const gone = await createLicense(h.services, { name: 'Gone' });
    await h.services.licenseAdmin.revoke(gone.license.id);
    const t = await signToken(gone.signingSecret!, gone.license.id, h.clock);
    await expectProblem(await me(t, gone.license.publishableKey), 'license_revoked');
  });

  it('token_expired once exp is past the tolerance', async () => {
    const problem = await expectProblem(
      await me(await token({ iat: -7200, exp: -31 })),
      'token_expired',
    );
    expect(problem.detail).toContain('expired');
  });

  it('token_expired for a remembered token as soon as its exp passes', async () => {
    const t = await token({ sub: 'short', exp: 60 });
    expect((await me(t)).status).toBe(200);
    // Past exp and the tolerance: the verified-token cache must not keep the token alive.
    h.clock.advance(91_000);
    try {
      await expectProblem(await me(t), 'token_expired');
    } finally {
      h.clock.advance(-91_000);
    }
  });

  const invalid: [string, TokenOptions, string][] = [
    ['wrong audience', { aud: 'another-service' }, 'audience'],
    ['no audience', { aud: null }, 'audience'],
    ['audience list without ours', { aud: ['a', 'b'] }, 'audience'],
    ['no exp', { exp: null }, '"exp"'],
    ['a lifetime over 24 h', { exp: 24 * 3600 + 1 }, '24 hours'],
    ['a lifetime over 24 h without iat', { iat: null, exp: 25 * 3600 }, '24 hours'],
    ['an old iat with a far exp', { iat: -3600, exp: 23.5 * 3600 }, '24 hours'],
    ['nbf in the future', { nbf: 120 }, 'not valid yet'],
    ['iat in the future', { iat: 300, exp: 3900 }, 'future'],
    ['no sub', { sub: null }, '"sub"'],
    ['an empty sub', { sub: '' }, '"sub"'],
    ['no name', { claims: { name: undefined } }, '"name"'],
    ['a role outside learner/admin', { claims: { role: 'owner' } }, '"role"'],
    ['classes that are not a list', { claims: { classes: 'cs-101' } }, '"classes"'],
    ['an email that is not one', { claims: { email: 'not-an-email' } }, '"email"'],
  ];

  it.each(invalid)('token_invalid for %s, and nothing is written', async (_, options, mention) => {
    await h.services.usage.flush();
    const before = await dumpStore(h.store);
    const problem = await expectProblem(await me(await token(options)), 'token_invalid');
    expect(problem.detail).toContain(mention);
    await h.services.usage.flush();
    const after = await dumpStore(h.store);
    expect(after.learners).toEqual(before.learners);
    expect(after.usage_active_learners).toEqual(before.usage_active_learners);
  });

  it.each([
    ['not a JWT', 'hello'],
    ['two parts', 'eyJhbGciOiJIUzI1NiJ9.e30'],
    ['bad base64 header', '@@@.e30.sig'],
  ])('token_invalid for %s', async (_, t) => {
    await expectProblem(await me(t), 'token_invalid');
  });

  it('token_invalid for a token far too long to be one', async () => {
    const problem = await expectProblem(await me('a'.repeat(9000)), 'token_invalid');
    expect(problem.detail).toContain('too long');
  });

  it('forbidden when an endpoint needs an admin and the token says learner', async () => {
    const res = await h.fetch('/v1/usage', {
      headers: learnerHeaders(acme.license.publishableKey, await token()),
    });
    const problem = await expectProblem(res, 'forbidden');
    expect(problem.detail).toContain('admin');
  });
});
