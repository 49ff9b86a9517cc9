import { parseColor, toHex } from './color.js';
import { resolveScheme, type Scheme } from './resolve.js';
import type { Theme } from './tokens.js';
import { parseLength } from './validate.js';

/**
 * The subset of Stripe's Appearance API (`elements({ appearance })`) the kit sets: theme
 * variables plus a few rules, so the Payment Element inside Stripe's iframe matches the
 * widgets around it. Stripe cannot read our custom properties, so values are resolved here.
 */
export interface StripeAppearance {
  theme: 'stripe' | 'night';
  variables: Record<string, string>;
  rules: Record<string, Record<string, string>>;
}

/** Stripe accepts hex and rgb(); oklch() and hsl() are converted. */
const hex = (value: string) => {
  const color = parseColor(value);
  return color ? toHex(color) : value;
};

const px = (value: string, fallback: number) => `${parseLength(value) ?? fallback}px`;

/** The Appearance for a theme in one scheme (pick the scheme the page currently shows). */
export function stripeAppearance(theme: Theme, scheme: Scheme): StripeAppearance {
  const t = resolveScheme(theme, scheme);
  const scale = Number(t['font-scale']) || 1;
  const density = Number(t.density) || 1;
  const motion: Record<string, string> = t.motion === 'off' ? { transition: 'none' } : {};
  const border = hex(t['color-border']);
  const focus = hex(t['color-focus']);
  return {
    theme: scheme === 'dark' ? 'night' : 'stripe',
    variables: {
      colorPrimary: hex(t['color-brand']),
      colorBackground: hex(t['color-surface']),
      colorText: hex(t['color-text']),
      colorTextSecondary: hex(t['color-text-muted']),
      colorTextPlaceholder: hex(t['color-text-muted']),
      colorDanger: hex(t['color-danger']),
      colorSuccess: hex(t['color-success']),
      colorWarning: hex(t['color-warning']),
      fontFamily: t['font-body'],
      fontSizeBase: `${Math.round(16 * scale)}px`,
      spacingUnit: `${Math.round(4 * density)}px`,
      borderRadius: px(t.radius, 8),
      focusBoxShadow: `0 0 0 3px ${focus}`,
      focusOutline: 'none',
    },
    rules: {
      '.Input': { border: `1px solid ${border}`, boxShadow: 'none', ...motion },
      '.Input:focus': { borderColor: focus },
      '.Input--invalid': { borderColor: hex(t['color-danger']) },
      '.Tab': {
        border: `1px solid ${border}`,
        backgroundColor: hex(t['color-surface-raised']),
        ...motion,
      },
      '.Tab--selected': {
        borderColor: hex(t['color-brand']),
        backgroundColor: hex(t['color-brand-subtle']),
      },
      '.Label': { color: hex(t['color-text']), fontWeight: '600' },
      '.Error': { color: hex(t['color-danger']) },
    },
  };
}
