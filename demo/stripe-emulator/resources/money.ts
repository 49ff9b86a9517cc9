import { invalidRequest } from '../core/errors.js';

/** Currencies without minor units; amounts in them are whole units. */
const ZERO_DECIMAL = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
]);

const SYMBOLS: Readonly<Record<string, string>> = { usd: '$', eur: '€', gbp: '£', jpy: '¥' };

/** Stripe's minimum charge amounts for common currencies, in minor units. */
const MINIMUMS: Readonly<Record<string, number>> = {
  usd: 50,
  eur: 50,
  gbp: 30,
  cad: 50,
  aud: 50,
  chf: 50,
  jpy: 50,
  sek: 300,
  nok: 300,
  dkk: 250,
  mxn: 1000,
  brl: 50,
  inr: 50,
  nzd: 50,
  sgd: 50,
  hkd: 400,
  pln: 200,
  aed: 200,
  bgn: 100,
  czk: 1500,
  huf: 17500,
  myr: 200,
  ron: 200,
  thb: 1000,
};

export const MAX_AMOUNT = 99_999_999;

export function currencyParam(value: string, param = 'currency'): string {
  const lower = value.toLowerCase();
  if (!/^[a-z]{3}$/.test(lower)) {
    throw invalidRequest(
      `Invalid currency: ${value}. Stripe currently supports these currencies: usd, eur, gbp, …`,
      {
        param,
      },
    );
  }
  return lower;
}

/** `$12.50` / `€7.00` / `1000 SEK`, the way Stripe writes amounts in messages. */
export function formatAmount(amount: number, currency: string): string {
  const major = ZERO_DECIMAL.has(currency) ? String(amount) : (amount / 100).toFixed(2);
  const symbol = SYMBOLS[currency];
  return symbol
    ? `${amount < 0 ? '-' : ''}${symbol}${major.replace('-', '')}`
    : `${major} ${currency.toUpperCase()}`;
}

export function checkChargeAmount(amount: number, currency: string, param = 'amount'): void {
  const minimum = MINIMUMS[currency] ?? 50;
  if (amount < minimum) {
    throw invalidRequest(`Amount must be at least ${formatAmount(minimum, currency)} ${currency}`, {
      param,
      code: 'amount_too_small',
    });
  }
  if (amount > MAX_AMOUNT) {
    throw invalidRequest(`Amount must be no more than ${formatAmount(MAX_AMOUNT, currency)}`, {
      param,
      code: 'amount_too_large',
    });
  }
}
