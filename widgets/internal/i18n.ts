import type { MessageKey } from '../messages/index.js';
import { baseMessages } from '../messages/base.js';

/**
 * User-visible copy. Every string a widget shows comes from a catalog, keyed, with `{name}`
 * placeholders, so translations and a license's own wording can replace it. Each chunk brings
 * its English (from widgets/messages/) and adds it with {@link addEnglish}; other languages are
 * separate chunks, the base's and each widget's own `locales/`, fetched the first time a widget
 * needs one.
 */

export type { MessageKey };
/** Values for a message's `{name}` placeholders. */
export type Vars = Record<string, string | number>;
/** A widget's message function: copy for a key in the widget's locale, placeholders filled. */
export type Translate = (key: MessageKey, vars?: Vars) => string;
/** A catalog may cover any keys, including those of widgets that register their own. */
export type Catalog = Record<string, string>;
/** A license's white-label copy: locale → key → text. */
export type MessageOverrides = Record<string, Catalog>;
/** Where a widget's translations are: language → a loader of that language's catalog. */
export type Translations = Record<string, () => Promise<{ default: Catalog }>>;

/** The English of every chunk loaded so far. */
const english: Catalog = { ...baseMessages };

/**
 * Adds a chunk's English copy. Each widget's code calls it as it loads, so English never travels
 * in a chunk that does not show it.
 */
export function addEnglish(catalog: Catalog): void {
  Object.assign(english, catalog);
}

const baseTranslations: Translations = {
  ar: () => import('./locales/ar.js'),
  de: () => import('./locales/de.js'),
  fr: () => import('./locales/fr.js'),
};

/** Per language, every catalog of it loaded so far, merged (widgets' keys never clash). */
const translated: Record<string, Catalog> = {};
/** Per loader, the load in flight; `null` once it has settled. */
const loads = new Map<Translations[string], Promise<void> | null>();

const primaryOf = (locale: string) => locale.toLowerCase().split('-')[0]!;

/** The language whose catalog a locale displays: `fr-CA` → `fr`; English when none ships. */
export function languageOf(locale: string): string {
  const primary = primaryOf(locale);
  return primary in baseTranslations ? primary : 'en';
}

export function isRtl(locale: string): boolean {
  return /^(ar|he|fa|ur|ps|yi|dv|ckb|sd|ug)$/.test(primaryOf(locale));
}

/** Fetches one catalog, once: its load while in flight, else null (none, or settled). */
function load(language: string, loader: Translations[string] | undefined) {
  if (!loader) return null;
  if (!loads.has(loader)) {
    loads.set(
      loader,
      loader()
        .then(
          (module) => void (translated[language] = { ...translated[language], ...module.default }),
          () => undefined,
        )
        .then(() => void loads.set(loader, null)),
    );
  }
  return loads.get(loader)!;
}

/**
 * Undefined when the base's catalog for `locale` and the widget's own (`translations`) are
 * available, else a promise that settles once they are. A catalog that fails to load leaves
 * the widget in English rather than broken.
 */
export function catalogReady(
  locale: string,
  translations: Translations = {},
): Promise<unknown> | undefined {
  const language = languageOf(locale);
  const pending = [
    load(language, baseTranslations[language]),
    load(language, translations[language]),
  ].filter((wait) => wait !== null);
  return pending.length ? Promise.all(pending) : undefined;
}

/**
 * The messages for a locale: English ← the language's catalogs ← the license's overrides for
 * that language ← its overrides for the exact locale. A license may also supply copy for a
 * language the kit does not ship; it is laid over the English text.
 */
let last: [string, MessageOverrides | undefined, Catalog | undefined, Catalog] | undefined;

export function messagesFor(locale: string, overrides?: MessageOverrides): Catalog {
  const language = languageOf(locale);
  // Every widget asks on every render; widgets on a page share one locale and license.
  if (last?.[0] !== locale || last[1] !== overrides || last[2] !== translated[language]) {
    const primary = primaryOf(locale);
    last = [
      locale,
      overrides,
      translated[language],
      {
        ...english,
        ...translated[language],
        ...overrides?.[language],
        ...(primary !== language ? overrides?.[primary] : undefined),
        ...overrides?.[locale],
      },
    ];
  }
  return last[3];
}

/** `key`'s copy in `messages` (else English, else the key), with `{name}` placeholders filled. */
export function t(key: string, vars: Vars, messages: Catalog): string {
  const template = messages[key] ?? english[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}

const formatters = new Map<string, Intl.NumberFormat>();

/**
 * Formats integer minor units exactly: the amount is turned into a decimal string before
 * `Intl` sees it, so no binary floating point is involved.
 */
export function formatMoney(minor: number, currency: string, locale?: string): string {
  const key = `${locale ?? ''}|${currency}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formatters.set(key, format);
  }
  const exponent = format.resolvedOptions().maximumFractionDigits ?? 2;
  const negative = minor < 0;
  const digits = String(Math.abs(Math.trunc(minor))).padStart(exponent + 1, '0');
  const decimal =
    exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  return format.format(`${negative ? '-' : ''}${decimal}` as unknown as number);
}

export function formatNumber(
  value: number,
  locale?: string,
  options?: Intl.NumberFormatOptions,
): string {
  return new Intl.NumberFormat(locale, options).format(value);
}

export function formatDate(
  value: Date | number | string,
  locale?: string,
  options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' },
): string {
  return new Intl.DateTimeFormat(locale, options).format(new Date(value));
}
