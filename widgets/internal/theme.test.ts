import { expect } from '@esm-bundle/chai';
import { isSafeTokenValue, themeCss } from './theme.js';

describe('theme application', () => {
  const hostile = [
    'red;} body{display:none',
    'url(https://evil.test/x.png)',
    'expression(alert(1))',
    '#fff\\3b',
    '@import "x"',
    'var(--other)',
    'x'.repeat(300),
    '}',
  ];

  for (const value of hostile) {
    it(`never applies ${JSON.stringify(value.slice(0, 30))}`, () => {
      expect(isSafeTokenValue(value)).to.equal(false);
      expect(themeCss({ mode: 'light', tokens: { 'color-brand': value } })).to.equal(':host{}');
    });
  }

  it('applies valid values and the dark set by media query in auto mode', () => {
    const css = themeCss({
      mode: 'auto',
      tokens: { 'color-brand': '#123456', radius: '4px' },
      darkTokens: { 'color-brand': 'oklch(70% 0.1 250)' },
    });
    expect(css).to.equal(
      ':host{--lx-color-brand:#123456;--lx-radius:4px;}@media (prefers-color-scheme: dark){:host{--lx-color-brand:oklch(70% 0.1 250);}}',
    );
  });
});
