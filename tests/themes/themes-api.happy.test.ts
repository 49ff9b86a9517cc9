import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presets } from '../../themes/presets.js';
import { deliveredTheme } from '../../themes/resolve.js';
import { lightTokens } from '../../themes/tokens.js';
import { startThemes, type ThemeHarness } from './setup.js';

let t: ThemeHarness;
beforeAll(async () => {
  t = await startThemes();
});
afterAll(() => t.h.close());

interface EmbedBody {
  theme: { version: number; mode: string; tokens: Record<string, string>; messages?: unknown };
}

describe('themes: draft, publish, history, rollback', () => {
  it('delivers the default light theme, version 0, before anything is published', async () => {
    const res = await t.embed();
    const body = (await res.json()) as EmbedBody;
    expect(body.theme).toEqual({ mode: 'light', tokens: lightTokens, version: 0 });
    const state = await t.call('GET', '/v1/themes');
    expect(await state.json()).toEqual({ published: null, draft: null });
  });

  it('saves a draft without changing what widgets get, and reports its contrast', async () => {
    const before = await t.embed();
    const res = await t.call('PUT', '/v1/themes/draft', presets.evergreen);
    expect(res.status).toBe(200);
    const draft = (await res.json()) as {
      theme: unknown;
      baseVersion: number | null;
      updatedBy: string;
      contrast: { id: string; passes: boolean }[];
    };
    expect(draft.theme).toEqual(presets.evergreen);
    expect(draft.baseVersion).toBe(null);
    expect(draft.updatedBy).toBe('learner:brand-admin');
    expect(draft.contrast.find((c) => c.id === 'text-on-surface')!.passes).toBe(true);
    const after = await t.embed();
    expect(after.headers.get('etag')).toBe(before.headers.get('etag'));
  });

  it('previews the draft as an embed configuration without publishing it', async () => {
    const res = await t.call('GET', '/v1/themes/draft/preview');
    expect(res.status).toBe(200);
    const body = (await res.json()) as EmbedBody;
    expect(body.theme).toEqual({ ...deliveredTheme(presets.evergreen), version: 0 });
    expect(((await (await t.embed()).json()) as EmbedBody).theme.version).toBe(0);
  });

  it('publishes: widgets get the new theme and a new ETag on their next load', async () => {
    const before = await t.embed();
    const etag = before.headers.get('etag')!;
    const res = await t.call('POST', '/v1/themes/publish', { note: 'Evergreen launch' });
    expect(res.status).toBe(200);
    const published = (await res.json()) as {
      version: { version: number; note: string };
      warnings: [];
    };
    expect(published.version).toMatchObject({
      version: 1,
      note: 'Evergreen launch',
      source: 'publish',
      contrastOverride: false,
      publishedBy: 'learner:brand-admin',
    });
    expect(published.warnings).toEqual([]);

    const stale = await t.embed({ ...t.admin, 'If-None-Match': etag });
    expect(stale.status).toBe(200);
    expect(stale.headers.get('etag')).not.toBe(etag);
    const body = (await stale.json()) as EmbedBody;
    expect(body.theme.version).toBe(1);
    expect(body.theme.tokens['color-brand']).toBe(presets.evergreen.tokens['color-brand']);
    const fresh = await t.embed({ ...t.admin, 'If-None-Match': stale.headers.get('etag')! });
    expect(fresh.status).toBe(304);
    // The draft became the live version.
    expect(((await (await t.call('GET', '/v1/themes')).json()) as { draft: null }).draft).toBe(
      null,
    );
  });

  it('carries brand assets and white-label copy to widgets', async () => {
    await t.call('PUT', '/v1/themes/draft', {
      ...presets.sunset,
      brand: { name: 'Acme Academy', logoUrl: 'https://cdn.acme.test/logo@2x.png' },
      messages: { en: { 'wallet.tokens': 'Academy Coins', 'pricing.choose': 'Join {plan}' } },
    });
    const res = await t.call('POST', '/v1/themes/publish', {});
    expect(res.status).toBe(200);
    const body = (await (await t.embed()).json()) as EmbedBody & {
      theme: { brand: unknown; darkTokens: Record<string, string> };
    };
    expect(body.theme.version).toBe(2);
    expect(body.theme.mode).toBe('auto');
    expect(body.theme.darkTokens['color-surface']).toBe(
      presets.sunset.darkTokens!['color-surface'],
    );
    expect(body.theme.brand).toEqual({
      name: 'Acme Academy',
      logoUrl: 'https://cdn.acme.test/logo@2x.png',
    });
    expect(body.theme.messages).toEqual({
      en: { 'wallet.tokens': 'Academy Coins', 'pricing.choose': 'Join {plan}' },
    });
  });

  it('lists history newest first and pages back', async () => {
    const res = await t.call('GET', '/v1/themes/versions?limit=1');
    const { versions } = (await res.json()) as { versions: { version: number }[] };
    expect(versions.map((v) => v.version)).toEqual([2]);
    const older = await t.call('GET', '/v1/themes/versions?before=2');
    expect(
      ((await older.json()) as { versions: { version: number }[] }).versions.map((v) => v.version),
    ).toEqual([1]);
    const one = await t.call('GET', '/v1/themes/versions/1');
    expect(((await one.json()) as { theme: unknown }).theme).toEqual(presets.evergreen);
  });

  it('rolls back by publishing a copy of an older version as the next one', async () => {
    const before = (await t.embed()).headers.get('etag');
    const res = await t.call('POST', '/v1/themes/rollback', { version: 1 });
    expect(res.status).toBe(200);
    const { version } = (await res.json()) as {
      version: { version: number; source: string; restoredVersion: number };
    };
    expect(version).toMatchObject({ version: 3, source: 'rollback', restoredVersion: 1 });
    const embed = await t.embed();
    expect(embed.headers.get('etag')).not.toBe(before);
    const body = (await embed.json()) as EmbedBody;
    expect(body.theme.version).toBe(3);
    expect(body.theme.tokens['font-heading']).toBe(presets.evergreen.tokens['font-heading']);
    const history = (await (await t.call('GET', '/v1/themes/versions')).json()) as {
      versions: { version: number }[];
    };
    expect(history.versions.map((v) => v.version)).toEqual([3, 2, 1]);
  });

  it('publishes a low-contrast theme only with the override, and warns', async () => {
    await t.call('PUT', '/v1/themes/draft', { mode: 'light', tokens: { 'color-text': '#aaaaaa' } });
    const refused = await t.call('POST', '/v1/themes/publish', {});
    expect(refused.status).toBe(409);
    const problem = (await refused.json()) as {
      reason: string;
      errors: { path: string; message: string }[];
    };
    expect(problem.reason).toBe('contrast_below_aa');
    expect(problem.errors).toEqual([
      {
        path: 'tokens.color-text',
        message: 'text on surface (light) is 2.32:1; WCAG AA needs 4.5:1',
      },
    ]);
    expect(((await (await t.embed()).json()) as EmbedBody).theme.version).toBe(3);

    const forced = await t.call('POST', '/v1/themes/publish', { override: true });
    expect(forced.status).toBe(200);
    const result = (await forced.json()) as {
      version: { version: number; contrastOverride: boolean };
      warnings: { path: string }[];
    };
    expect(result.version).toMatchObject({ version: 4, contrastOverride: true });
    expect(result.warnings.map((w) => w.path)).toEqual(['tokens.color-text']);
  });

  it('discards a draft', async () => {
    await t.call('PUT', '/v1/themes/draft', presets.dark);
    expect((await t.call('DELETE', '/v1/themes/draft')).status).toBe(204);
    expect(((await (await t.call('GET', '/v1/themes')).json()) as { draft: null }).draft).toBe(
      null,
    );
  });

  it('lists presets with their contrast for anyone holding the publishable key', async () => {
    const res = await t.call('GET', '/v1/themes/presets', undefined, {
      'Liberation-Key': t.acme.license.publishableKey,
    });
    const { presets: list } = (await res.json()) as {
      presets: { id: string; contrast: { gate: boolean; passes: boolean }[] }[];
    };
    expect(list.map((p) => p.id)).toEqual([
      'light',
      'dark',
      'high-contrast',
      'evergreen',
      'sunset',
    ]);
    for (const preset of list) {
      expect(preset.contrast.filter((c) => c.gate && !c.passes)).toEqual([]);
    }
  });

  it('accepts the secret key from the customer’s servers', async () => {
    const res = await t.call('GET', '/v1/themes', undefined, {
      Authorization: `Bearer ${t.acme.secretKey}`,
    });
    expect(res.status).toBe(200);
    const saved = await t.call('PUT', '/v1/themes/draft', presets.light, {
      Authorization: `Bearer ${t.acme.secretKey}`,
    });
    expect(((await saved.json()) as { updatedBy: string }).updatedBy).toBe('secret_key');
  });
});
