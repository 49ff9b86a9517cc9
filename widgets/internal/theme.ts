import type { CSSResult } from 'lit';
import type { Theme } from '../../themes/tokens.js';

export type { Theme };

// Defence in depth: the server accepts only values its strict validator passes, and a widget
// still refuses anything that could end a declaration, open a block, call a function other
// than a color function (url(), var(), expression(), …), smuggle an escape or leave a quote
// open — whatever reaches it, from the network or from a script setting `theme`.
const SAFE_VALUE = /^[#a-zA-Z0-9 .,%()'"/+-]{1,200}$/;
const FUNCTION = /([a-z-]*)\(/gi;
const COLOR_FUNCTION = /^(rgba?|hsla?|oklch)$/i;
const CSS_WIDE = /^\s*(inherit|initial|unset|revert|revert-layer)\s*$/i;
const NAME = /^[a-z][a-z-]{0,40}$/;

const count = (text: string, ch: string) => text.split(ch).length - 1;

export function isSafeTokenValue(value: unknown): value is string {
  if (typeof value !== 'string' || !SAFE_VALUE.test(value) || CSS_WIDE.test(value)) return false;
  for (const [, name] of value.matchAll(FUNCTION)) if (!COLOR_FUNCTION.test(name!)) return false;
  return (
    count(value, '(') === count(value, ')') &&
    count(value, '"') % 2 === 0 &&
    count(value, "'") % 2 === 0
  );
}

function declarations(tokens: Partial<Record<string, string>> | undefined): string {
  let css = '';
  for (const [name, value] of Object.entries(tokens ?? {})) {
    if (!NAME.test(name) || !isSafeTokenValue(value)) continue;
    // Motion is on/off in a theme and a 1/0 factor in CSS, so durations can multiply by it.
    css += `--lx-${name}:${name === 'motion' ? (value === 'off' ? 0 : 1) : value};`;
  }
  return css;
}

/** The CSS text for a theme: tokens and knobs on `:host`, dark values by mode or media query. */
export function themeCss(theme: Theme): string {
  const light = `:host{${declarations(theme.tokens)}${declarations(theme.knobs)}}`;
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

// Here rather than in styles.ts: lazily loaded chunks call it, and a lazy chunk that imports a
// module running Lit at load time makes the bundler split Lit out of the shared base chunk,
// which costs every widget an extra file. This module loads no Lit at run time.
/**
 * Adds the rules of a chunk loaded later to a widget's shadow root, once, as a constructed
 * sheet: a strict Content-Security-Policy allows those, not `<style>` elements.
 */
export function adoptStyles(
  host: { renderRoot: HTMLElement | DocumentFragment },
  styles: CSSResult,
): void {
  const root = host.renderRoot as ShadowRoot;
  const sheet = styles.styleSheet;
  if (sheet && !root.adoptedStyleSheets.includes(sheet))
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}
