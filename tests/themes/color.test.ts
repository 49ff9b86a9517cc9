import { describe, expect, it } from 'vitest';
import {
  contrastRatio,
  mix,
  parseColor,
  parseColorDetailed,
  toHex,
  toOklch,
  WHITE,
  BLACK,
} from '../../themes/color.js';

const hex = (value: string) => {
  const color = parseColor(value);
  if (!color) throw new Error(`did not parse: ${value}`);
  return toHex(color);
};

describe('parseColor', () => {
  it('reads hex in all four lengths', () => {
    expect(hex('#abc')).toBe('#aabbcc');
    expect(hex('#ABCD')).toBe('#aabbccdd');
    expect(hex('#4f46e5')).toBe('#4f46e5');
    expect(hex('#4f46e580')).toBe('#4f46e580');
  });

  it('reads rgb() in modern and legacy syntax, with numbers or percentages', () => {
    expect(hex('rgb(79 70 229)')).toBe('#4f46e5');
    expect(hex('rgb(79, 70, 229)')).toBe('#4f46e5');
    expect(hex('rgba(79, 70, 229, 0.5)')).toBe('#4f46e580');
    expect(hex('rgb(100% 0% 0% / 50%)')).toBe('#ff000080');
  });

  it('reads hsl()', () => {
    expect(hex('hsl(0 100% 50%)')).toBe('#ff0000');
    expect(hex('hsl(120deg, 100%, 25%)')).toBe('#008000');
    expect(hex('hsl(240 100% 50% / 0.25)')).toBe('#0000ff40');
  });

  it('reads oklch() and lands on the sRGB color CSS would show', () => {
    // Reference values from the CSS Color 4 conversion.
    expect(hex('oklch(62.8% 0.2577 29.23)')).toBe('#ff0000');
    expect(hex('oklch(1 0 0)')).toBe('#ffffff');
    expect(hex('oklch(0 0 0)')).toBe('#000000');
    expect(hex('oklch(0.5106 0.2301 276.97)')).toBe('#4f46e5');
  });

  it('refuses anything else, saying why', () => {
    for (const value of [
      'red',
      'transparent',
      '#ggg',
      '#12345',
      'rgb(1 2)',
      'rgb(1, 2 3)',
      'rgb(300 0 0)',
      'rgb(0 0 0 / 2)',
      'hsl(0 50 50)',
      'oklch(120% 0.1 20)',
      'oklch(50%, 0.1, 20)',
      'rgb(calc(1) 0 0)',
      'rgb(1e3 0 0)',
      'color(display-p3 1 0 0)',
    ]) {
      const result = parseColorDetailed(value);
      expect(result.ok, value).toBe(false);
      if (!result.ok) expect(result.reason.length).toBeGreaterThan(10);
    }
  });
});

describe('contrastRatio', () => {
  it('matches the WCAG 2 reference values', () => {
    expect(contrastRatio(BLACK, WHITE)).toBeCloseTo(21, 5);
    expect(contrastRatio(WHITE, WHITE)).toBeCloseTo(1, 5);
    // #767676 on white is the classic "just passes AA" grey.
    expect(contrastRatio(parseColor('#767676')!, WHITE)).toBeCloseTo(4.54, 2);
    expect(contrastRatio(parseColor('#777777')!, WHITE)).toBeLessThan(4.5);
  });

  it('is symmetric', () => {
    const a = parseColor('#4f46e5')!;
    expect(contrastRatio(a, WHITE)).toBeCloseTo(contrastRatio(WHITE, a), 10);
  });

  it('composites a translucent foreground over its background', () => {
    const halfBlack = parseColor('rgb(0 0 0 / 0.5)')!;
    // Browsers composite in gamma-encoded sRGB: half black over white shows as #808080.
    const grey = parseColor('#808080')!;
    expect(contrastRatio(halfBlack, WHITE)).toBeCloseTo(contrastRatio(grey, WHITE), 1);
  });
});

describe('mix', () => {
  it('interpolates in OKLab like color-mix(in oklab, …)', () => {
    expect(toHex(mix(WHITE, BLACK, 1))).toBe('#ffffff');
    expect(toHex(mix(WHITE, BLACK, 0))).toBe('#000000');
    // color-mix(in oklab, white 50%, black) renders as #636363 in browsers.
    expect(toHex(mix(WHITE, BLACK, 0.5))).toBe('#636363');
  });

  it('keeps the hue of a brand color when darkening toward black', () => {
    const brand = parseColor('#4f46e5')!;
    const darker = mix(brand, BLACK, 0.85);
    expect(Math.abs(toOklch(darker).h - toOklch(brand).h)).toBeLessThan(1);
    expect(toOklch(darker).l).toBeLessThan(toOklch(brand).l);
  });
});
