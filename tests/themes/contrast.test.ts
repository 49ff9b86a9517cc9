import { describe, expect, it } from 'vitest';
import { contrastRatio, parseColor, toOklch } from '../../themes/color.js';
import { contrastFailures, contrastReport, describeCheck } from '../../themes/contrast.js';
import { brandShades, darkBrand, themeFromBrand } from '../../themes/derive.js';
import { presetInfo, presets } from '../../themes/presets.js';
import { deliveredTheme, resolveScheme } from '../../themes/resolve.js';
import { darkTokens, lightTokens, type Theme } from '../../themes/tokens.js';
import { validateTheme } from '../../themes/validate.js';

describe('contrast report', () => {
  it('passes every gate in every preset, in every scheme it renders in', () => {
    for (const [id, theme] of Object.entries(presets)) {
      expect(contrastFailures(theme).map(describeCheck), id).toEqual([]);
    }
  });

  it('checks both schemes of an auto theme, and names the field to fix', () => {
    const theme: Theme = {
      mode: 'auto',
      tokens: { 'color-text': '#999999' },
      darkTokens: { 'color-brand': '#ffff00', 'color-brand-contrast': '#ffffff' },
    };
    const failures = contrastFailures(theme);
    expect(failures.map((f) => [f.scheme, f.id, f.path])).toEqual([
      ['light', 'text-on-surface', 'tokens.color-text'],
      ['dark', 'brand-contrast-on-brand', 'darkTokens.color-brand-contrast'],
    ]);
    expect(failures[0]!.ratio).toBe(2.84);
    expect(describeCheck(failures[0]!)).toBe('text on surface (light) is 2.84:1, below 4.5:1');
  });

  it('rounds ratios down, so a displayed pass is a real pass', () => {
    // #767676 on white is 4.542…:1.
    const report = contrastReport({ mode: 'light', tokens: { 'color-text': '#767676' } });
    const check = report.find((c) => c.id === 'text-on-surface')!;
    expect(check.ratio).toBe(4.54);
    expect(check.passes).toBe(true);
  });

  it('reports informational pairs without gating on them', () => {
    const theme: Theme = { mode: 'light', tokens: { 'color-text-muted': '#bbbbbb' } };
    const muted = contrastReport(theme).find((c) => c.id === 'muted-on-surface')!;
    expect(muted.passes).toBe(false);
    expect(muted.gate).toBe(false);
    expect(contrastFailures(theme)).toEqual([]);
  });
});

describe('derived shades and dark variants', () => {
  it('derives hover and active toward the text color and subtle toward the surface', () => {
    const shades = brandShades('#4f46e5', '#0f172a', '#ffffff')!;
    const l = (hex: string) => toOklch(parseColor(hex)!).l;
    expect(l(shades.hover)).toBeLessThan(l('#4f46e5'));
    expect(l(shades.active)).toBeLessThan(l(shades.hover));
    expect(l(shades.subtle)).toBeGreaterThan(0.93);
    // On a dark theme the text is light, so hover lightens instead.
    const dark = brandShades('#818cf8', '#f1f5f9', '#0f172a')!;
    expect(l(dark.hover)).toBeGreaterThan(l('#818cf8'));
  });

  it('lifts a brand color for dark surfaces until it reads at 4.5:1, keeping its hue', () => {
    for (const brand of ['#1e3a8a', '#14532d', '#7f1d1d', '#000000', '#4f46e5']) {
      const color = parseColor(brand)!;
      const lifted = darkBrand(color);
      expect(contrastRatio(lifted, parseColor('#0f172a')!), brand).toBeGreaterThanOrEqual(4.5);
      if (toOklch(color).c > 0.05) {
        expect(Math.abs(toOklch(lifted).h - toOklch(color).h), brand).toBeLessThan(3);
      }
    }
  });

  it('builds a complete, valid, AA-passing auto theme from one brand color', () => {
    for (const brand of ['#4f46e5', '#0f766e', '#be123c', 'oklch(45% 0.15 150)', '#1d4ed8']) {
      const theme = themeFromBrand(brand)!;
      expect(validateTheme(theme).ok, brand).toBe(true);
      expect(theme.mode).toBe('auto');
      expect(contrastFailures(theme).map(describeCheck), brand).toEqual([]);
    }
    expect(themeFromBrand('not a color')).toBe(undefined);
  });
});

describe('resolving and delivering a theme', () => {
  it('fills every token, deriving unset shades from the brand', () => {
    const values = resolveScheme({ mode: 'light', tokens: { 'color-brand': '#0f766e' } }, 'light');
    expect(values['color-brand']).toBe('#0f766e');
    expect(values['color-surface']).toBe(lightTokens['color-surface']);
    expect(values['color-brand-hover']).toBe(
      brandShades('#0f766e', lightTokens['color-text'], '#ffffff')!.hover,
    );
  });

  it('uses dark defaults for a dark theme and carries fonts into the dark scheme of auto', () => {
    const dark = resolveScheme({ mode: 'dark', tokens: { radius: '0' } }, 'dark');
    expect(dark['color-surface']).toBe(darkTokens['color-surface']);
    expect(dark.radius).toBe('0');
    const auto = resolveScheme(
      { mode: 'auto', tokens: { 'font-body': 'Georgia, serif', 'color-surface': '#fafafa' } },
      'dark',
    );
    expect(auto['font-body']).toBe('Georgia, serif');
    expect(auto['color-surface']).toBe(darkTokens['color-surface']);
  });

  it('gives an auto theme that sets only a light brand a readable dark brand', () => {
    const theme: Theme = { mode: 'auto', tokens: { 'color-brand': '#1e3a8a' } };
    const dark = resolveScheme(theme, 'dark');
    expect(dark['color-brand']).not.toBe('#1e3a8a');
    expect(contrastFailures(theme)).toEqual([]);
  });

  it('delivers complete sets: one for light and dark, light plus changes for auto', () => {
    expect(deliveredTheme(presets.light)).toEqual({ mode: 'light', tokens: lightTokens });
    const delivered = deliveredTheme(presets.sunset);
    expect(delivered.tokens['color-brand']).toBe(presets.sunset.tokens['color-brand']);
    expect(delivered.darkTokens!['color-surface']).toBe(
      presets.sunset.darkTokens!['color-surface'],
    );
    expect(delivered.darkTokens!['font-body']).toBe(undefined);
    expect(delivered.brand).toEqual({ name: 'Sunset Studio' });
    expect(validateTheme(delivered).ok).toBe(true);
  });

  it('does not let a light-only explicit shade leak into the dark scheme', () => {
    const delivered = deliveredTheme({ mode: 'auto', tokens: { 'color-brand-hover': '#000000' } });
    expect(delivered.darkTokens!['color-brand-hover']).toMatch(/^#[0-9a-f]{6}$/);
    expect(delivered.darkTokens!['color-brand-hover']).not.toBe('#000000');
  });

  it('describes every preset for the editor', () => {
    expect(Object.keys(presetInfo)).toEqual([
      'light',
      'dark',
      'high-contrast',
      'evergreen',
      'sunset',
    ]);
  });
});
