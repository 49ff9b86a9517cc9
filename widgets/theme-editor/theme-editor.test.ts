import { expect } from '@esm-bundle/chai';
import { fixture, fixtureCleanup, html } from '@open-wc/testing-helpers';
import { sendKeys } from '@web/test-runner-commands';
import { hostileValues } from '../../tests/themes/hostile-values.js';
import { presets } from '../../themes/presets.js';
import type { LxElement } from '../internal/base-element.js';
import { apiFixtures, axeViolations, until } from '../internal/test-support.js';
import type { LxThemeEditor } from './theme-editor.js';
import { register } from './theme-editor.js';
import type { LxThemePublishEvent } from './theme-publish.event.js';

register();

async function editor(token?: string): Promise<LxThemeEditor> {
  const { api, themes } = await apiFixtures();
  const el = await fixture<LxThemeEditor>(
    html`<lx-theme-editor
      license=${themes.editor}
      api=${api}
      user-token=${token ?? themes.tokens.admin}
    ></lx-theme-editor>`,
  );
  if (token === '') el.removeAttribute('user-token');
  return el;
}

const $ = <T extends Element = HTMLElement>(el: LxThemeEditor, selector: string) =>
  el.shadowRoot!.querySelector<T>(selector);

async function ready(el: LxThemeEditor): Promise<void> {
  await until(() => !!$(el, '.editor'), 'the editor');
  await until(
    () => !!$(el, '.preview')?.querySelector('[data-widget="pricing-table"]'),
    'the preview',
  );
  const table = previewTable(el);
  await until(() => !!table.shadowRoot?.querySelector('.plan'), 'the previewed plans');
  await el.updateComplete;
}

const previewTable = (el: LxThemeEditor) =>
  $(el, '.preview [data-widget="pricing-table"]') as LxElement;

const previewCta = (el: LxThemeEditor) =>
  getComputedStyle(previewTable(el).shadowRoot!.querySelector('button[part="cta"]')!);

async function type(el: LxThemeEditor, id: string, value: string): Promise<void> {
  const input = $<HTMLInputElement>(el, `[id="${id}"]`)!;
  input.value = value;
  input.dispatchEvent(new Event('change'));
  await el.updateComplete;
  await previewTable(el).updateComplete;
}

function button(el: LxThemeEditor, label: string): HTMLButtonElement {
  const found = [...el.shadowRoot!.querySelectorAll('button')].find(
    (b) => b.textContent.trim() === label,
  );
  if (!found) throw new Error(`no button ${label}`);
  return found;
}

