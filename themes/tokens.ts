/**
 * The semantic tokens every widget reads, as `--lx-<name>` custom properties. Widgets never
 * read primitives or a customer's raw values: a license's theme sets these names only, with
 * values the server has validated.
 */
export const semanticTokens = [
  'color-brand',
  'color-brand-contrast',
  'color-surface',
  'color-surface-raised',
  'color-text',
  'color-text-muted',
  'color-border',
  'color-focus',
  'color-success',
  'color-warning',
  'color-danger',
  'font-body',
  'font-heading',
  'font-scale',
  'radius',
  'density',
  'shadow',
] as const;

export type SemanticToken = (typeof semanticTokens)[number];
export type ThemeTokens = Partial<Record<SemanticToken, string>>;
export type ThemeMode = 'light' | 'dark' | 'auto';

export interface Theme {
  mode: ThemeMode;
  tokens: ThemeTokens;
  /** Values used when the mode resolves to dark; falls back to `tokens`. */
  darkTokens?: ThemeTokens;
}

const systemFonts =
  'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

export const lightTokens: Required<ThemeTokens> = {
  'color-brand': '#4f46e5',
  'color-brand-contrast': '#ffffff',
  'color-surface': '#ffffff',
  'color-surface-raised': '#f8fafc',
  'color-text': '#0f172a',
  'color-text-muted': '#475569',
  'color-border': '#cbd5e1',
  'color-focus': '#2563eb',
  'color-success': '#15803d',
  'color-warning': '#b45309',
  'color-danger': '#b91c1c',
  'font-body': systemFonts,
  'font-heading': systemFonts,
  'font-scale': '1',
  radius: '0.5rem',
  density: '1',
  shadow: '0 1px 2px rgb(15 23 42 / 0.08), 0 4px 12px rgb(15 23 42 / 0.06)',
};

export const darkTokens: Required<ThemeTokens> = {
  ...lightTokens,
  'color-brand': '#818cf8',
  'color-brand-contrast': '#0b1020',
  'color-surface': '#0f172a',
  'color-surface-raised': '#1e293b',
  'color-text': '#f1f5f9',
  'color-text-muted': '#cbd5e1',
  'color-border': '#334155',
  'color-focus': '#93c5fd',
  'color-success': '#4ade80',
  'color-warning': '#fbbf24',
  'color-danger': '#f87171',
  shadow: '0 1px 2px rgb(0 0 0 / 0.4), 0 4px 12px rgb(0 0 0 / 0.3)',
};

export const presets = {
  light: { mode: 'light', tokens: lightTokens },
  dark: { mode: 'dark', tokens: darkTokens },
} satisfies Record<string, Theme>;
