import {
  contrastRatio,
  fromOklch,
  mix,
  parseColor,
  toHex,
  toOklch,
  WHITE,
  type Rgba,
} from './color.js';
import { palette } from './primitives.js';
import type { Theme, ThemeTokens } from './tokens.js';

/**
 * Shades computed from one brand color. The weights here are the ones the widget styles use
 * in `color-mix(in oklab, …)` (widgets/internal/styles.ts), so what the editor shows and the
 * contrast it checks match what a page renders.
 */
export const shadeWeights = { hover: 0.85, active: 0.7, subtle: 0.12 } as const;

export interface BrandShades {
  hover: string;
  active: string;
  subtle: string;
}

/** Hover and active move the brand toward the text color; subtle tints the surface. */
export function brandShades(brand: string, text: string, surface: string): BrandShades | undefined {
  const [b, t, s] = [parseColor(brand), parseColor(text), parseColor(surface)];
  if (!b || !t || !s) return undefined;
  return {
    hover: toHex(mix(b, t, shadeWeights.hover)),
    active: toHex(mix(b, t, shadeWeights.active)),
    subtle: toHex(mix(b, s, shadeWeights.subtle)),
  };
}

const INK = parseColor(palette.ink)!;

/** White or near-black, whichever reads better on `background`. */
export function contrastColorFor(background: Rgba): string {
  return contrastRatio(WHITE, background) >= contrastRatio(INK, background)
    ? palette.white
    : palette.ink;
}

const DARK_SURFACE = parseColor(palette.slate[900])!;

/**
 * The brand color for a dark scheme: same hue, lifted until it reads on a dark surface at
 * 4.5:1, with chroma capped so it does not glare.
 */
export function darkBrand(brand: Rgba, surface: Rgba = DARK_SURFACE): Rgba {
  const lch = toOklch(brand);
  let l = Math.max(lch.l, 0.65);
  const c = Math.min(lch.c, 0.16);
  let color = fromOklch({ l, c, h: lch.h });
  while (contrastRatio(color, surface) < 4.5 && l < 0.97) {
    l += 0.02;
    color = fromOklch({ l, c, h: lch.h });
  }
  return color;
}

/**
 * A complete `auto` theme from one brand color: tinted neutrals in the brand's hue, a
 * contrast color for the brand, and a dark variant. The brand color itself is kept as given
 * (it is the customer's brand); the editor shows whether it reaches AA.
 */
export function themeFromBrand(brandInput: string): Theme | undefined {
  const brand = parseColor(brandInput);
  if (!brand) return undefined;
  const { h, c } = toOklch(brand);
  const tint = (l: number, chroma: number) => toHex(fromOklch({ l, c: Math.min(c, chroma), h }));
  const light: ThemeTokens = {
    'color-brand': toHex({ ...brand, a: 1 }),
    'color-brand-contrast': contrastColorFor(brand),
    'color-surface': palette.white,
    'color-surface-raised': tint(0.985, 0.008),
    'color-text': tint(0.22, 0.03),
    'color-text-muted': tint(0.46, 0.03),
    'color-border': tint(0.87, 0.02),
    'color-focus': tint(0.5, 0.2),
  };
  const dark = darkBrand({ ...brand, a: 1 }, fromOklch({ l: 0.2, c: Math.min(c, 0.02), h }));
  const darkTokens: ThemeTokens = {
    'color-brand': toHex(dark),
    'color-brand-contrast': contrastColorFor(dark),
    'color-surface': tint(0.2, 0.02),
    'color-surface-raised': tint(0.26, 0.025),
    'color-text': tint(0.96, 0.01),
    'color-text-muted': tint(0.8, 0.02),
    'color-border': tint(0.4, 0.03),
    'color-focus': tint(0.82, 0.12),
  };
  return { mode: 'auto', tokens: light, darkTokens };
}
