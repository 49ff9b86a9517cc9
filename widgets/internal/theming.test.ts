import { expect } from '@esm-bundle/chai';
import { fixture, fixtureCleanup, html } from '@open-wc/testing-helpers';
import { emulateMedia } from '@web/test-runner-commands';
import { hostileValues } from '../../tests/themes/hostile-values.js';
import { presets } from '../../themes/presets.js';
import type { LxPricingTable } from '../pricing-table/pricing-table.js';
import { register } from '../pricing-table/pricing-table.js';
import { configStore } from './config-store.js';
import { apiFixtures, settled } from './test-support.js';

register();

const rgb = (hex: string) => {
  const n = parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
};

async function table(license: string, extra = ''): Promise<LxPricingTable> {
  const { api } = await apiFixtures();
  const wrapper = await fixture<HTMLElement>(
    html`<div
      .innerHTML=${`<lx-pricing-table license="${license}" api="${api}" ${extra}></lx-pricing-table>`}
    ></div>`,
  );
  const el = wrapper.querySelector('lx-pricing-table') as LxPricingTable;
  await settled(el, '.plan');
  return el;
}

const part = (el: LxPricingTable, selector: string) =>
  getComputedStyle(el.shadowRoot!.querySelector(selector)!);
const token = (el: Element, name: string) =>
  getComputedStyle(el).getPropertyValue(`--lx-${name}`).trim();

