import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { semanticTokens, tokenKinds, widgetKnobs } from '../../themes/tokens.js';
import { presets } from '../../themes/presets.js';
import { validateTheme, valueError, logoUrlError } from '../../themes/validate.js';
import { hostileLogoUrls, hostileValues } from './hostile-values.js';

const errorsOf = (input: unknown) => {
  const result = validateTheme(input);
  return result.ok ? [] : result.errors;
};

describe('validateTheme: hostile values', () => {
  for (const token of semanticTokens) {
    it(`refuses every hostile value for tokens.${token}, naming the field`, () => {
      for (const value of hostileValues) {
        const errors = errorsOf({ mode: 'light', tokens: { [token]: value } });
        expect(errors, JSON.stringify(value)).toHaveLength(1);
        expect(errors[0]!.path).toBe(`tokens.${token}`);
      }
    });
  }

  it('refuses every hostile value in darkTokens and widget knobs', () => {
    for (const value of hostileValues) {
      expect(
        errorsOf({ mode: 'auto', tokens: {}, darkTokens: { 'color-surface': value } }),
      ).toEqual([{ path: 'darkTokens.color-surface', message: expect.any(String) }]);
      for (const knob of Object.keys(widgetKnobs)) {
        expect(errorsOf({ mode: 'light', tokens: {}, knobs: { [knob]: value } })[0]!.path).toBe(
          `knobs.${knob}`,
        );
      }
    }
  });

  it('refuses every hostile logo URL', () => {
    for (const url of [...hostileLogoUrls, ...hostileValues]) {
      const errors = errorsOf({ mode: 'light', tokens: {}, brand: { logoUrl: url } });
      expect(errors, url).toHaveLength(1);
      expect(errors[0]!.path).toBe('brand.logoUrl');
    }
  });

  it('says which forbidden construct it found', () => {
    expect(valueError('color', 'url(https://evil.test)')).toBe('must not contain url(');
    expect(valueError('color', '@import "x"')).toMatch(/@import/);
    expect(valueError('font', 'Arial; }')).toBe('must not contain ;');
    expect(valueError('color', '#fff\\3b')).toBe('must not contain backslash escapes');
    expect(valueError('color', 'x'.repeat(65))).toMatch(/longer than 64/);
  });

  it('refuses non-string values', () => {
    for (const value of [1, true, null, {}, [], ['#fff']]) {
      expect(errorsOf({ mode: 'light', tokens: { 'color-brand': value } })).toEqual([
        { path: 'tokens.color-brand', message: 'must be a string' },
      ]);
    }
  });

  it('never accepts a value containing a forbidden character, whatever surrounds it', () => {
    const forbidden = fc.constantFrom(';', '{', '}', '\\', '@', '<', '!', 'url(', '/*', '\n');
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }),
        forbidden,
        fc.string({ maxLength: 20 }),
        (a, bad, b) => {
          for (const kind of new Set(Object.values(tokenKinds))) {
            expect(valueError(kind, `${a}${bad}${b}`)).toBeTypeOf('string');
          }
        },
      ),
    );
  });
});

