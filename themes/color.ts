/**
 * Color math for themes: a strict parser for the color syntaxes a theme may use (hex, rgb(),
 * hsl(), oklch()), WCAG 2 contrast, and mixing in OKLab the way CSS `color-mix(in oklab, …)`
 * does, so shades computed here match the ones widgets derive in CSS.
 */

/** sRGB channels 0–1 (gamma-encoded) and alpha 0–1. */
export interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

export interface Oklab {
  l: number;
  a: number;
  b: number;
  alpha: number;
}

const NUMBER = /^[+-]?(?:\d{1,4}(?:\.\d{1,8})?|\.\d{1,8})$/;

interface Component {
  value: number;
  unit: '' | '%' | 'deg';
}

function component(text: string): Component | undefined {
  const unit = text.endsWith('%') ? '%' : text.endsWith('deg') ? 'deg' : '';
  const number = text.slice(0, text.length - unit.length);
  if (!NUMBER.test(number)) return undefined;
  return { value: Number(number), unit };
}

/** Why a color did not parse, or the color. */
export type ColorParse = { ok: true; color: Rgba } | { ok: false; reason: string };

const HEX = /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;
const FUNCTION = /^(rgba?|hsla?|oklch)\(([^()]*)\)$/i;

function parseHex(value: string): Rgba {
  let hex = value.slice(1);
  if (hex.length <= 4) hex = [...hex].map((c) => c + c).join('');
  const channel = (i: number) => parseInt(hex.slice(i * 2, i * 2 + 2), 16) / 255;
  return { r: channel(0), g: channel(1), b: channel(2), a: hex.length === 8 ? channel(3) : 1 };
}

/** Splits `a b c / d` or the legacy `a, b, c, d` into components and an optional alpha. */
function splitArguments(
  inner: string,
  legacyAllowed: boolean,
): { parts: string[]; alpha?: string } | undefined {
  const text = inner.trim();
  if (text.includes(',')) {
    if (!legacyAllowed || text.includes('/')) return undefined;
    const parts = text.split(',').map((p) => p.trim());
    if (parts.length !== 3 && parts.length !== 4) return undefined;
    if (parts.some((p) => !p || /\s/.test(p))) return undefined;
    return parts.length === 4 ? { parts: parts.slice(0, 3), alpha: parts[3]! } : { parts };
  }
  const [main, alpha, extra] = text.split('/').map((p) => p.trim());
  if (extra !== undefined || main === undefined) return undefined;
  const parts = main.split(/\s+/);
  if (parts.length !== 3) return undefined;
  if (alpha === undefined) return { parts };
  if (!alpha || /\s/.test(alpha)) return undefined;
  return { parts, alpha };
}

function parseAlpha(text: string | undefined): number | string {
  if (text === undefined) return 1;
  const c = component(text);
  if (!c || c.unit === 'deg') return 'alpha must be a number from 0 to 1 or a percentage';
  const value = c.unit === '%' ? c.value / 100 : c.value;
  if (value < 0 || value > 1) return 'alpha must be between 0 and 1 (0% and 100%)';
  return value;
}

function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1));
  return [f(0), f(8), f(4)];
}

/** Parses one color in the strict grammar themes allow. */
export function parseColorDetailed(input: string): ColorParse {
  const value = input.trim();
  if (HEX.test(value)) return { ok: true, color: parseHex(value) };
  const match = FUNCTION.exec(value);
  if (!match) {
    return {
      ok: false,
      reason: 'must be a hex color (#rrggbb) or an rgb(), hsl() or oklch() color',
    };
  }
  const name = match[1]!.toLowerCase();
  const args = splitArguments(match[2]!, name !== 'oklch');
  if (!args) return { ok: false, reason: `${name}() takes three components and an optional alpha` };
  const parts = args.parts.map(component);
  if (parts.some((p) => !p)) return { ok: false, reason: `${name}() components must be numbers` };
  const [x, y, z] = parts as [Component, Component, Component];
  const alpha = parseAlpha(args.alpha);
  if (typeof alpha === 'string') return { ok: false, reason: alpha };

  if (name.startsWith('rgb')) {
    if ([x, y, z].some((c) => c.unit === 'deg')) {
      return { ok: false, reason: 'rgb() channels are numbers 0–255 or percentages' };
    }
    const channels = [x, y, z].map((c) => (c.unit === '%' ? c.value / 100 : c.value / 255));
    if (channels.some((c) => c < 0 || c > 1)) {
      return { ok: false, reason: 'rgb() channels must be 0–255 or 0%–100%' };
    }
    const [r, g, b] = channels as [number, number, number];
    return { ok: true, color: { r, g, b, a: alpha } };
  }
  if (name.startsWith('hsl')) {
    if (x.unit === '%' || y.unit !== '%' || z.unit !== '%') {
      return { ok: false, reason: 'hsl() takes a hue and two percentages' };
    }
    if (y.value < 0 || y.value > 100 || z.value < 0 || z.value > 100) {
      return { ok: false, reason: 'hsl() saturation and lightness must be 0%–100%' };
    }
    const hue = ((x.value % 360) + 360) % 360;
    const [r, g, b] = hslToRgb(hue, y.value / 100, z.value / 100);
    return { ok: true, color: { r, g, b, a: alpha } };
  }
  // oklch(L C H): L as 0–1 or a percentage, C as a number or a percentage of 0.4.
  if (x.unit === 'deg' || y.unit === 'deg' || z.unit === '%') {
    return { ok: false, reason: 'oklch() takes a lightness, a chroma and a hue' };
  }
  const l = x.unit === '%' ? x.value / 100 : x.value;
  const c = y.unit === '%' ? (y.value / 100) * 0.4 : y.value;
  if (l < 0 || l > 1) return { ok: false, reason: 'oklch() lightness must be 0–1 or 0%–100%' };
  if (c < 0 || c > 0.5) return { ok: false, reason: 'oklch() chroma must be between 0 and 0.5' };
  const h = (z.value * Math.PI) / 180;
  return {
    ok: true,
    color: oklabToRgb({ l, a: c * Math.cos(h), b: c * Math.sin(h), alpha }),
  };
}

