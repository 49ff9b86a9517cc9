import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLicense,
  expectProblem,
  learnerHeaders,
  signToken,
  startHarness,
  unsignedToken,
  type Harness,
} from '../fixtures/harness.js';

/** A customer's identity provider: publishes a JWKS on 127.0.0.1 and counts fetches. */
async function startJwks() {
  const state = { keys: [] as JWK[], hits: 0 };
  const server = http.createServer((_req, res) => {
    state.hits++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: state.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function keyPair(alg: 'RS256' | 'ES256', kid: string) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { privateKey, publicKey, jwk };
}

describe('learner tokens: forgeries, algorithms and tenants', () => {
  let h: Harness;
  let jwks: Awaited<ReturnType<typeof startJwks>>;
  let acme: Awaited<ReturnType<typeof createLicense>>;
  let globex: Awaited<ReturnType<typeof createLicense>>;
  let idp: Awaited<ReturnType<typeof createLicense>>;
  let rsa: Awaited<ReturnType<typeof keyPair>>;
  let ec: Awaited<ReturnType<typeof keyPair>>;

  beforeAll(async () => {
    h = await startHarness();
    jwks = await startJwks();
    rsa = await keyPair('RS256', 'rsa-1');
    ec = await keyPair('ES256', 'ec-1');
    jwks.state.keys = [rsa.jwk, ec.jwk];
    acme = await createLicense(h.services);
    globex = await createLicense(h.services, {
      name: 'Globex',
      origins: ['https://portal.acme.test'],
    });
    idp = await createLicense(h.services, {
      name: 'Own IdP College',
      learnerTokens: { kind: 'jwks', jwksUrl: jwks.url, algorithms: ['RS256', 'ES256'] },
    });
  });
  afterAll(async () => {
    await h.close();
    await jwks.close();
  });

  const me = (key: string, token: string) =>
    h.fetch('/v1/me', { headers: learnerHeaders(key, token) });

  const jwksToken = (
    privateKey: CryptoKey,
    alg: string,
    kid: string,
    claims: Record<string, unknown> = {},
  ) => {
    const now = Math.floor(h.clock.now().getTime() / 1000);
    return new SignJWT({ name: 'Idp Learner', ...claims })
      .setProtectedHeader({ alg, kid })
      .setSubject('idp-1')
      .setIssuer(idp.license.id)
      .setAudience('liberation-kit')
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(privateKey);
  };

  it('refuses a token signed with another secret (forged)', async () => {
    const forged = await signToken('lxsig_' + 'x'.repeat(43), acme.license.id, h.clock);
    const problem = await expectProblem(
      await me(acme.license.publishableKey, forged),
      'token_invalid',
    );
    expect(problem.detail).toContain('signature');
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const good = await signToken(acme.signingSecret!, acme.license.id, h.clock, { sub: 'tamper' });
    const [header, payload, signature] = good.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const changed = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url');
    await expectProblem(
      await me(acme.license.publishableKey, `${header}.${changed}.${signature}`),
      'token_invalid',
    );
  });

  it('refuses an unsigned token (alg: none)', async () => {
    const now = Math.floor(h.clock.now().getTime() / 1000);
    const token = unsignedToken({
      sub: 'ada',
      name: 'Ada',
      iss: acme.license.id,
      aud: 'liberation-kit',
      iat: now,
      exp: now + 600,
      role: 'admin',
    });
    const problem = await expectProblem(
      await me(acme.license.publishableKey, token),
      'token_invalid',
    );
    expect(problem.detail).toContain('"none"');
  });

  it.each(['HS384', 'HS512'] as const)(
    'refuses %s even with the right secret: HS256 is pinned',
    async (alg) => {
      const now = Math.floor(h.clock.now().getTime() / 1000);
      const token = await new SignJWT({ name: 'Ada' })
        .setProtectedHeader({ alg })
        .setSubject('ada')
        .setIssuer(acme.license.id)
        .setAudience('liberation-kit')
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .sign(new TextEncoder().encode(acme.signingSecret!));
      const problem = await expectProblem(
        await me(acme.license.publishableKey, token),
        'token_invalid',
      );
      expect(problem.detail).toContain('HS256');
    },
  );

  it("refuses a token of license A sent with license B's publishable key", async () => {
    const tokenOfAcme = await signToken(acme.signingSecret!, acme.license.id, h.clock);
    await expectProblem(await me(globex.license.publishableKey, tokenOfAcme), 'token_invalid');
  });

  it("refuses a token claiming B's issuer but signed with A's secret", async () => {
    const token = await signToken(acme.signingSecret!, globex.license.id, h.clock);
    await expectProblem(await me(globex.license.publishableKey, token), 'token_invalid');
  });

  it("refuses a token signed with B's own secret but naming A as issuer (wrong tenant)", async () => {
    const token = await signToken(globex.signingSecret!, acme.license.id, h.clock);
    const problem = await expectProblem(
      await me(globex.license.publishableKey, token),
      'token_invalid',
    );
    expect(problem.detail).toContain('iss');
  });

  it('does not let a token remembered for A answer for B', async () => {
    const token = await signToken(acme.signingSecret!, acme.license.id, h.clock, {
      sub: 'remembered',
    });
    expect((await me(acme.license.publishableKey, token)).status).toBe(200);
    await expectProblem(await me(globex.license.publishableKey, token), 'token_invalid');
  });

  it('refuses a token from a page on an origin the license does not allow', async () => {
    const token = await signToken(acme.signingSecret!, acme.license.id, h.clock);
    const res = await h.fetch('/v1/me', {
      headers: learnerHeaders(
        acme.license.publishableKey,
        token,
        'https://portal.acme.test.evil.test',
      ),
    });
    await expectProblem(res, 'origin_not_allowed');
  });

  describe("with the customer's own keys (JWKS)", () => {
    it('accepts RS256 and ES256 tokens whose kid is in the set', async () => {
      for (const [pair, alg, kid] of [
        [rsa, 'RS256', 'rsa-1'],
        [ec, 'ES256', 'ec-1'],
      ] as const) {
        const res = await me(
          idp.license.publishableKey,
          await jwksToken(pair.privateKey, alg, kid),
        );
        expect(res.status).toBe(200);
        expect((await res.json()).learner.subject).toBe('idp-1');
      }
    });

    it('refuses HS256 on a JWKS license, even signed with the public key (algorithm confusion)', async () => {
      const now = Math.floor(h.clock.now().getTime() / 1000);
      const token = await new SignJWT({ name: 'x' })
        .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
        .setSubject('x')
        .setIssuer(idp.license.id)
        .setAudience('liberation-kit')
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .sign(new TextEncoder().encode(JSON.stringify(rsa.jwk)));
      const problem = await expectProblem(
        await me(idp.license.publishableKey, token),
        'token_invalid',
      );
      expect(problem.detail).toContain('RS256, ES256');
    });

    it('refuses an HS256 license token signed with an RSA key', async () => {
      const token = await jwksToken(rsa.privateKey, 'RS256', 'rsa-1');
      await expectProblem(await me(acme.license.publishableKey, token), 'token_invalid');
    });

    it('refuses a token signed by a key that is not in the set', async () => {
      const stranger = await keyPair('RS256', 'rsa-1');
      const problem = await expectProblem(
        await me(
          idp.license.publishableKey,
          await jwksToken(stranger.privateKey, 'RS256', 'rsa-1'),
        ),
        'token_invalid',
      );
      expect(problem.detail).toContain('signature');
    });

    it('refetches the set for an unknown kid, but at most once per cooldown', async () => {
      const rotated = await keyPair('RS256', 'rsa-2');
      const hitsBefore = jwks.state.hits;
      // Unknown kid before the customer publishes it: one refetch, then the cooldown holds.
      await expectProblem(
        await me(idp.license.publishableKey, await jwksToken(rotated.privateKey, 'RS256', 'rsa-2')),
        'token_invalid',
      );
      const afterFirst = jwks.state.hits;
      expect(afterFirst - hitsBefore).toBeLessThanOrEqual(1);
      for (let i = 0; i < 5; i++) {
        await me(
          idp.license.publishableKey,
          await jwksToken(rotated.privateKey, 'RS256', `forged-${i}`),
        );
      }
      expect(jwks.state.hits).toBe(afterFirst);
    });

    it('answers service_unavailable when the JWKS cannot be fetched', async () => {
      const down = await createLicense(h.services, {
        name: 'Unreachable IdP',
        learnerTokens: {
          kind: 'jwks',
          jwksUrl: 'http://127.0.0.1:9/jwks.json',
          algorithms: ['RS256'],
        },
      });
      const now = Math.floor(h.clock.now().getTime() / 1000);
      const token = await new SignJWT({ name: 'x' })
        .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
        .setSubject('x')
        .setIssuer(down.license.id)
        .setAudience('liberation-kit')
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .sign(rsa.privateKey);
      await expectProblem(await me(down.license.publishableKey, token), 'service_unavailable');
    });
  });
});