describe('validateTheme: accepted values', () => {
  it('accepts every preset', () => {
    for (const [id, theme] of Object.entries(presets)) {
      const result = validateTheme(theme);
      expect(result.ok, `${id}: ${JSON.stringify(result.ok ? [] : result.errors)}`).toBe(true);
    }
  });

  it('accepts the color syntaxes, lengths, fonts and shadows the docs list', () => {
    const ok = [
      ['color', '#4f46e5'],
      ['color', 'rgb(79 70 229 / 0.9)'],
      ['color', 'hsl(243 75% 59%)'],
      ['color', 'oklch(51% 0.23 277)'],
      ['font', '"Source Sans 3", system-ui, -apple-system, sans-serif'],
      ['font', "'Iowan Old Style', Georgia, serif"],
      ['scale', '1.125'],
      ['radius', '0'],
      ['radius', '12px'],
      ['radius', '0.75rem'],
      ['length', '18rem'],
      ['shadow', 'none'],
      ['shadow', '0 1px 2px rgb(15 23 42 / 0.08), 0 4px 12px rgb(15 23 42 / 0.06)'],
      ['shadow', 'inset 0 0 0 1px #000'],
      ['motion', 'off'],
    ] as const;
    for (const [kind, value] of ok)
      expect(valueError(kind, value), `${kind} ${value}`).toBe(undefined);
  });

  it('refuses values of the wrong kind or out of range', () => {
    const bad = [
      ['scale', '3'],
      ['scale', '0.5'],
      ['radius', '100px'],
      ['radius', '-1px'],
      ['radius', '5'],
      ['radius', '10vw'],
      ['font', 'inherit'],
      ['font', 'Arial,,serif'],
      ['font', '"Ünïcode"'],
      ['font', Array.from({ length: 9 }, (_, i) => `F${i}`).join(',')],
      ['shadow', '0 0 0 0 0 #000'],
      ['shadow', '0 0 #000, 0 0 #000, 0 0 #000, 0 0 #000'],
      ['shadow', '0 0 -4px #000'],
      ['shadow', '0 0 100px #000'],
      ['motion', 'maybe'],
    ] as const;
    for (const [kind, value] of bad)
      expect(valueError(kind, value), `${kind} ${value}`).toBeTypeOf('string');
  });

  it('returns trimmed copies of the accepted values only', () => {
    const result = validateTheme({ mode: 'auto', tokens: { 'color-brand': '  #123456 ' } });
    expect(result).toEqual({
      ok: true,
      theme: { mode: 'auto', tokens: { 'color-brand': '#123456' } },
    });
  });

  it('accepts a plain https logo URL, including @ in a path', () => {
    expect(logoUrlError('https://cdn.example.com/brand/logo@2x.png?v=3')).toBe(undefined);
  });
});

describe('validateTheme: structure', () => {
  it('lists every offending field at once', () => {
    const errors = errorsOf({
      mode: 'sepia',
      tokens: { 'color-brand': 'url(x)', 'color-nope': '#fff' },
      darkTokens: { 'font-body': 'Arial' },
      brand: { name: 'x'.repeat(81), logo: 'https://x.test/a.png' },
      extra: true,
    });
    expect(errors.map((e) => e.path).sort()).toEqual(
      [
        'brand.logo',
        'brand.name',
        'darkTokens.font-body',
        'extra',
        'mode',
        'tokens.color-brand',
        'tokens.color-nope',
      ].sort(),
    );
  });

  it('refuses a theme that is not an object', () => {
    for (const input of [null, 'theme', [], 3]) expect(errorsOf(input)[0]!.path).toBe('');
  });

  it('treats brand names and messages as text: punctuation is fine, control characters are not', () => {
    expect(
      errorsOf({ mode: 'light', tokens: {}, brand: { name: 'Smith & Sons; <Academy>' } }),
    ).toEqual([]);
    expect(errorsOf({ mode: 'light', tokens: {}, brand: { name: 'a\u0000b' } })[0]!.path).toBe(
      'brand.name',
    );
  });

  it('checks message overrides against the catalog: keys, placeholders, locales, length', () => {
    const catalog = { 'pricing.choose': 'Choose {plan}', 'pricing.title': 'Choose your plan' };
    const check = (messages: unknown) => {
      const result = validateTheme({ mode: 'light', tokens: {}, messages }, { catalog });
      return result.ok ? [] : result.errors.map((e) => e.path);
    };
    expect(check({ en: { 'pricing.choose': 'Get {plan}; it is great' } })).toEqual([]);
    expect(check({ en: { 'pricing.nope': 'x' } })).toEqual(['messages.en.pricing.nope']);
    expect(check({ en: { 'pricing.choose': 'Get {tier}' } })).toEqual([
      'messages.en.pricing.choose',
    ]);
    expect(check({ 'not a locale': { 'pricing.title': 'x' } })).toEqual(['messages.not a locale']);
    expect(check({ fr: { 'pricing.title': 'x'.repeat(501) } })).toEqual([
      'messages.fr.pricing.title',
    ]);
    expect(check({ fr: { 'pricing.title': 3 } })).toEqual(['messages.fr.pricing.title']);
  });
});