async function api(method: string, path: string, body?: unknown): Promise<Response> {
  const { api: base, themes } = await apiFixtures();
  return fetch(`${base}/${path}`, {
    method,
    headers: {
      'Liberation-Key': themes.editor,
      Authorization: `Bearer ${themes.tokens.admin}`,
      'Content-Type': 'application/json',
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

const notice = (el: LxThemeEditor) =>
  [...el.shadowRoot!.querySelectorAll('.notice')].map((n) => n.textContent.trim()).join('');

describe('lx-theme-editor', () => {
  afterEach(() => fixtureCleanup());

  it('renders the editor with a live preview and is accessible', async () => {
    const el = await editor();
    await ready(el);
    expect($(el, 'h2')!.textContent).to.contain('Theme editor');
    expect(el.shadowRoot!.querySelectorAll('input[type="color"]').length).to.equal(14);
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('asks to sign in without a token, and explains a learner without the admin role', async () => {
    const anonymous = await editor('');
    await until(() => !!$(anonymous, '[part~="state"]'), 'the sign-in state');
    expect($(anonymous, '[part~="state"] p')!.textContent).to.equal(
      'Sign in as an administrator to edit the theme.',
    );
    const { themes } = await apiFixtures();
    const learner = await editor(themes.tokens.learner);
    await until(() => $(learner, '[part~="state"]')?.dataset.code === 'forbidden', 'forbidden');
    expect($(learner, '[part~="state"] p')!.textContent).to.contain('cannot edit this theme');
    expect(await axeViolations(learner)).to.deep.equal([]);
  });

  it('previews an edited color at once, with contrast badges and ratios', async () => {
    const el = await editor();
    await ready(el);
    await type(el, 'tokens.color-brand', '#0f766e');
    expect(previewCta(el).backgroundColor).to.equal('rgb(15, 118, 110)');
    const badge = $(el, '.check[data-check="brand-contrast-on-brand"][data-scheme="light"]')!;
    expect(badge.dataset.pass).to.equal('true');
    expect(badge.textContent).to.match(/5\.\d\d:1 \(needs 4\.5:1\)/);
    await type(el, 'tokens.color-brand-contrast', '#9ca3af');
    expect($(el, '.check[data-check="brand-contrast-on-brand"]')!.dataset.pass).to.equal('false');
    expect($(el, '.check[data-check="brand-contrast-on-brand"] .verdict')!.textContent).to.equal(
      'AA fail',
    );
  });

  it('marks a hostile value as an error, never previews it, and does not send it', async () => {
    const el = await editor();
    await ready(el);
    const before = previewCta(el).backgroundColor;
    const sent: string[] = [];
    const original = window.fetch;
    window.fetch = (input, init) => {
      if ((init?.method ?? 'GET') !== 'GET')
        sent.push(input instanceof Request ? input.url : input.toString());
      return original(input, init);
    };
    try {
      for (const value of hostileValues.slice(0, 12)) {
        await type(el, 'tokens.color-brand', value);
        const input = $<HTMLInputElement>(el, '[id="tokens.color-brand"]')!;
        expect(input.getAttribute('aria-invalid'), value).to.equal('true');
        expect($(el, `[id="err-tokens.color-brand"]`), value).to.not.equal(null);
        expect(previewCta(el).backgroundColor, value).to.equal(before);
      }
      button(el, 'Save draft').click();
      await until(() => notice(el).includes('need attention'), 'the validation notice');
      expect(sent).to.deep.equal([]);
    } finally {
      window.fetch = original;
    }
  });

  it('saves a draft, publishes it and tells the page', async () => {
    const el = await editor();
    await ready(el);
    await type(el, 'tokens.color-brand', '#1d4ed8');
    button(el, 'Save draft').click();
    await until(() => notice(el) === 'Draft saved.', 'saved');
    const state = (await (await api('GET', 'v1/themes')).json()) as {
      draft: { theme: { tokens: Record<string, string> } };
    };
    expect(state.draft.theme.tokens['color-brand']).to.equal('#1d4ed8');

    const events: LxThemePublishEvent[] = [];
    el.addEventListener('lx-theme-publish', (e) => events.push(e));
    button(el, 'Publish').click();
    await until(() => events.length === 1, 'lx-theme-publish');
    const version = events[0]!.detail.version;
    await until(() => notice(el).includes(`Version ${version} is live`), 'the notice');
    const embed = (await (
      await fetch(`${(await apiFixtures()).api}/v1/embed/config`, {
        headers: { 'Liberation-Key': (await apiFixtures()).themes.editor },
      })
    ).json()) as { theme: { version: number; tokens: Record<string, string> } };
    expect(embed.theme.version).to.equal(version);
    expect(embed.theme.tokens['color-brand']).to.equal('#1d4ed8');
  });

  it('asks before publishing a low-contrast theme, and publishes with the override', async () => {
    const el = await editor();
    await ready(el);
    await type(el, 'tokens.color-text', '#c0c0c0');
    button(el, 'Publish').click();
    await until(() => !!$<HTMLDialogElement>(el, 'dialog')?.open, 'the confirmation');
    const dialog = $<HTMLDialogElement>(el, 'dialog')!;
    expect(dialog.textContent).to.contain('text on surface (light) is');
    // The preview shows the low contrast on purpose; the dialog itself must be accessible.
    expect(await axeViolations(dialog)).to.deep.equal([]);
    // Cancel leaves everything as it was.
    button(el, 'Cancel').click();
    await until(() => !$(el, 'dialog'), 'the dialog to close');
    const live = (
      (await (await api('GET', 'v1/themes')).json()) as { published: { version: number } | null }
    ).published?.version;

    button(el, 'Publish').click();
    await until(() => !!$<HTMLDialogElement>(el, 'dialog')?.open, 'the confirmation again');
    const events: LxThemePublishEvent[] = [];
    el.addEventListener('lx-theme-publish', (e) => events.push(e));
    button(el, 'Publish anyway').click();
    await until(() => events.length === 1, 'the publish');
    expect(events[0]!.detail.version).to.equal((live ?? 0) + 1);
    const { versions } = (await (await api('GET', 'v1/themes/versions')).json()) as {
      versions: { version: number; contrastOverride: boolean }[];
    };
    expect(versions[0]).to.include({ version: (live ?? 0) + 1, contrastOverride: true });
  });

  it('rolls back to an earlier version from the history', async () => {
    await api('PUT', 'v1/themes/draft', presets.evergreen);
    await api('POST', 'v1/themes/publish', {});
    await api('PUT', 'v1/themes/draft', presets.dark);
    const latest = (await (await api('POST', 'v1/themes/publish', {})).json()) as {
      version: { version: number };
    };
    const el = await editor();
    await ready(el);
    $(el, 'details.history summary')!.click();
    await el.updateComplete;
    const target = latest.version.version - 1;
    const events: LxThemePublishEvent[] = [];
    el.addEventListener('lx-theme-publish', (e) => events.push(e));
    button(el, `Roll back to version ${target}`).click();
    await until(() => events.length === 1, 'the rollback');
    expect(events[0]!.detail).to.deep.equal({ version: target + 2, restoredVersion: target });
    await until(() => notice(el).includes(`restoring version ${target}`), 'the notice');
    // The editor now shows the restored theme.
    expect($<HTMLInputElement>(el, '[id="tokens.font-heading"]')!.value).to.equal(
      presets.evergreen.tokens['font-heading'],
    );
  });

  it('exports the theme as JSON and imports it back; bad JSON changes nothing', async () => {
    const el = await editor();
    await ready(el);
    await type(el, 'tokens.radius', '12px');
    const workbench = (
      el as unknown as { workbench: { exportJson(): string; importJson(t: string): boolean } }
    ).workbench;
    const exported = JSON.parse(workbench.exportJson()) as { tokens: Record<string, string> };
    expect(exported.tokens.radius).to.equal('12px');

    $(el, 'details:not(.history) summary')!.click();
    await el.updateComplete;
    const textarea = $<HTMLTextAreaElement>(el, '#import-text')!;
    textarea.value = JSON.stringify({
      mode: 'light',
      tokens: { radius: 'url(x)', 'color-brand': '#fff;}' },
    });
    textarea.dispatchEvent(new Event('input'));
    button(el, 'Load into the editor').click();
    await el.updateComplete;
    expect($(el, '#import-errors')!.textContent).to.contain('tokens.radius: must not contain url(');
    expect($<HTMLInputElement>(el, '[id="tokens.radius"]')!.value).to.equal('12px');

    expect(workbench.importJson('{ not json')).to.equal(false);
    expect(workbench.importJson(JSON.stringify(presets.sunset))).to.equal(true);
    await el.updateComplete;
    await previewTable(el).updateComplete;
    expect($<HTMLInputElement>(el, 'input[name="mode"][value="auto"]')!.checked).to.equal(true);
    expect(previewCta(el).backgroundColor).to.equal('rgb(184, 58, 11)');
  });

  it('previews the dark scheme of an auto theme, and other languages', async () => {
    const el = await editor();
    await ready(el);
    (el as unknown as { workbench: { importJson(t: string): boolean } }).workbench.importJson(
      JSON.stringify(presets.sunset),
    );
    await el.updateComplete;
    const dark = $<HTMLInputElement>(el, 'input[name="preview-scheme"][value="dark"]')!;
    dark.click();
    await el.updateComplete;
    await previewTable(el).updateComplete;
    expect(previewCta(el).backgroundColor).to.equal('rgb(255, 180, 162)');
    const locale = $<HTMLSelectElement>(el, '#preview-locale')!;
    locale.value = 'ar';
    locale.dispatchEvent(new Event('change'));
    await el.updateComplete;
    await until(
      () => previewTable(el).shadowRoot!.querySelector('h2')?.textContent === 'اختر خطتك',
      'Arabic',
    );
    expect(previewTable(el).getAttribute('dir')).to.equal('rtl');
  });

  it('is operable from the keyboard', async () => {
    const el = await editor();
    await ready(el);
    $<HTMLButtonElement>(el, 'button')!.focus();
    expect(el.shadowRoot!.activeElement!.textContent.trim()).to.equal('Save draft');
    await sendKeys({ press: 'Tab' });
    expect(el.shadowRoot!.activeElement!.textContent.trim()).to.equal('Publish');
    // Every control has an accessible name (axe checks labels); the mode is a radio group.
    const modes = el.shadowRoot!.querySelectorAll('input[name="mode"]');
    expect(modes).to.have.length(3);
    (modes[0] as HTMLInputElement).focus();
    await sendKeys({ press: 'ArrowRight' });
    await el.updateComplete;
    expect((el.shadowRoot!.activeElement as HTMLInputElement).value).to.equal('dark');
    expect((el.shadowRoot!.activeElement as HTMLInputElement).checked).to.equal(true);
  });
});
