/**
 * Tier 2: the semantic tokens every widget reads, as `--lx-<name>` custom properties.
 * Widgets never read primitives or a customer's raw values: a license's theme sets these
 * names only, with values the shared validator (`themes/validate.ts`) has accepted.
 *
 * Each token has a kind, which decides the grammar its values must follow.
 */
export const tokenKinds = {
  'color-brand': 'color',
  'color-brand-contrast': 'color',
  'color-brand-hover': 'color',
  'color-brand-active': 'color',
  'color-brand-subtle': 'color',
  'color-surface': 'color',
  'color-surface-raised': 'color',
  'color-text': 'color',
  'color-text-muted': 'color',
  'color-border': 'color',
  'color-focus': 'color',
  'color-success': 'color',
  'color-warning': 'color',
  'color-danger': 'color',
  'font-body': 'font',
  'font-heading': 'font',
  'font-scale': 'scale',
  radius: 'radius',
  density: 'scale',
  shadow: 'shadow',
  motion: 'motion',
} as const;

export type SemanticToken = keyof typeof tokenKinds;
export type TokenKind = (typeof tokenKinds)[SemanticToken];
export const semanticTokens = Object.keys(tokenKinds) as [SemanticToken, ...SemanticToken[]];

export type ThemeTokens = Partial<Record<SemanticToken, string>>;
export type ThemeMode = 'light' | 'dark' | 'auto';

/**
 * Tier 3: each widget's own knobs, set on its `:host` as `--lx-<widget>-<knob>`. A theme may
 * set them too; they are validated by kind like the semantic tokens.
 */
export const widgetKnobs = {
  'pricing-table-card-min-width': 'length',
} as const;

export type WidgetKnob = keyof typeof widgetKnobs;
export type ThemeKnobs = Partial<Record<WidgetKnob, string>>;

export const knobDescriptions: Record<WidgetKnob, string> = {
  'pricing-table-card-min-width': 'lx-pricing-table: narrowest a tier card gets before wrapping',
};

/** The brand assets a widget shows where it shows branding (the checkout, the editor). */
export interface BrandAssets {
  name?: string;
  /** https only. */
  logoUrl?: string;
}

/** White-label copy: message key → text, per locale (`en`, `fr-CA`, …). */
export type MessageOverrides = Record<string, Record<string, string>>;

/** A theme as stored, exported, imported and delivered. */
export interface Theme {
  mode: ThemeMode;
  /** Values for the light scheme, and the base for the dark one. */
  tokens: ThemeTokens;
  /** Values used when the mode resolves to dark; anything unset falls back to `tokens`. */
  darkTokens?: ThemeTokens;
  knobs?: ThemeKnobs;
  brand?: BrandAssets;
  messages?: MessageOverrides;
}

/** Tokens whose values depend on the color scheme; the rest apply to light and dark alike. */
export const schemeTokens = semanticTokens.filter(
  (name) => name.startsWith('color-') || name === 'shadow',
);

/** Shades a widget derives from the brand color in CSS (`color-mix`) unless a theme sets them. */
export const derivedTokens = [
  'color-brand-hover',
  'color-brand-active',
  'color-brand-subtle',
] as const;
export type DerivedToken = (typeof derivedTokens)[number];

export type BaseToken = Exclude<SemanticToken, DerivedToken>;

/** The schemes a theme can render in: both for `auto`, else the one its mode names. */
export function schemesOf(theme: Pick<Theme, 'mode'>): ('light' | 'dark')[] {
  return theme.mode === 'auto' ? ['light', 'dark'] : [theme.mode];
}

export { darkTokens, lightTokens } from './defaults.js';
export { presets } from './presets.js';
