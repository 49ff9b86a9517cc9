/**
 * User-visible copy. Every string a widget shows comes from a catalog, keyed, with `{name}`
 * placeholders, so translations and a license's own wording can replace it. English ships in
 * every widget; other languages are separate chunks fetched the first time a widget needs one.
 */
const en = {
  'state.loading': 'Loading…',
  'state.license.title': 'This feature is unavailable',
  'state.license.body': 'The site’s Liberation Kit license is not valid.',
  'state.origin.title': 'Not available on this site',
  'state.origin.body': 'This website is not allowed to use this license.',
  'state.limit.title': 'Temporarily unavailable',
  'state.limit.body': 'This service has reached its usage limit. Please try again later.',
  'state.network.title': 'Can’t reach the server',
  'state.network.body': 'Check your connection and try again.',
  'state.error.title': 'Something went wrong',
  'state.error.body': 'Please try again in a moment.',
  'state.reference': 'Reference: {id}',
  'action.retry': 'Try again',
};

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;
/** A catalog may cover any keys, including those of widgets that register their own. */
export type Catalog = Record<string, string>;
/** A license's white-label copy: locale → key → text. */
export type MessageOverrides = Record<string, Catalog>;

export const englishCatalog: Readonly<Messages> = en;

const loaders: Record<string, () => Promise<{ default: Catalog }>> = {
  ar: () => import('./locales/ar.js'),
  de: () => import('./locales/de.js'),
  fr: () => import('./locales/fr.js'),
};

const catalogs: Record<string, Catalog> = { en };
const loading: Record<string, Promise<void>> = {};

const primaryOf = (locale: string) => locale.toLowerCase().split('-')[0]!;

/** The language whose catalog a locale displays: `fr-CA` → `fr`; English when none ships. */
export function languageOf(locale: string): string {
  const primary = primaryOf(locale);
  return primary in loaders ? primary : 'en';
}

export function isRtl(locale: string): boolean {
  return /^(ar|he|fa|ur|ps|yi|dv|ckb|sd|ug)$/.test(primaryOf(locale));
}

/**
 * Undefined when the catalog for `locale` is available, else a promise that settles once it
 * is. A catalog that fails to load leaves the widget in English rather than broken.
 */
export function catalogReady(locale: string): Promise<void> | undefined {
  const language = languageOf(locale);
  if (catalogs[language]) return undefined;
  return (loading[language] ??= loaders[language]!().then(
    (module) => void (catalogs[language] = module.default),
    () => void (catalogs[language] = {}),
  ));
}

/**
 * The messages for a locale: English ← the language's catalog ← the license's overrides for
 * that language ← its overrides for the exact locale. A license may also supply copy for a
 * language the kit does not ship; it is laid over the English text.
 */
let last: [string, MessageOverrides | undefined, Catalog | undefined, Catalog] | undefined;

export function messagesFor(locale: string, overrides?: MessageOverrides): Catalog {
  const language = languageOf(locale);
  // Every widget asks on every render; widgets on a page share one locale and license.
  if (last?.[0] !== locale || last[1] !== overrides || last[2] !== catalogs[language]) {
    const primary = primaryOf(locale);
    last = [
      locale,
      overrides,
      catalogs[language],
      {
        ...catalogs.en,
        ...catalogs[language],
        ...overrides?.[language],
        ...(primary !== language ? overrides?.[primary] : undefined),
        ...overrides?.[locale],
      },
    ];
  }
  return last[3];
}

export function t(key: string, vars: Record<string, string | number>, messages: Catalog): string {
  const template = messages[key] ?? catalogs.en![key] ?? key;
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
