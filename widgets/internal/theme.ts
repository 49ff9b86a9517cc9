import type { Theme, ThemeTokens } from '../../themes/tokens.js';

// Defence in depth: the server validates theme values strictly, and the client still refuses
// anything that could end a declaration, open a block, fetch a URL or smuggle an escape.
const SAFE_VALUE = /^[#a-zA-Z0-9 .,%()'"/+-]{1,200}$/;
const FORBIDDEN = /url\(|expression\(|image-set\(|var\(|attr\(/i;
const TOKEN_NAME = /^[a-z][a-z-]{0,40}$/;

export function isSafeTokenValue(value: unknown): value is string {
  return typeof value === 'string' && SAFE_VALUE.test(value) && !FORBIDDEN.test(value);
}

function declarations(tokens: ThemeTokens | undefined): string {
  return Object.entries(tokens ?? {})
    .filter(([name, value]) => TOKEN_NAME.test(name) && isSafeTokenValue(value))
    .map(([name, value]) => `--lx-${name}:${value};`)
    .join('');
}

/** The CSS text for a theme: semantic tokens on `:host`, dark values by mode or media query. */
export function themeCss(theme: Theme): string {
  const light = `:host{${declarations(theme.tokens)}}`;
  const dark = theme.darkTokens ? `:host{${declarations(theme.darkTokens)}}` : '';
  if (theme.mode === 'dark') return light + dark;
  if (theme.mode === 'auto' && dark) return `${light}@media (prefers-color-scheme: dark){${dark}}`;
  return light;
}

const sheets = new Map<string, CSSStyleSheet>();

/** One constructed stylesheet per distinct theme, shared by every widget on the page. */
export function themeSheet(theme: Theme): CSSStyleSheet {
  const css = themeCss(theme);
  let sheet = sheets.get(css);
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    sheets.set(css, sheet);
  }
  return sheet;
}
