import { darkTokens, lightTokens } from './defaults.js';
import { fontStacks, palette, radii, shadows } from './primitives.js';
import type { Theme } from './tokens.js';

export interface Preset {
  label: string;
  description: string;
  theme: Theme;
}

/**
 * Starting points for a brand admin, and the theme a license gets until it publishes its own
 * (`light`). Every preset passes the AA contrast gates in every scheme it renders in.
 */
export const presetInfo = {
  light: {
    label: 'Light',
    description: 'The default: indigo on white, system fonts.',
    theme: { mode: 'light', tokens: { ...lightTokens } },
  },
  dark: {
    label: 'Dark',
    description: 'The default palette on a dark surface.',
    theme: { mode: 'dark', tokens: { ...lightTokens, ...darkTokens } },
  },
  'high-contrast': {
    label: 'High contrast',
    description:
      'Black and white with strong borders and focus, larger text, no motion; follows the system scheme.',
    theme: {
      mode: 'auto',
      tokens: {
        'color-brand': '#0000b3',
        'color-brand-contrast': palette.white,
        'color-surface': palette.white,
        'color-surface-raised': palette.white,
        'color-text': palette.black,
        'color-text-muted': '#1f1f1f',
        'color-border': palette.black,
        'color-focus': '#b34700',
        'color-success': '#0a5c0a',
        'color-warning': '#7a4100',
        'color-danger': '#a30000',
        'font-scale': '1.125',
        shadow: shadows.none,
        motion: 'off',
      },
      darkTokens: {
        'color-brand': '#ffe14d',
        'color-brand-contrast': palette.black,
        'color-surface': palette.black,
        'color-surface-raised': palette.black,
        'color-text': palette.white,
        'color-text-muted': '#e6e6e6',
        'color-border': palette.white,
        'color-focus': '#00e5ff',
        'color-success': '#7dff7d',
        'color-warning': '#ffd24d',
        'color-danger': '#ff8080',
        shadow: shadows.none,
      },
    },
  },
  evergreen: {
    label: 'Evergreen Academy',
    description:
      'A brand example: forest green on warm paper, serif headings, square corners, dense.',
    theme: {
      mode: 'light',
      tokens: {
        'color-brand': palette.forest[700],
        'color-brand-contrast': palette.sand[50],
        'color-surface': palette.sand[50],
        'color-surface-raised': palette.sand[100],
        'color-text': palette.sand[900],
        'color-text-muted': palette.sand[700],
        'color-border': palette.sand[300],
        'color-focus': palette.amber[700],
        'color-success': palette.forest[600],
        'font-body': fontStacks.humanist,
        'font-heading': fontStacks.serif,
        'font-scale': '1',
        radius: radii.none,
        density: '0.875',
        shadow: shadows.none,
      },
      brand: { name: 'Evergreen Academy' },
    },
  },
  sunset: {
    label: 'Sunset Studio',
    description:
      'A brand example: coral and plum, rounded type and corners, airy; follows the system scheme.',
    theme: {
      mode: 'auto',
      tokens: {
        'color-brand': palette.coral[700],
        'color-brand-contrast': palette.white,
        'color-surface': '#fffaf7',
        'color-surface-raised': palette.plum[50],
        'color-text': palette.plum[950],
        'color-text-muted': palette.plum[800],
        'color-border': palette.plum[200],
        'color-focus': palette.plum[700],
        'font-body': fontStacks.rounded,
        'font-heading': fontStacks.rounded,
        'font-scale': '1.0625',
        radius: radii.xl,
        density: '1.125',
        shadow: shadows.lifted,
      },
      darkTokens: {
        'color-brand': palette.coral[300],
        'color-brand-contrast': palette.plum[950],
        'color-surface': palette.plum[950],
        'color-surface-raised': palette.plum[900],
        'color-text': palette.plum[50],
        'color-text-muted': palette.plum[200],
        'color-border': palette.plum[800],
        'color-focus': '#f0abfc',
        shadow: shadows.dark,
      },
      brand: { name: 'Sunset Studio' },
    },
  },
} satisfies Record<string, Preset>;

export type PresetId = keyof typeof presetInfo;

/** The preset themes by id. */
export const presets = Object.fromEntries(
  Object.entries(presetInfo).map(([id, preset]) => [id, preset.theme]),
) as Record<PresetId, Theme>;

/** What a license delivers until it publishes a theme of its own. */
export const defaultTheme: Theme = presets.light;
