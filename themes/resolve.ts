import { parseColor, toHex } from './color.js';
import { brandShades, contrastColorFor, darkBrand } from './derive.js';
import {
  darkTokens,
  derivedTokens,
  lightTokens,
  type SemanticToken,
  type Theme,
  type ThemeTokens,
} from './tokens.js';

export type Scheme = 'light' | 'dark';

const strip = (tokens: ThemeTokens | undefined): ThemeTokens => {
  const out: ThemeTokens = { ...tokens };
  for (const name of derivedTokens) delete out[name];
  return out;
};

/**
 * In `auto` mode a theme that sets only a light brand color still gets a readable dark one:
 * the same hue lifted for a dark surface, with its own contrast color.
 */
function autoDarkBrand(theme: Theme): ThemeTokens {
  const brand = theme.tokens['color-brand'];
  if (theme.mode !== 'auto' || !brand || theme.darkTokens?.['color-brand']) return {};
  const color = parseColor(brand);
  if (!color) return {};
  const dark = darkBrand({ ...color, a: 1 });
  return {
    'color-brand': toHex(dark),
    ...(theme.darkTokens?.['color-brand-contrast']
      ? {}
      : { 'color-brand-contrast': contrastColorFor(dark) }),
  };
}

/**
 * The base tokens a theme delivers for one scheme, defaults filled in, derived shades only
 * where the theme sets them explicitly (otherwise widgets derive them in CSS).
 *
 * - light: light defaults ← tokens
 * - dark mode: light defaults ← dark defaults ← tokens ← darkTokens
 * - auto, dark scheme: light defaults ← tokens ← dark defaults ← dark brand from the light
 *   one ← darkTokens (so fonts, radius and density carry over, colors do not)
 */
export function schemeValues(theme: Theme, scheme: Scheme): ThemeTokens {
  if (theme.mode === 'dark') {
    return { ...lightTokens, ...darkTokens, ...theme.tokens, ...theme.darkTokens };
  }
  if (scheme === 'light' || theme.mode === 'light') return { ...lightTokens, ...theme.tokens };
  return {
    ...lightTokens,
    ...strip(theme.tokens),
    ...darkTokens,
    ...autoDarkBrand(theme),
    ...theme.darkTokens,
  };
}

/** Every semantic token's value in one scheme, derived shades computed where unset. */
export function resolveScheme(theme: Theme, scheme: Scheme): Record<SemanticToken, string> {
  const values = schemeValues(theme, scheme) as Record<SemanticToken, string>;
  const shades = brandShades(values['color-brand'], values['color-text'], values['color-surface']);
  if (shades) {
    values['color-brand-hover'] ??= shades.hover;
    values['color-brand-active'] ??= shades.active;
    values['color-brand-subtle'] ??= shades.subtle;
  }
  return values;
}

/**
 * The theme as the embed configuration delivers it: complete token sets, so a widget never
 * depends on its CSS fallbacks. `light` and `dark` modes carry one set; `auto` carries the
 * light set in `tokens` and only the scheme-dependent overrides in `darkTokens`.
 */
export function deliveredTheme(theme: Theme): Theme {
  const out: Theme = {
    mode: theme.mode,
    tokens: schemeValues(theme, theme.mode === 'dark' ? 'dark' : 'light'),
  };
  if (theme.mode === 'auto') {
    const light = out.tokens;
    const dark = schemeValues(theme, 'dark');
    const changed: ThemeTokens = {};
    for (const [name, value] of Object.entries(dark) as [SemanticToken, string][]) {
      if (light[name] !== value) changed[name] = value;
    }
    // A shade set explicitly for light would otherwise leak into the dark scheme through the
    // cascade; give the dark scheme its own, computed as the widgets would.
    const computed = resolveScheme(theme, 'dark');
    for (const name of derivedTokens) {
      if (light[name] && !dark[name]) changed[name] = computed[name];
    }
    out.darkTokens = changed;
  }
  if (theme.knobs && Object.keys(theme.knobs).length) out.knobs = { ...theme.knobs };
  if (theme.brand && (theme.brand.name || theme.brand.logoUrl)) out.brand = { ...theme.brand };
  if (theme.messages && Object.keys(theme.messages).length) out.messages = theme.messages;
  return out;
}
