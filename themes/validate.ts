import { parseColorDetailed } from './color.js';
import {
  schemeTokens,
  tokenKinds,
  widgetKnobs,
  type SemanticToken,
  type Theme,
  type ThemeKnobs,
  type ThemeTokens,
  type WidgetKnob,
} from './tokens.js';

/**
 * The one validator for themes, run by the server at the edge and by the theme editor before
 * it sends anything. Every value that ends up in CSS must match a strict grammar for its kind;
 * there is no "raw CSS" escape hatch. Text (brand name, message overrides) is only ever
 * rendered as text, so it is limited in length and control characters, not in punctuation.
 */

export interface FieldError {
  /** Dotted path of the offending value inside the theme, e.g. `tokens.color-brand`. */
  path: string;
  message: string;
}

export type ThemeValidation = { ok: true; theme: Theme } | { ok: false; errors: FieldError[] };

export type ValueKind = (typeof tokenKinds)[SemanticToken] | (typeof widgetKnobs)[WidgetKnob];

export const limits = {
  color: 64,
  font: 200,
  shadow: 200,
  short: 32,
  url: 500,
  brandName: 80,
  message: 500,
  locales: 20,
  messagesPerLocale: 300,
  fontFamilies: 8,
  shadows: 3,
} as const;

const maxLength: Record<ValueKind, number> = {
  color: limits.color,
  font: limits.font,
  shadow: limits.shadow,
  scale: limits.short,
  radius: limits.short,
  length: limits.short,
  motion: limits.short,
};

/**
 * Substrings that could end a declaration, open a block or a comment, fetch a resource,
 * run script in old engines, or hide any of those behind an escape. They are refused with a
 * message that says which one was found before the grammar is even consulted.
 */
