/**
 * User-visible copy. Every string a widget shows comes from here, keyed, with `{name}`
 * placeholders, so translations and a license's own wording can replace it.
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
  'pricing.title': 'Choose your plan',
  'pricing.billing': 'Billing period',
  'pricing.monthly': 'Monthly',
  'pricing.yearly': 'Yearly',
  'pricing.save': 'Save {percent}%',
  'pricing.per.month': '/ month',
  'pricing.per.year': '/ year',
  'pricing.free': 'Free',
  'pricing.recommended': 'Recommended',
  'pricing.choose': 'Choose {plan}',
  'pricing.trial': '{days}-day free trial',
  'pricing.empty': 'No plans are offered yet.',
} as const;

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;

const catalogs: Record<string, Partial<Messages>> = { en };

export function t(
  key: MessageKey,
  vars: Record<string, string | number> = {},
  overrides?: Partial<Messages>,
): string {
  const template = overrides?.[key] ?? en[key];
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}

export function registerCatalog(locale: string, messages: Partial<Messages>): void {
  catalogs[locale] = { ...catalogs[locale], ...messages };
}

/** Messages for a locale, falling back from `pt-BR` to `pt` to English. */
export function messagesFor(locale: string | undefined): Partial<Messages> {
  if (!locale) return en;
  const base = locale.split('-')[0] ?? locale;
  return { ...en, ...catalogs[base], ...catalogs[locale] };
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