export function parseColor(input: string): Rgba | undefined {
  const result = parseColorDetailed(input);
  return result.ok ? result.color : undefined;
}

const toLinear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const toGamma = (c: number) => (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055);
const clamp01 = (n: number) => Math.min(1, Math.max(0, n));

export function rgbToOklab({ r, g, b, a }: Rgba): Oklab {
  const [lr, lg, lb] = [toLinear(r), toLinear(g), toLinear(b)];
  const l = Math.cbrt(0.4122214708 * lr + 0.5363325363 * lg + 0.0514459929 * lb);
  const m = Math.cbrt(0.2119034982 * lr + 0.6806995451 * lg + 0.1073969566 * lb);
  const s = Math.cbrt(0.0883024619 * lr + 0.2817188376 * lg + 0.6299787005 * lb);
  return {
    l: 0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
    a: 1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
    b: 0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s,
    alpha: a,
  };
}

/** OKLab to sRGB, clipped to the sRGB gamut. */
export function oklabToRgb({ l, a, b, alpha }: Oklab): Rgba {
  const l_ = (l + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m_ = (l - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s_ = (l - 0.0894841775 * a - 1.291485548 * b) ** 3;
  const r = 4.0767416621 * l_ - 3.3077115913 * m_ + 0.2309699292 * s_;
  const g = -1.2684380046 * l_ + 2.6097574011 * m_ - 0.3413193965 * s_;
  const bl = -0.0041960863 * l_ - 0.7034186147 * m_ + 1.707614701 * s_;
  return {
    r: clamp01(toGamma(r)),
    g: clamp01(toGamma(g)),
    b: clamp01(toGamma(bl)),
    a: alpha,
  };
}

export interface Oklch {
  l: number;
  c: number;
  h: number;
}

export function toOklch(color: Rgba): Oklch {
  const { l, a, b } = rgbToOklab(color);
  const h = (Math.atan2(b, a) * 180) / Math.PI;
  return { l, c: Math.hypot(a, b), h: (h + 360) % 360 };
}

export function fromOklch({ l, c, h }: Oklch, alpha = 1): Rgba {
  const rad = (h * Math.PI) / 180;
  return oklabToRgb({ l, a: c * Math.cos(rad), b: c * Math.sin(rad), alpha });
}

/** Puts `top` over `bottom` (alpha compositing), giving an opaque color. */
export function composite(top: Rgba, bottom: Rgba): Rgba {
  const a = top.a;
  const under = bottom.a < 1 ? composite(bottom, WHITE) : bottom;
  return {
    r: top.r * a + under.r * (1 - a),
    g: top.g * a + under.g * (1 - a),
    b: top.b * a + under.b * (1 - a),
    a: 1,
  };
}

export const WHITE: Rgba = { r: 1, g: 1, b: 1, a: 1 };
export const BLACK: Rgba = { r: 0, g: 0, b: 0, a: 1 };

/** WCAG 2 relative luminance of an opaque color. */
export function luminance({ r, g, b }: Rgba): number {
  return 0.2126 * toLinear(r) + 0.7152 * toLinear(g) + 0.0722 * toLinear(b);
}

/**
 * WCAG 2 contrast ratio (1–21) of a foreground over a background. Translucent colors are
 * composited first: the background over white, the foreground over the background.
 */
export function contrastRatio(foreground: Rgba, background: Rgba): number {
  const bg = background.a < 1 ? composite(background, WHITE) : background;
  const fg = foreground.a < 1 ? composite(foreground, bg) : foreground;
  const [hi, lo] = [luminance(fg), luminance(bg)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Like `color-mix(in oklab, a weight, b)`: `weight` is a's share, 0–1. */
export function mix(a: Rgba, b: Rgba, weight: number): Rgba {
  const x = rgbToOklab(a);
  const y = rgbToOklab(b);
  const w = weight;
  return oklabToRgb({
    l: x.l * w + y.l * (1 - w),
    a: x.a * w + y.a * (1 - w),
    b: x.b * w + y.b * (1 - w),
    alpha: x.alpha * w + y.alpha * (1 - w),
  });
}

const hex2 = (n: number) =>
  Math.round(clamp01(n) * 255)
    .toString(16)
    .padStart(2, '0');

/** `#rrggbb`, or `#rrggbbaa` when translucent. */
export function toHex({ r, g, b, a }: Rgba): string {
  return `#${hex2(r)}${hex2(g)}${hex2(b)}${a < 1 ? hex2(a) : ''}`;
}