const FORBIDDEN: [RegExp, string][] = [
  [/url\s*\(/i, 'url('],
  [/expression\s*\(/i, 'expression('],
  [/@/, '@ (at-rules such as @import)'],
  [/;/, ';'],
  [/[{}]/, 'braces'],
  [/\\/, 'backslash escapes'],
  [/\/\*|\*\//, 'comments'],
  [/[<>]/, 'angle brackets'],
  [/!/, '!important'],
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  [/[\u0000-\u001f\u007f]/, 'control characters'],
];

const AT_RULE = FORBIDDEN[2]![1];

/** The first forbidden construct in `value`, described, or undefined. */
export function forbiddenIn(
  value: string,
  options: { allowAt?: boolean } = {},
): string | undefined {
  for (const [pattern, label] of FORBIDDEN) {
    if (options.allowAt && label === AT_RULE) continue;
    if (pattern.test(value)) return label;
  }
  return undefined;
}

const CSS_WIDE = new Set(['inherit', 'initial', 'unset', 'revert', 'revert-layer', 'default']);
const IDENT = /^-?[a-z][a-z0-9-]*$/i;
const QUOTED = /^(["'])[a-z0-9][a-z0-9 _-]{0,63}\1$/i;

function fontError(value: string): string | undefined {
  const families = value.split(',').map((f) => f.trim());
  if (families.length > limits.fontFamilies) {
    return `lists at most ${limits.fontFamilies} font families`;
  }
  for (const family of families) {
    if (!family) return 'has an empty font family between commas';
    if (family.startsWith('"') || family.startsWith("'")) {
      if (!QUOTED.test(family)) {
        return `has a quoted family that is not a plain name: ${family.slice(0, 40)}`;
      }
      continue;
    }
    const words = family.split(/\s+/);
    if (!words.every((w) => IDENT.test(w))) {
      return `has a family that is neither a plain name nor quoted: ${family.slice(0, 40)}`;
    }
    if (words.length === 1 && CSS_WIDE.has(words[0]!.toLowerCase())) {
      return `cannot use the keyword ${words[0]} as a font family`;
    }
  }
  return undefined;
}

const LENGTH = /^(-?(?:\d{1,4}(?:\.\d{1,4})?|\.\d{1,4}))(px|rem|em)?$/;

/** A length in px (rem and em count as 16px), or undefined when it is not one. */
export function parseLength(value: string): number | undefined {
  const match = LENGTH.exec(value.trim());
  if (!match) return undefined;
  const number = Number(match[1]);
  const unit = match[2];
  if (!unit) return number === 0 ? 0 : undefined;
  return unit === 'px' ? number : number * 16;
}

function lengthError(value: string, maxPx: number, label: string): string | undefined {
  const px = parseLength(value);
  if (px === undefined) return `must be a length such as 8px, 0.5rem or 0 (${label})`;
  if (px < 0 || px > maxPx) return `must be between 0 and ${maxPx}px (${maxPx / 16}rem)`;
  return undefined;
}

/** Splits on a separator outside parentheses. */
function splitTopLevel(value: string, separator: RegExp): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of value) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth === 0 && separator.test(ch)) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

function shadowError(value: string): string | undefined {
  if (value.trim() === 'none') return undefined;
  const layers = splitTopLevel(value, /,/).map((s) => s.trim());
  if (layers.length > limits.shadows) return `has at most ${limits.shadows} shadows`;
  for (const layer of layers) {
    const words = splitTopLevel(layer, /\s/).filter(Boolean);
    if (words[0] === 'inset') words.shift();
    const color = words.pop();
    if (!color || !parseColorDetailed(color).ok) {
      return 'each shadow is [inset] x y [blur [spread]] followed by a color';
    }
    if (words.length < 2 || words.length > 4) {
      return 'each shadow has two to four lengths before its color';
    }
    for (const [index, word] of words.entries()) {
      const px = parseLength(word);
      if (px === undefined) return `has ${word.slice(0, 20)} where a length belongs`;
      if (Math.abs(px) > 64) return 'shadow offsets, blur and spread stay within 64px';
      if (index === 2 && px < 0) return 'a shadow blur cannot be negative';
    }
  }
  return undefined;
}

function scaleError(value: string): string | undefined {
  if (!/^\d(?:\.\d{1,4})?$/.test(value)) return 'must be a number such as 1 or 1.125';
  const n = Number(value);
  if (n < 0.75 || n > 1.5) return 'must be between 0.75 and 1.5';
  return undefined;
}

/** Why a value is not acceptable for a token of `kind`, or undefined when it is. */
export function valueError(kind: ValueKind, value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length > maxLength[kind]) return `is longer than ${maxLength[kind]} characters`;
  if (!value.trim()) return 'must not be empty';
  const forbidden = forbiddenIn(value);
  if (forbidden) return `must not contain ${forbidden}`;
  switch (kind) {
    case 'color': {
      const parsed = parseColorDetailed(value);
      return parsed.ok ? undefined : parsed.reason;
    }
    case 'font':
      return fontError(value);
    case 'scale':
      return scaleError(value);
    case 'radius':
      return lengthError(value, 48, 'up to 48px');
    case 'length':
      return lengthError(value, 640, 'up to 40rem');
    case 'shadow':
      return shadowError(value);
    case 'motion':
      return value === 'on' || value === 'off' ? undefined : 'must be on or off';
  }
}

const HTTPS_URL =
  /^https:\/\/[a-z0-9.-]+(?::\d{1,5})?(?:\/[a-z0-9._~!$&*+,=:@%/-]*)?(?:\?[a-z0-9._~!$&*+,=:@%/?-]*)?$/i;

export function logoUrlError(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length > limits.url) return `is longer than ${limits.url} characters`;
  if (!/^https:\/\//i.test(value)) return 'must be an https:// URL';
  // An @ in a path (logo@2x.png) is ordinary; credentials are refused below.
  const forbidden = forbiddenIn(value, { allowAt: true });
  if (forbidden) return `must not contain ${forbidden}`;
  if (!HTTPS_URL.test(value)) {
    return 'must be a plain https URL (letters, digits and URL punctuation; no quotes or parentheses)';
  }
  try {
    const url = new URL(value);
    if (url.username || url.password) return 'must not carry a user name or password';
  } catch {
    return 'is not a valid URL';
  }
  return undefined;
}

// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]/;

function textError(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length > max) return `is longer than ${max} characters`;
  if (CONTROL.test(value)) return 'must not contain control characters or line breaks';
  return undefined;
}

const LOCALE = /^[a-z]{2,3}(?:-[a-z0-9]{2,8}){0,3}$/i;
const MESSAGE_KEY = /^[a-z][a-z0-9]*(?:[.-][a-z0-9]+){0,6}$/;
const PLACEHOLDER = /\{(\w+)\}/g;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export interface ValidateOptions {
  /**
   * The English catalog. When given, message overrides must use its keys and only the
   * placeholders its text uses.
   */
  catalog?: Readonly<Record<string, string>>;
}

function validateTokens(
  value: unknown,
  path: string,
  allowed: readonly SemanticToken[],
  errors: FieldError[],
): ThemeTokens {
  const out: ThemeTokens = {};
  if (!isRecord(value)) {
    errors.push({ path, message: 'must be an object of token names to values' });
    return out;
  }
  for (const [name, raw] of Object.entries(value)) {
    const field = `${path}.${name}`;
    if (!(name in tokenKinds)) {
      errors.push({ path: field, message: 'is not a semantic token' });
      continue;
    }
    const token = name as SemanticToken;
    if (!allowed.includes(token)) {
      errors.push({
        path: field,
        message: 'does not vary by color scheme: set it in tokens, not darkTokens',
      });
      continue;
    }
    const error = valueError(tokenKinds[token], raw);
    if (error) errors.push({ path: field, message: error });
    else out[token] = (raw as string).trim();
  }
  return out;
}

function validateMessages(
  value: unknown,
  options: ValidateOptions,
  errors: FieldError[],
): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  if (!isRecord(value)) {
    errors.push({ path: 'messages', message: 'must be an object of locales to messages' });
    return out;
  }
  const locales = Object.entries(value);
  if (locales.length > limits.locales) {
    errors.push({ path: 'messages', message: `overrides at most ${limits.locales} locales` });
    return out;
  }
  for (const [locale, entries] of locales) {
    const base = `messages.${locale}`;
    if (!LOCALE.test(locale)) {
      errors.push({ path: base, message: 'is not a locale tag such as en, fr or pt-BR' });
      continue;
    }
    if (!isRecord(entries)) {
      errors.push({ path: base, message: 'must be an object of message keys to text' });
      continue;
    }
    if (Object.keys(entries).length > limits.messagesPerLocale) {
      errors.push({ path: base, message: `has more than ${limits.messagesPerLocale} messages` });
      continue;
    }
    const messages: Record<string, string> = {};
    for (const [key, text] of Object.entries(entries)) {
      const path = `${base}.${key}`;
      const english = options.catalog?.[key];
      if (!MESSAGE_KEY.test(key) || (options.catalog && english === undefined)) {
        errors.push({ path, message: 'is not a message key' });
        continue;
      }
      const error = textError(text, limits.message);
      if (error) {
        errors.push({ path, message: error });
        continue;
      }
      if (english !== undefined) {
        const known = new Set([...english.matchAll(PLACEHOLDER)].map((m) => m[1]));
        const unknown = [...(text as string).matchAll(PLACEHOLDER)]
          .map((m) => m[1])
          .filter((name) => !known.has(name));
        if (unknown.length) {
          errors.push({
            path,
            message: `uses {${unknown[0]}}, which this message does not provide${known.size ? `; it provides ${[...known].map((k) => `{${k}}`).join(', ')}` : ''}`,
          });
          continue;
        }
      }
      messages[key] = text as string;
    }
    out[locale] = messages;
  }
  return out;
}

