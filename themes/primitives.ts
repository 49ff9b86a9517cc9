/**
 * Tier 1: primitives. Raw palette steps, font stacks, radii and shadows that the semantic
 * defaults and the presets are built from. Widgets never read these: they are not emitted as
 * custom properties, so renaming or retuning one cannot break a host page.
 */
export const palette = {
  slate: {
    50: '#f8fafc',
    100: '#f1f5f9',
    200: '#e2e8f0',
    300: '#cbd5e1',
    400: '#94a3b8',
    500: '#64748b',
    600: '#475569',
    700: '#334155',
    800: '#1e293b',
    900: '#0f172a',
    950: '#020617',
  },
  indigo: {
    300: '#a5b4fc',
    400: '#818cf8',
    500: '#6366f1',
    600: '#4f46e5',
    700: '#4338ca',
    800: '#3730a3',
  },
  blue: { 300: '#93c5fd', 600: '#2563eb', 700: '#1d4ed8' },
  green: { 400: '#4ade80', 700: '#15803d' },
  amber: { 400: '#fbbf24', 700: '#b45309' },
  red: { 400: '#f87171', 700: '#b91c1c' },
  forest: {
    50: '#f3f7f2',
    100: '#e3ece0',
    300: '#a8c3a0',
    600: '#3d6b35',
    700: '#2f5a2a',
    800: '#1f3d1c',
    900: '#142812',
  },
  sand: { 50: '#fbf8f1', 100: '#f4eedf', 300: '#d9ccb0', 700: '#5c5340', 900: '#2b2619' },
  coral: { 300: '#ffb4a2', 500: '#f26b4f', 600: '#d9480f', 700: '#b83a0b' },
  plum: {
    50: '#fdf4ff',
    100: '#f7e6fb',
    200: '#ecc8f5',
    700: '#7a2a8c',
    800: '#5b1f69',
    900: '#3b1245',
    950: '#220a29',
  },
  white: '#ffffff',
  black: '#000000',
  ink: '#0b1020',
} as const;

export const fontStacks = {
  system: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  serif: 'Georgia, "Iowan Old Style", "Palatino Linotype", Palatino, serif',
  humanist: '"Gill Sans", "Gill Sans MT", Calibri, "Trebuchet MS", sans-serif',
  rounded: 'ui-rounded, "SF Pro Rounded", "Nunito", "Segoe UI", system-ui, sans-serif',
  mono: 'ui-monospace, "SF Mono", Menlo, Consolas, monospace',
} as const;

export const radii = { none: '0', s: '0.25rem', m: '0.5rem', l: '1rem', xl: '1.5rem' } as const;

export const shadows = {
  none: 'none',
  soft: '0 1px 2px rgb(15 23 42 / 0.08), 0 4px 12px rgb(15 23 42 / 0.06)',
  lifted: '0 2px 4px rgb(15 23 42 / 0.1), 0 12px 28px rgb(15 23 42 / 0.12)',
  dark: '0 1px 2px rgb(0 0 0 / 0.4), 0 4px 12px rgb(0 0 0 / 0.3)',
  crisp: '0 0 0 1px rgb(0 0 0 / 0.9)',
} as const;
