import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presets } from '../../themes/presets.js';
import { createLicense, expectProblem, learnerHeaders, signToken } from '../fixtures/harness.js';
import { dumpStore } from '../fixtures/dump-store.js';
import { ORIGIN, startThemes, type ThemeHarness } from './setup.js';

let t: ThemeHarness;
beforeAll(async () => {
  t = await startThemes();
});
afterAll(() => t.h.close());

const adminRoutes = [
  ['GET', '/v1/themes'],
  ['PUT', '/v1/themes/draft'],
  ['DELETE', '/v1/themes/draft'],
  ['GET', '/v1/themes/draft/preview'],
  ['POST', '/v1/themes/publish'],
  ['POST', '/v1/themes/rollback'],
  ['GET', '/v1/themes/versions'],
  ['GET', '/v1/themes/versions/1'],
] as const;

const bodyFor = (method: string, path: string) =>
  method === 'PUT'
    ? presets.sunset
    : path.endsWith('rollback')
      ? { version: 1 }
      : method === 'POST'
        ? {}
        : undefined;

// Signing a learner in records them (licensing's learners table); themes must not move.
const themeTables = async () => {
  const { theme_drafts, theme_versions } = await dumpStore(t.h.store);
  return { theme_drafts, theme_versions };
};

async function everyRoute(
  headers: Record<string, string>,
  code: Parameters<typeof expectProblem>[1],
) {
  const before = await themeTables();
  for (const [method, path] of adminRoutes) {
    await expectProblem(await t.call(method, path, bodyFor(method, path), headers), code);
  }
  expect(await themeTables()).toEqual(before);
}

describe('themes: who may change them', () => {
  it('refuses a request without a learner token', async () => {
    await everyRoute(
      { 'Liberation-Key': t.acme.license.publishableKey, Origin: ORIGIN },
      'unauthenticated',
    );
  });

  it('refuses an ordinary learner: editing needs role admin', async () => {
    await everyRoute(t.learner, 'forbidden');
  });

  it('refuses an admin token that has expired', async () => {
    const token = await signToken(t.acme.signingSecret!, t.acme.license.id, t.h.clock, {
      claims: { role: 'admin' },
      iat: -7200,
      exp: -60,
    });
    await everyRoute(learnerHeaders(t.acme.license.publishableKey, token, ORIGIN), 'token_expired');
  });

  it('refuses a forged admin token', async () => {
    const token = await signToken('not the signing secret', t.acme.license.id, t.h.clock, {
      claims: { role: 'admin' },
    });
    await everyRoute(learnerHeaders(t.acme.license.publishableKey, token, ORIGIN), 'token_invalid');
  });

  it('refuses a page on an origin the license does not allow', async () => {
    await everyRoute({ ...t.admin, Origin: 'https://evil.test' }, 'origin_not_allowed');
  });

  it('keeps tenants apart: another license’s admin token and keys cannot touch this theme', async () => {
    const globex = await createLicense(t.h.services, {
      name: 'Globex',
      origins: ['https://learn.globex.test'],
    });
    const globexAdmin = await signToken(globex.signingSecret!, globex.license.id, t.h.clock, {
      claims: { role: 'admin' },
    });
    // Globex's admin token with Acme's publishable key: the token was not signed for Acme.
    await everyRoute(
      learnerHeaders(t.acme.license.publishableKey, globexAdmin, ORIGIN),
      'token_invalid',
    );

    // Each admin changes only their own theme.
    const globexHeaders = learnerHeaders(
      globex.license.publishableKey,
      globexAdmin,
      'https://learn.globex.test',
    );
    await t.call('PUT', '/v1/themes/draft', presets.evergreen, globexHeaders);
    expect((await t.call('POST', '/v1/themes/publish', {}, globexHeaders)).status).toBe(200);
    const acme = (await (await t.call('GET', '/v1/themes')).json()) as { published: null };
    expect(acme.published).toBe(null);
    const acmeEmbed = (await (await t.embed()).json()) as { theme: { version: number } };
    expect(acmeEmbed.theme.version).toBe(0);
    const globexEmbed = (await (
      await t.h.fetch('/v1/embed/config', {
        headers: {
          'Liberation-Key': globex.license.publishableKey,
          Origin: 'https://learn.globex.test',
        },
      })
    ).json()) as { theme: { version: number } };
    expect(globexEmbed.theme.version).toBe(1);
  });

  it('refuses another license’s secret key', async () => {
    const other = await createLicense(t.h.services, { name: 'Initech' });
    const res = await t.call('GET', '/v1/themes', undefined, {
      Authorization: `Bearer ${other.secretKey}`,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { published: null; draft: null };
    // The secret key identifies its own license: it sees Initech's (empty) theme, never Acme's.
    expect(body).toEqual({ published: null, draft: null });
  });

  it('asks for the publishable key before listing presets', async () => {
    const res = await t.call('GET', '/v1/themes/presets', undefined, {});
    await expectProblem(res, 'license_missing');
  });
});