/**
 * Validates a whole theme. Unknown fields are errors (so a typo never silently does nothing),
 * and every error names its field. On success the returned theme holds trimmed copies of the
 * accepted values only.
 */
export function validateTheme(input: unknown, options: ValidateOptions = {}): ThemeValidation {
  const errors: FieldError[] = [];
  if (!isRecord(input)) {
    return { ok: false, errors: [{ path: '', message: 'must be a theme object' }] };
  }
  const theme: Theme = { mode: 'light', tokens: {} };
  for (const key of Object.keys(input)) {
    if (!['mode', 'tokens', 'darkTokens', 'knobs', 'brand', 'messages'].includes(key)) {
      errors.push({ path: key, message: 'is not a theme field' });
    }
  }
  if (input.mode === 'light' || input.mode === 'dark' || input.mode === 'auto') {
    theme.mode = input.mode;
  } else {
    errors.push({ path: 'mode', message: 'must be light, dark or auto' });
  }
  theme.tokens = validateTokens(
    input.tokens ?? {},
    'tokens',
    Object.keys(tokenKinds) as SemanticToken[],
    errors,
  );
  if (input.darkTokens !== undefined) {
    theme.darkTokens = validateTokens(input.darkTokens, 'darkTokens', schemeTokens, errors);
  }
  if (input.knobs !== undefined) {
    const knobs: ThemeKnobs = {};
    if (!isRecord(input.knobs)) {
      errors.push({ path: 'knobs', message: 'must be an object of widget knobs to values' });
    } else {
      for (const [name, raw] of Object.entries(input.knobs)) {
        if (!(name in widgetKnobs)) {
          errors.push({ path: `knobs.${name}`, message: 'is not a widget knob' });
          continue;
        }
        const error = valueError(widgetKnobs[name as WidgetKnob], raw);
        if (error) errors.push({ path: `knobs.${name}`, message: error });
        else knobs[name as WidgetKnob] = (raw as string).trim();
      }
    }
    theme.knobs = knobs;
  }
  if (input.brand !== undefined) {
    if (!isRecord(input.brand)) {
      errors.push({ path: 'brand', message: 'must be an object with name and logoUrl' });
    } else {
      const brand: NonNullable<Theme['brand']> = {};
      for (const key of Object.keys(input.brand)) {
        if (key !== 'name' && key !== 'logoUrl') {
          errors.push({ path: `brand.${key}`, message: 'is not a brand field' });
        }
      }
      if (input.brand.name !== undefined) {
        const error = textError(input.brand.name, limits.brandName);
        if (error) errors.push({ path: 'brand.name', message: error });
        else brand.name = (input.brand.name as string).trim();
      }
      if (input.brand.logoUrl !== undefined && input.brand.logoUrl !== '') {
        const error = logoUrlError(input.brand.logoUrl);
        if (error) errors.push({ path: 'brand.logoUrl', message: error });
        else brand.logoUrl = input.brand.logoUrl as string;
      }
      theme.brand = brand;
    }
  }
  if (input.messages !== undefined) {
    theme.messages = validateMessages(input.messages, options, errors);
  }
  return errors.length ? { ok: false, errors } : { ok: true, theme };
}
