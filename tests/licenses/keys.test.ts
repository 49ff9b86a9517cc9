import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateId } from '../../server/lib/ids.js';
import {
  generateKey,
  keyWithBody,
  parseKey,
  type KeyKind,
  type KeyMode,
} from '../../server/modules/licenses/keys.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const kinds: KeyKind[] = ['pk', 'sk'];
const modes: KeyMode[] = ['test', 'live'];

const kindArb = fc.constantFrom(...kinds);
const modeArb = fc.constantFrom(...modes);
const bodyArb = fc.string({ unit: fc.constantFrom(...ALPHABET), minLength: 24, maxLength: 24 });
const keyArb = fc
  .tuple(kindArb, modeArb, bodyArb)
  .map(([kind, mode, body]) => keyWithBody(kind, mode, body));

describe('generateKey / parseKey', () => {
  it.each(kinds.flatMap((kind) => modes.map((mode) => [kind, mode] as const)))(
    'round-trips a %s %s key',
    (kind, mode) => {
      const key = generateKey(kind, mode);
      expect(key).toMatch(new RegExp(`^${kind}_${mode}_[0-9A-Za-z]{30}$`));
      expect(parseKey(key)).toEqual({ ok: true, kind, mode });
    },
  );

  it('never repeats a key', () => {
    const keys = new Set(Array.from({ length: 2000 }, () => generateKey('pk', 'live')));
    expect(keys.size).toBe(2000);
  });

  it('tells publishable from secret keys by their prefix', () => {
    expect(parseKey(generateKey('pk', 'test'))).toMatchObject({ ok: true, kind: 'pk' });
    expect(parseKey(generateKey('sk', 'test'))).toMatchObject({ ok: true, kind: 'sk' });
  });

  it('round-trips any body', () => {
    fc.assert(
      fc.property(kindArb, modeArb, bodyArb, (kind, mode, body) => {
        expect(parseKey(keyWithBody(kind, mode, body))).toEqual({ ok: true, kind, mode });
      }),
    );
  });

  it('catches every single-character typo in the body and checksum', () => {
    fc.assert(
      fc.property(
        keyArb,
        fc.integer({ min: 8, max: 37 }),
        fc.constantFrom(...ALPHABET),
        (key, index, replacement) => {
          fc.pre(key[index] !== replacement);
          const typo = key.slice(0, index) + replacement + key.slice(index + 1);
          expect(parseKey(typo)).toEqual({ ok: false, reason: 'checksum' });
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses any single-character change in the prefix', () => {
    fc.assert(
      fc.property(
        keyArb,
        fc.integer({ min: 0, max: 7 }),
        fc.constantFrom(...ALPHABET, '_', '-'),
        (key, index, replacement) => {
          fc.pre(key[index] !== replacement);
          const typo = key.slice(0, index) + replacement + key.slice(index + 1);
          expect(parseKey(typo).ok).toBe(false);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('catches a swapped pair of neighbouring characters', () => {
    fc.assert(
      fc.property(keyArb, fc.integer({ min: 8, max: 36 }), (key, index) => {
        fc.pre(index + 1 < key.length && key[index] !== key[index + 1]);
        const swapped = key.slice(0, index) + key[index + 1] + key[index] + key.slice(index + 2);
        expect(parseKey(swapped)).toEqual({ ok: false, reason: 'checksum' });
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses a key whose kind or mode was edited, since the checksum covers the prefix', () => {
    const pk = keyWithBody('pk', 'test', 'AAAAAAAAAAAAAAAAAAAAAAAA');
    expect(parseKey(`sk${pk.slice(2)}`)).toEqual({ ok: false, reason: 'checksum' });
    const live = keyWithBody('pk', 'live', 'AAAAAAAAAAAAAAAAAAAAAAAA');
    expect(parseKey(live.replace('pk_live_', 'pk_test_'))).toEqual({
      ok: false,
      reason: 'checksum',
    });
  });

  it('refuses truncated and extended keys as malformed', () => {
    fc.assert(
      fc.property(keyArb, fc.integer({ min: 1, max: 30 }), (key, cut) => {
        expect(parseKey(key.slice(0, key.length - cut))).toEqual({ ok: false, reason: 'format' });
        expect(parseKey(key + 'A')).toEqual({ ok: false, reason: 'format' });
      }),
    );
  });

  it.each([
    '',
    'pk_test_',
    'pk-test-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    'PK_TEST_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    'rk_test_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    'pk_prod_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    'pk_test_AAAAAAAAAAAAAAAAAAAAAAAAAAAAA!',
    ' pk_test_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    'pk_test_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n',
  ])('refuses %j as malformed', (key) => {
    expect(parseKey(key)).toEqual({ ok: false, reason: 'format' });
  });

  it('refuses fixture bodies that are not 24 letters and digits', () => {
    expect(() => keyWithBody('pk', 'test', 'short')).toThrow(/24 letters and digits/);
    expect(() => keyWithBody('pk', 'test', 'AAAAAAAAAAAAAAAAAAAAAAA_')).toThrow();
  });
});

describe('generateId', () => {
  it('prefixes 20 random base62 characters', () => {
    const ids = Array.from({ length: 500 }, () => generateId('lic'));
    for (const id of ids) expect(id).toMatch(/^lic_[0-9A-Za-z]{20}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
