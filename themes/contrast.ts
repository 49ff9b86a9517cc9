import { contrastRatio, parseColor } from './color.js';
import { resolveScheme, type Scheme } from './resolve.js';
import { schemesOf, type SemanticToken, type Theme } from './tokens.js';

/** WCAG 2.2 AA for normal text. */
export const AA_TEXT = 4.5;
/** WCAG 2.2 AA for focus indicators and other non-text contrast. */
export const AA_NON_TEXT = 3;

interface Pair {
  id: string;
  foreground: SemanticToken;
  background: SemanticToken;
  required: number;
  /** Publishing a theme that fails a gating pair needs an explicit override. */
  gate: boolean;
}

export const contrastPairs: readonly Pair[] = [
  {
    id: 'text-on-surface',
    foreground: 'color-text',
    background: 'color-surface',
    required: AA_TEXT,
    gate: true,
  },
  {
    id: 'brand-contrast-on-brand',
    foreground: 'color-brand-contrast',
    background: 'color-brand',
    required: AA_TEXT,
    gate: true,
  },
  {
    id: 'muted-on-surface',
    foreground: 'color-text-muted',
    background: 'color-surface',
    required: AA_TEXT,
    gate: false,
  },
  {
    id: 'text-on-raised',
    foreground: 'color-text',
    background: 'color-surface-raised',
    required: AA_TEXT,
    gate: false,
  },
  {
    id: 'brand-contrast-on-hover',
    foreground: 'color-brand-contrast',
    background: 'color-brand-hover',
    required: AA_TEXT,
    gate: false,
  },
  {
    id: 'focus-on-surface',
    foreground: 'color-focus',
    background: 'color-surface',
    required: AA_NON_TEXT,
    gate: false,
  },
];

export interface ContrastCheck {
  id: string;
  scheme: Scheme;
  foreground: SemanticToken;
  background: SemanticToken;
  /** Rounded down to two decimals, so a displayed 4.50 really is at least 4.5. */
  ratio: number;
  required: number;
  passes: boolean;
  gate: boolean;
  /** The field to change to fix it: `tokens.color-text` or `darkTokens.color-text`. */
  path: string;
}

/** Every contrast pair in every scheme the theme renders in. */
export function contrastReport(theme: Theme): ContrastCheck[] {
  const checks: ContrastCheck[] = [];
  for (const scheme of schemesOf(theme)) {
    const values = resolveScheme(theme, scheme);
    const group = scheme === 'dark' && theme.mode === 'auto' ? 'darkTokens' : 'tokens';
    for (const pair of contrastPairs) {
      const fg = parseColor(values[pair.foreground]);
      const bg = parseColor(values[pair.background]);
      if (!fg || !bg) continue;
      const ratio = Math.floor(contrastRatio(fg, bg) * 100) / 100;
      checks.push({
        id: pair.id,
        scheme,
        foreground: pair.foreground,
        background: pair.background,
        ratio,
        required: pair.required,
        passes: ratio >= pair.required,
        gate: pair.gate,
        path: `${group}.${pair.foreground}`,
      });
    }
  }
  return checks;
}

/** The gating checks a theme fails: non-empty means publishing needs an override. */
export function contrastFailures(theme: Theme): ContrastCheck[] {
  return contrastReport(theme).filter((check) => check.gate && !check.passes);
}

export function describeCheck(check: ContrastCheck): string {
  const [fg, bg] = [check.foreground, check.background].map((t) => t.replace(/^color-/, ''));
  return `${fg} on ${bg} (${check.scheme}) is ${check.ratio.toFixed(2)}:1, below ${check.required}:1`;
}
