import { fontStacks, palette, radii, shadows } from './primitives.js';
import type { BaseToken } from './tokens.js';

/** What every widget renders when a theme leaves a token unset, in the light scheme. */
export const lightTokens: Record<BaseToken, string> = {
  'color-brand': palette.indigo[600],
  'color-brand-contrast': palette.white,
  'color-surface': palette.white,
  'color-surface-raised': palette.slate[50],
  'color-text': palette.slate[900],
  'color-text-muted': palette.slate[600],
  'color-border': palette.slate[300],
  'color-focus': palette.blue[600],
  'color-success': palette.green[700],
  'color-warning': palette.amber[700],
  'color-danger': palette.red[700],
  'font-body': fontStacks.system,
  'font-heading': fontStacks.system,
  'font-scale': '1',
  radius: radii.m,
  density: '1',
  shadow: shadows.soft,
  motion: 'on',
};

/** Dark-scheme defaults: scheme-dependent tokens only; the others come from the light set. */
export const darkTokens: Partial<Record<BaseToken, string>> = {
  'color-brand': palette.indigo[400],
  'color-brand-contrast': palette.ink,
  'color-surface': palette.slate[900],
  'color-surface-raised': palette.slate[800],
  'color-text': palette.slate[100],
  'color-text-muted': palette.slate[300],
  'color-border': palette.slate[700],
  'color-focus': palette.blue[300],
  'color-success': palette.green[400],
  'color-warning': palette.amber[400],
  'color-danger': palette.red[400],
  shadow: shadows.dark,
};
