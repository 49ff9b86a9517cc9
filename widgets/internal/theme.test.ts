import { expect } from '@esm-bundle/chai';
import { hostileLogoUrls, hostileValues } from '../../tests/themes/hostile-values.js';
import { safeLogoUrl } from './brand.js';
import { isSafeTokenValue, themeCss } from './theme.js';

describe('theme application', () => {
  for (const value of hostileValues) {
    it(`never applies ${JSON.stringify(value.slice(0, 40))}`, () => {
      expect(isSafeTokenValue(value)).to.equal(false);
      expect(themeCss({ mode: 'light', tokens: { 'color-brand': value } })).to.equal(':host{}');
      expect(
        themeCss({ mode: 'light', tokens: {}, knobs: { 'pricing-table-card-min-width': value } }),
      ).to.equal(':host{}');
    });
  }

  it('never uses a logo URL that is not plain https', () => {
    for (const url of [...hostileLogoUrls, ...hostileValues]) {
      expect(safeLogoUrl(url), url).to.equal(undefined);
    }
    expect(safeLogoUrl('https://cdn.example.com/logo@2x.png?v=2')).to.equal(
      'https://cdn.example.com/logo@2x.png?v=2',
    );
  });

  it('applies valid values, motion as a factor, and the dark set by media query in auto mode', () => {
    const css = themeCss({
      mode: 'auto',
      tokens: { 'color-brand': '#123456', radius: '4px', motion: 'off' },
      darkTokens: { 'color-brand': 'oklch(70% 0.1 250)' },
      knobs: { 'pricing-table-card-min-width': '18rem' },
    });
    expect(css).to.equal(
      ':host{--lx-color-brand:#123456;--lx-radius:4px;--lx-motion:0;--lx-pricing-table-card-min-width:18rem;}' +
        '@media (prefers-color-scheme: dark){:host{--lx-color-brand:oklch(70% 0.1 250);}}',
    );
  });

  it('layers the dark set over the tokens in dark mode', () => {
    expect(
      themeCss({ mode: 'dark', tokens: { radius: '0' }, darkTokens: { 'color-text': '#fff' } }),
    ).to.equal(':host{--lx-radius:0;}:host{--lx-color-text:#fff;}');
  });

  it('accepts the value shapes presets use', () => {
    for (const value of [
      'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
      '0 1px 2px rgb(15 23 42 / 0.08), 0 4px 12px rgb(15 23 42 / 0.06)',
      'hsl(243 75% 59%)',
      '1.125',
    ]) {
      expect(isSafeTokenValue(value), value).to.equal(true);
    }
  });
});