describe('widgets follow the published theme', () => {
  afterEach(async () => {
    fixtureCleanup();
    await emulateMedia({ colorScheme: 'light' });
  });

  it('applies every token of a published theme to the widget’s computed styles', async () => {
    const { themes } = await apiFixtures();
    const el = await table(themes.evergreen);
    const t = presets.evergreen.tokens;
    const cta = part(el, 'button[part="cta"]');
    expect(cta.backgroundColor).to.equal(rgb(t['color-brand']!));
    expect(cta.color).to.equal(rgb(t['color-brand-contrast']!));
    const card = part(el, '.plan');
    expect(card.backgroundColor).to.equal(rgb(t['color-surface']!));
    expect(card.borderTopLeftRadius).to.equal('0px');
    expect(card.boxShadow).to.equal('none');
    expect(part(el, 'h2').fontFamily).to.contain('Georgia');
    expect(getComputedStyle(el).fontFamily).to.contain('Gill Sans');
    expect(getComputedStyle(el).color).to.equal(rgb(t['color-text']!));
    // Density 0.875 → 0.875rem of space between cards.
    expect(part(el, 'ul.plans').columnGap).to.equal('14px');
  });

  it('derives the hover shade from the brand in CSS when the theme leaves it unset', async () => {
    const { themes } = await apiFixtures();
    const el = await table(themes.evergreen);
    expect(token(el, 'color-brand-hover')).to.equal('');
    const cta = el.shadowRoot!.querySelector<HTMLButtonElement>('button[part="cta"]')!;
    const hover = getComputedStyle(el).getPropertyValue('--_brand-hover');
    expect(hover).to.contain('color-mix');
    expect(getComputedStyle(cta).backgroundColor).to.equal(
      rgb(presets.evergreen.tokens['color-brand']!),
    );
  });

  it('follows an emulated prefers-color-scheme in auto mode', async () => {
    const { themes } = await apiFixtures();
    await emulateMedia({ colorScheme: 'light' });
    const el = await table(themes.sunset);
    const light = presets.sunset.tokens;
    const dark = presets.sunset.darkTokens!;
    expect(part(el, '.plan').backgroundColor).to.equal(rgb(light['color-surface']!));
    expect(part(el, 'button[part="cta"]').backgroundColor).to.equal(rgb(light['color-brand']!));
    await emulateMedia({ colorScheme: 'dark' });
    expect(part(el, '.plan').backgroundColor).to.equal(rgb(dark['color-surface']!));
    expect(part(el, 'button[part="cta"]').backgroundColor).to.equal(rgb(dark['color-brand']!));
    expect(getComputedStyle(el).color).to.equal(rgb(dark['color-text']!));
    // Fonts and corners are the same in both schemes.
    expect(part(el, '.plan').borderTopLeftRadius).to.equal('24px');
    await emulateMedia({ colorScheme: 'light' });
    expect(part(el, '.plan').backgroundColor).to.equal(rgb(light['color-surface']!));
  });

  it('lets page CSS win: custom properties on the element, then ::part rules', async () => {
    const { themes } = await apiFixtures();
    const style = document.createElement('style');
    style.textContent = `
      lx-pricing-table.branded { --lx-color-brand: #123456; --lx-radius: 3px; }
      lx-pricing-table.parted::part(cta) { background: rgb(0, 128, 0); }`;
    document.head.append(style);
    try {
      const el = await table(themes.evergreen, 'class="branded"');
      expect(part(el, 'button[part="cta"]').backgroundColor).to.equal('rgb(18, 52, 86)');
      expect(part(el, '.plan').borderTopLeftRadius).to.equal('3px');
      // Tokens the page did not override still come from the theme.
      expect(part(el, '.plan').backgroundColor).to.equal(
        rgb(presets.evergreen.tokens['color-surface']!),
      );
      el.classList.add('parted');
      expect(part(el, 'button[part="cta"]').backgroundColor).to.equal('rgb(0, 128, 0)');
      // An inline style on the element wins over a stylesheet rule, as CSS always does.
      el.style.setProperty('--lx-color-brand', '#654321');
      el.classList.remove('parted');
      expect(part(el, 'button[part="cta"]').backgroundColor).to.equal('rgb(101, 67, 33)');
    } finally {
      style.remove();
    }
  });

  it('picks up a newly published theme on the next load of the configuration', async () => {
    const { api, themes } = await apiFixtures();
    const admin = {
      'Liberation-Key': themes.live,
      Authorization: `Bearer ${themes.tokens.liveAdmin}`,
      'Content-Type': 'application/json',
    };
    const el = await table(themes.live);
    const before = part(el, 'button[part="cta"]').backgroundColor;
    const theme = { mode: 'light', tokens: { 'color-brand': '#0f766e' } };
    expect(
      (
        await fetch(`${api}/v1/themes/draft`, {
          method: 'PUT',
          headers: admin,
          body: JSON.stringify(theme),
        })
      ).status,
    ).to.equal(200);
    // A draft changes nothing for widgets.
    await configStore(api, themes.live).load();
    await el.updateComplete;
    expect(part(el, 'button[part="cta"]').backgroundColor).to.equal(before);
    const published = await fetch(`${api}/v1/themes/publish`, {
      method: 'POST',
      headers: admin,
      body: '{}',
    });
    expect(published.status).to.equal(200);
    await configStore(api, themes.live).load();
    await settled(el, '.plan');
    expect(part(el, 'button[part="cta"]').backgroundColor).to.equal('rgb(15, 118, 110)');
  });

  it('a theme the server rejects changes nothing', async () => {
    const { api, themes } = await apiFixtures();
    const admin = {
      'Liberation-Key': themes.live,
      Authorization: `Bearer ${themes.tokens.liveAdmin}`,
      'Content-Type': 'application/json',
    };
    const el = await table(themes.live);
    const before = part(el, 'button[part="cta"]').backgroundColor;
    const config = await (
      await fetch(`${api}/v1/embed/config`, { headers: { 'Liberation-Key': themes.live } })
    ).text();
    for (const value of hostileValues.slice(0, 8)) {
      const res = await fetch(`${api}/v1/themes/draft`, {
        method: 'PUT',
        headers: admin,
        body: JSON.stringify({ mode: 'light', tokens: { 'color-brand': value } }),
      });
      expect(res.status).to.equal(400);
      const problem = (await res.json()) as { errors: { path: string }[] };
      expect(problem.errors.map((e) => e.path)).to.deep.equal(['body.tokens.color-brand']);
    }
    expect(
      await (
        await fetch(`${api}/v1/embed/config`, { headers: { 'Liberation-Key': themes.live } })
      ).text(),
    ).to.equal(config);
    await configStore(api, themes.live).load();
    await settled(el, '.plan');
    expect(part(el, 'button[part="cta"]').backgroundColor).to.equal(before);
  });

  it('never applies a hostile value forced into a widget from script', async () => {
    const { themes } = await apiFixtures();
    const el = await table(themes.evergreen);
    const brand = rgb(presets.evergreen.tokens['color-brand']!);
    for (const value of hostileValues) {
      el.theme = {
        mode: 'light',
        tokens: { 'color-brand': value, radius: value },
        knobs: { 'pricing-table-card-min-width': value },
      };
      await el.updateComplete;
      expect(token(el, 'color-brand'), value).to.equal('');
      expect(getComputedStyle(el).display, value).to.equal('block');
      const cta = part(el, 'button[part="cta"]');
      // The widget falls back to its built-in default, never to the hostile value.
      expect(cta.backgroundColor, value).to.equal('rgb(79, 70, 229)');
      expect(cta.backgroundImage, value).to.equal('none');
    }
    el.theme = undefined;
    await el.updateComplete;
    expect(part(el, 'button[part="cta"]').backgroundColor).to.equal(brand);
  });
});
