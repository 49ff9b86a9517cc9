import { resolveScheme } from '../../../themes/resolve.js';
import { semanticTokens, type Theme } from '../../../themes/tokens.js';
import type { ReceiptView } from './contract.js';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text as HTML text or attribute value: nothing in it can open a tag or leave a quote. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/**
 * A token value as a CSS declaration value. Themes are validated before they are stored;
 * this is the second line: a value that could close the declaration or the rule is dropped.
 */
function cssValue(value: string): string | null {
  return /^[^;{}<>\\@]*$/.test(value) && !/\/\*|url\s*\(/i.test(value) ? value : null;
}

function declarations(values: Record<string, string>): string {
  return semanticTokens
    .map((name) => {
      const value = values[name] === undefined ? null : cssValue(values[name]);
      return value === null ? '' : `--lx-${name}: ${value};`;
    })
    .join(' ');
}

function money(amount: number, currency: string, locale: string): string {
  const format = (l: string) => {
    const f = new Intl.NumberFormat(l, { style: 'currency', currency });
    const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
    return f.format(amount / 10 ** digits);
  };
  try {
    return format(locale);
  } catch {
    return format('en');
  }
}

function date(iso: string, locale: string): string {
  const options: Intl.DateTimeFormatOptions = {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'UTC',
  };
  try {
    return `${new Intl.DateTimeFormat(locale, options).format(new Date(iso))} UTC`;
  } catch {
    return `${new Intl.DateTimeFormat('en', options).format(new Date(iso))} UTC`;
  }
}

/**
 * The printable receipt page, styled only through the license theme's `--lx-*` tokens. Every
 * text that came from a customer, a learner or Stripe is escaped.
 */
export function receiptPage(input: {
  receipt: ReceiptView;
  seller: string;
  locale: string;
  theme: Theme;
  /** A nonce for the page's one inline style sheet (Content-Security-Policy). */
  nonce: string;
}): string {
  const { receipt: r, locale, theme } = input;
  const light = declarations(resolveScheme(theme, theme.mode === 'dark' ? 'dark' : 'light'));
  const dark =
    theme.mode === 'auto'
      ? `@media (prefers-color-scheme: dark) { :root { ${declarations(resolveScheme(theme, 'dark'))} } }`
      : '';
  const seller = theme.brand?.name ?? input.seller;
  const refunded =
    r.amountRefunded > 0
      ? `<tr><th scope="row">Refunded</th><td>${escapeHtml(`−${money(r.amountRefunded, r.currency, locale)}`)}</td></tr>`
      : '';
  const card = r.card
    ? `<tr><th scope="row">Paid with</th><td>${escapeHtml(`${r.card.brand} •••• ${r.card.last4}`)}</td></tr>`
    : '';
  const lang = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(locale) ? locale : 'en';
  return `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(`Receipt ${r.number} — ${seller}`)}</title>
<style nonce="${escapeHtml(input.nonce)}">
:root { ${light} }
${dark}
body { margin: 0; padding: 2rem 1rem; background: var(--lx-color-surface, #fff); color: var(--lx-color-text, #111);
  font-family: var(--lx-font-body, system-ui, sans-serif); }
main { max-width: 40rem; margin: 0 auto; padding: 2rem; background: var(--lx-color-surface-raised, #fff);
  border: 1px solid var(--lx-color-border, #ddd); border-radius: var(--lx-radius, 8px); }
h1 { font-family: var(--lx-font-heading, inherit); margin: 0 0 .25rem; font-size: 1.5rem; }
.seller { color: var(--lx-color-brand, inherit); font-weight: 600; margin: 0 0 1.5rem; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: start; padding: .5rem 0; border-bottom: 1px solid var(--lx-color-border, #ddd); vertical-align: top; }
th { color: var(--lx-color-text-muted, #555); font-weight: 500; width: 40%; }
.total td { font-weight: 700; font-size: 1.125rem; }
footer { margin-top: 1.5rem; color: var(--lx-color-text-muted, #555); font-size: .875rem; }
@media print { body { background: #fff; padding: 0; } main { border: 0; } }
</style>
</head>
<body>
<main>
<p class="seller">${escapeHtml(seller)}</p>
<h1>Receipt ${escapeHtml(String(r.number))}</h1>
<table>
<tr><th scope="row">Date</th><td>${escapeHtml(date(r.paidAt, locale))}</td></tr>
<tr><th scope="row">Billed to</th><td>${escapeHtml(r.learner.name)}</td></tr>
<tr><th scope="row">Item</th><td>${escapeHtml(r.description)}</td></tr>
${card}
<tr class="total"><th scope="row">Amount paid</th><td>${escapeHtml(money(r.amount, r.currency, locale))}</td></tr>
${refunded}
</table>
<footer>Receipt ${escapeHtml(r.id)} · payment ${escapeHtml(r.paymentIntentId ?? r.paymentId)}</footer>
</main>
</body>
</html>
`;
}
