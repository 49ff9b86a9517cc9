import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { licenseSigningSecrets } from '../../server/modules/licenses/schema.js';
import {
  bearer,
  createLicense,
  expectProblem,
  jsonInit,
  learnerHeaders,
  operator,
  signToken,
  startHarness,
  type Harness,
} from '../fixtures/harness.js';

const HOUR = 3_600_000;

describe('key rotation with an overlap window (fixed clock)', () => {
  let h: Harness;
  let acme: Awaited<ReturnType<typeof createLicense>>;

  beforeEach(async () => {
    h = await startHarness();
    acme = await createLicense(h.services);
  });
  afterEach(() => h.close());

  const validate = (key: string) =>
    h.fetch('/v1/licenses/validate', { method: 'POST', headers: bearer(key) });
  const rotate = (key: 'secret_key' | 'signing_secret', overlapSeconds?: number) =>
    h.fetch(
      `/v1/admin/licenses/${acme.license.id}/rotate`,
      jsonInit('POST', overlapSeconds === undefined ? { key } : { key, overlapSeconds }, operator),
    );

  it('keeps the old secret key working until the overlap ends, then says key_expired', async () => {
    const res = await rotate('secret_key', 2 * 3600);
    expect(res.status).toBe(200);
    const rotated = await res.json();
    expect(rotated.secretKey).toMatch(/^sk_test_/);
    expect(rotated.secretKey).not.toBe(acme.secretKey);
    expect(rotated.previousValidUntil).toBe('2030-01-16T14:00:00.000Z');
    expect(rotated.license.secretKeys).toHaveLength(2);

    expect((await validate(acme.secretKey)).status).toBe(200);
    expect((await validate(rotated.secretKey)).status).toBe(200);
    h.clock.advance(2 * HOUR - 1);
    expect((await validate(acme.secretKey)).status).toBe(200);
    h.clock.advance(1);
    const problem = await expectProblem(await validate(acme.secretKey), 'key_expired');
    expect(problem.detail).toContain('2030-01-16T14:00:00.000Z');
    expect((await validate(rotated.secretKey)).status).toBe(200);
  });

  it('defaults to a 24 h overlap and cuts off keys older than the previous one at once', async () => {
    const first = await (await rotate('secret_key')).json();
    expect(first.previousValidUntil).toBe('2030-01-17T12:00:00.000Z');
    h.clock.advance(HOUR);
    const second = await (await rotate('secret_key', 600)).json();
    // The original key was on its way out: a second rotation ends it now.
    await expectProblem(await validate(acme.secretKey), 'key_expired');
    expect((await validate(first.secretKey)).status).toBe(200);
    expect((await validate(second.secretKey)).status).toBe(200);
    h.clock.advance(600_000);
    await expectProblem(await validate(first.secretKey), 'key_expired');
  });

  it('with overlap 0 the old key stops at once', async () => {
    await rotate('secret_key', 0);
    await expectProblem(await validate(acme.secretKey), 'key_expired');
  });

  it('keeps tokens signed with the old signing secret valid until the overlap ends, cached or not', async () => {
    const oldToken = await signToken(acme.signingSecret!, acme.license.id, h.clock, {
      exp: 6 * 3600,
    });
    const me = (token: string) =>
      h.fetch('/v1/me', { headers: learnerHeaders(acme.license.publishableKey, token) });
    expect((await me(oldToken)).status).toBe(200);

    const rotated = await (await rotate('signing_secret', 3600)).json();
    expect(rotated.signingSecret).toMatch(/^lxsig_[A-Za-z0-9_-]{43}$/);
    expect(rotated.license.learnerTokens.signingSecrets).toHaveLength(2);
    const newToken = await signToken(rotated.signingSecret, acme.license.id, h.clock, {
      sub: 'new',
    });
    const fresh = await signToken(acme.signingSecret!, acme.license.id, h.clock, {
      sub: 'fresh-old',
    });

    expect((await me(oldToken)).status).toBe(200);
    expect((await me(fresh)).status).toBe(200);
    expect((await me(newToken)).status).toBe(200);

    h.clock.advance(HOUR);
    // Remembered or not, a token verified with the retired secret stops with it.
    await expectProblem(await me(oldToken), 'token_invalid');
    await expectProblem(await me(fresh), 'token_invalid');
    expect((await me(newToken)).status).toBe(200);
  });

  it('refuses to rotate a revoked license, and a signing secret on a JWKS license', async () => {
    const jwks = await createLicense(h.services, {
      name: 'IdP',
      learnerTokens: {
        kind: 'jwks',
        jwksUrl: 'https://idp.example.edu/jwks.json',
        algorithms: ['RS256'],
      },
    });
    expect(jwks.signingSecret).toBeNull();
    const res = await h.fetch(
      `/v1/admin/licenses/${jwks.license.id}/rotate`,
      jsonInit('POST', { key: 'signing_secret' }, operator),
    );
    await expectProblem(res, 'conflict');
    await h.services.licenseAdmin.revoke(acme.license.id);
    await expectProblem(await rotate('secret_key'), 'conflict');
  });

  it('notices a signing secret retired by another process (the CLI) once the license cache reloads', async () => {
    await h.close();
    h = await startHarness({ config: { licenseCacheTtlMs: 30_000 } });
    acme = await createLicense(h.services);
    const token = await signToken(acme.signingSecret!, acme.license.id, h.clock, { exp: 6 * 3600 });
    const me = () =>
      h.fetch('/v1/me', { headers: learnerHeaders(acme.license.publishableKey, token) });
    expect((await me()).status).toBe(200);
    // Written straight to the database, as `npm run admin -- license rotate --overlap 0` would.
    await h.store.write((tx) =>
      tx
        .update(licenseSigningSecrets)
        .set({ expiresAt: h.clock.now() })
        .where(eq(licenseSigningSecrets.licenseId, acme.license.id)),
    );
    h.clock.advance(1_000);
    expect((await me()).status).toBe(200);
    h.clock.advance(30_000);
    await expectProblem(await me(), 'token_invalid');
  });
});
