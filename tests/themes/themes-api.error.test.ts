import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presets } from '../../themes/presets.js';
import { semanticTokens } from '../../themes/tokens.js';
import { expectProblem } from '../fixtures/harness.js';
import { dumpStore } from '../fixtures/dump-store.js';
import { hostileLogoUrls, hostileValues } from './hostile-values.js';
import { startThemes, type ThemeHarness } from './setup.js';

let t: ThemeHarness;
beforeAll(async () => {
  t = await startThemes();
  await t.call('PUT', '/v1/themes/draft', presets.evergreen);
});
afterAll(() => t.h.close());

/** Sends a draft that must be refused; checks nothing in the database changed. */
async function refused(body: unknown, init?: RequestInit) {
  const before = await dumpStore(t.h.store);
  const res = init
    ? await t.h.fetch('/v1/themes/draft', init)
    : await t.call('PUT', '/v1/themes/draft', body);
  expect(await dumpStore(t.h.store)).toEqual(before);
  return res;
}

const paths = (problem: { errors?: { path: string }[] }) =>
  (problem.errors ?? []).map((e) => e.path);

describe('saving a draft: bad input changes nothing', () => {
  it('names every offending field under body.', async () => {
    const problem = await expectProblem(
      await refused({
        mode: 'neon',
        tokens: { 'color-brand': 'url(https://evil.test/x)', 'color-nope': '#fff' },
        darkTokens: { radius: '4px' },
        brand: { logoUrl: 'http://insecure.test/logo.png' },
        css: 'body{}',
      }),
      'validation_failed',
    );
    expect(paths(problem).sort()).toEqual(
      [
        'body.brand.logoUrl',
        'body.css',
        'body.darkTokens.radius',
        'body.mode',
        'body.tokens.color-brand',
        'body.tokens.color-nope',
      ].sort(),
    );
    expect(problem.errors!.find((e) => e.path === 'body.tokens.color-brand')!.message).toBe(
      'must not contain url(',
    );
  });

  it('refuses every hostile value in every token and the logo', async () => {
    for (const value of hostileValues) {
      const tokens = Object.fromEntries(semanticTokens.map((name) => [name, value]));
      const problem = await expectProblem(
        await refused({ mode: 'light', tokens }),
        'validation_failed',
      );
      expect(paths(problem).sort(), JSON.stringify(value)).toEqual(
        semanticTokens.map((name) => `body.tokens.${name}`).sort(),
      );
    }
    for (const logoUrl of hostileLogoUrls) {
      const problem = await expectProblem(
        await refused({ mode: 'light', tokens: {}, brand: { logoUrl } }),
        'validation_failed',
      );
      expect(paths(problem), logoUrl).toEqual(['body.brand.logoUrl']);
    }
  });

  it('checks white-label copy against the widgets’ messages', async () => {
    const problem = await expectProblem(
      await refused({
        mode: 'light',
        tokens: {},
        messages: {
          en: { 'pricing.choose': 'Take {tier}', 'no.such.key': 'x', 'pricing.title': 'a\u0000b' },
        },
      }),
      'validation_failed',
    );
    expect(paths(problem).sort()).toEqual([
      'body.messages.en.no.such.key',
      'body.messages.en.pricing.choose',
      'body.messages.en.pricing.title',
    ]);
  });

  it('refuses a theme over 64 KB', async () => {
    const messages = { en: { 'pricing.title': 'x'.repeat(400) } } as Record<
      string,
      Record<string, string>
    >;
    for (let i = 0; i < 20; i++)
      messages[`fr-x${i}`] = Object.fromEntries(
        [
          'pricing.title',
          'pricing.empty',
          'pricing.free',
          'pricing.monthly',
          'pricing.yearly',
          'pricing.billing',
          'pricing.recommended',
          'state.loading',
          'action.retry',
        ].map((k) => [k, 'y'.repeat(450)]),
      );
    const problem = await expectProblem(
      await refused({ mode: 'light', tokens: {}, messages }),
      'validation_failed',
    );
    expect(paths(problem)).toEqual(['body']);
  });

  it('refuses bodies that are not a theme object, or not JSON', async () => {
    for (const body of [[], 'theme', 42, null]) {
      const problem = await expectProblem(await refused(body), 'validation_failed');
      expect(problem.errors!.length).toBeGreaterThan(0);
    }
    const res = await refused(undefined, {
      method: 'PUT',
      headers: { ...t.admin, 'Content-Type': 'application/json' },
      body: '{"mode": "light", ',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('keeps the earlier draft when a save is refused', async () => {
    await refused({ mode: 'light', tokens: { radius: '1e9px' } });
    const state = (await (await t.call('GET', '/v1/themes')).json()) as {
      draft: { theme: unknown };
    };
    expect(state.draft.theme).toEqual(presets.evergreen);
  });
});

describe('publishing and rolling back: bad requests', () => {
  it('refuses unknown fields and wrong types in the publish body', async () => {
    const before = await dumpStore(t.h.store);
    for (const body of [{ override: 'yes' }, { force: true }, { note: 'x'.repeat(501) }]) {
      await expectProblem(await t.call('POST', '/v1/themes/publish', body), 'validation_failed');
    }
    expect(await dumpStore(t.h.store)).toEqual(before);
  });

  it('cannot roll back to a version that does not exist', async () => {
    await expectProblem(await t.call('POST', '/v1/themes/rollback', { version: 7 }), 'not_found');
    for (const version of [0, -1, 'one', 1.5]) {
      await expectProblem(
        await t.call('POST', '/v1/themes/rollback', { version }),
        'validation_failed',
      );
    }
    await expectProblem(await t.call('GET', '/v1/themes/versions/7'), 'not_found');
    await expectProblem(await t.call('GET', '/v1/themes/versions/abc'), 'validation_failed');
  });

  it('has nothing to publish, preview or discard without a draft', async () => {
    expect((await t.call('DELETE', '/v1/themes/draft')).status).toBe(204);
    await expectProblem(await t.call('POST', '/v1/themes/publish', {}), 'conflict');
    await expectProblem(await t.call('GET', '/v1/themes/draft/preview'), 'not_found');
    await expectProblem(await t.call('DELETE', '/v1/themes/draft'), 'not_found');
  });

  it('a refused publish leaves the live theme and its ETag alone', async () => {
    await t.call('PUT', '/v1/themes/draft', {
      mode: 'auto',
      tokens: {},
      darkTokens: { 'color-brand': '#ffff00', 'color-brand-contrast': '#ffffff' },
    });
    const etag = (await t.embed()).headers.get('etag');
    const before = await dumpStore(t.h.store);
    const problem = await expectProblem(await t.call('POST', '/v1/themes/publish', {}), 'conflict');
    expect(paths(problem)).toEqual(['darkTokens.color-brand-contrast']);
    expect(await dumpStore(t.h.store)).toEqual(before);
    expect((await t.embed()).headers.get('etag')).toBe(etag);
  });
});
