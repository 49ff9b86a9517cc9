import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random base62 text, the character set Stripe uses in object ids and secrets. */
export function randomToken(length: number): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  for (let i = 0; out.length < length && i < bytes.length; i++) {
    const byte = bytes[i] ?? 0;
    // Rejection sampling keeps every character equally likely.
    if (byte < 248) out += ALPHABET[byte % 62];
  }
  return out.length === length ? out : out + randomToken(length - out.length);
}

/** Object id prefixes as Stripe uses them; the expansion registry resolves ids through these. */
export const PREFIX = {
  customer: 'cus',
  product: 'prod',
  price: 'price',
  paymentMethod: 'pm',
  paymentIntent: 'pi',
  setupIntent: 'seti',
  charge: 'ch',
  refund: 're',
  subscription: 'sub',
  subscriptionItem: 'si',
  invoice: 'in',
  invoiceItem: 'ii',
  invoiceLine: 'il',
  invoicePayment: 'inpay',
  event: 'evt',
  request: 'req',
  balanceTransaction: 'txn',
} as const;

export function newId(prefix: string, length = 24): string {
  return `${prefix}_${randomToken(length)}`;
}
