import Stripe from 'stripe';
import { ApiError } from '../errors.js';

/**
 * Stripe answered and said no (a declined card, a request it will not carry out): nothing
 * moved.
 */
export type StripeRefusal = Stripe.errors.StripeCardError | Stripe.errors.StripeInvalidRequestError;

const refusalClasses = {
  card: Stripe.errors.StripeCardError,
  invalid_request: Stripe.errors.StripeInvalidRequestError,
} as const;

/**
 * The key under which work on one Stripe object (a subscription, a payment intent) takes the
 * shared `KeyedLock` (`keyed-lock.ts`), so events about it and changes made to it apply one
 * at a time. It cannot clash with the per-learner keys, which start with a license id.
 */
export const stripeObjectKey = (id: string): readonly string[] => ['stripe', id];

/** Whether a Stripe key moves real money (`live`) or only test money (`test`). */
export type StripeMode = 'test' | 'live';

/**
 * The mode of a Stripe secret or restricted key: `live` for `sk_live_…` and `rk_live_…`, `test`
 * for anything else (a test key, no key). The emulator only ever takes test keys, so a server
 * that pays through it is in test mode; nothing else tells the two apart.
 */
export function stripeKeyMode(key: string | undefined): StripeMode {
  return key !== undefined && /^(sk|rk)_live_/.test(key) ? 'live' : 'test';
}

/** The Stripe client, or `503 service_unavailable` when this server has none. */
export function requireStripe(stripe: Stripe | null): Stripe {
  if (!stripe) {
    throw new ApiError('service_unavailable', 'Payments are not configured on this server.');
  }
  return stripe;
}

export interface StripeErrorOptions {
  /**
   * Refusals the caller explains itself, each as the ApiError it answers (a 409 where the
   * request cannot succeed as asked). Other refusals get the default answer: `409 conflict`
   * with `reason: "request_refused_by_stripe"`.
   */
  refused?: {
    kinds: readonly (keyof typeof refusalClasses)[];
    answer(error: StripeRefusal): ApiError;
  };
  /** What the 503 says; by default that trying again charges nothing twice. */
  unavailable?: string;
}

/** Seconds a client waits before retrying a call Stripe did not answer. */
const RETRY_AFTER_SECONDS = 2;

/**
 * Whether the same request may succeed when sent again: Stripe did not answer (network), failed
 * (5xx), limited the rate (429), or was still busy with the object or the idempotency key (409:
 * `lock_timeout`, a key in use). Anything that is not a Stripe error counts as not answered.
 * Everything else (400, 402, 404, an idempotency key sent with other parameters) is Stripe's
 * final word on that request.
 */
export function isTransientStripeError(error: unknown): boolean {
  if (!(error instanceof Stripe.errors.StripeError)) return true;
  if (
    error instanceof Stripe.errors.StripeConnectionError ||
    error instanceof Stripe.errors.StripeRateLimitError ||
    error instanceof Stripe.errors.StripeAPIError
  ) {
    return true;
  }
  const status = error.statusCode;
  return status === undefined || status >= 500 || status === 429 || status === 409;
}

/** `503 service_unavailable` with `Retry-After`: Stripe did not answer, and retrying is safe. */
export function stripeUnavailable(error: unknown, detail?: string): ApiError {
  return new ApiError(
    'service_unavailable',
    detail ?? 'The payment provider did not answer. Try again: nothing is charged twice.',
    {
      extensions: { cause: error instanceof Stripe.errors.StripeError ? error.type : undefined },
      headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
    },
  );
}

/**
 * The ApiError a failed Stripe call answers. An ApiError thrown on the way passes through; a
 * refusal named in `refused` becomes the caller's answer. A transient failure (see
 * {@link isTransientStripeError}) is `503 service_unavailable` with `Retry-After`, because
 * retrying with the same idempotency key is safe. Stripe refusing this server's keys is a 503
 * too (the operator's to fix, not the client's). Any other refusal is final for that request:
 * `409 conflict` with `reason: "request_refused_by_stripe"`, Stripe's `stripeCode` and the
 * parameter it names (`stripeParam`); Stripe's own message, which may name internals, is not
 * passed on.
 */
export function stripeError(error: unknown, options: StripeErrorOptions = {}): ApiError {
  if (error instanceof ApiError) return error;
  const { refused } = options;
  if (refused?.kinds.some((kind) => error instanceof refusalClasses[kind])) {
    return refused.answer(error as StripeRefusal);
  }
  if (isTransientStripeError(error)) return stripeUnavailable(error, options.unavailable);
  const refusal = error as Stripe.errors.StripeError;
  if (
    refusal instanceof Stripe.errors.StripeAuthenticationError ||
    refusal instanceof Stripe.errors.StripePermissionError
  ) {
    return new ApiError(
      'service_unavailable',
      'Payments are misconfigured on this server: the payment provider refused its credentials.',
      { extensions: { cause: refusal.type } },
    );
  }
  const stripeCode = refusal.code ?? refusal.rawType ?? refusal.type;
  return new ApiError(
    'conflict',
    `The payment provider refused this request (${stripeCode}). Nothing was charged.`,
    {
      extensions: {
        reason: 'request_refused_by_stripe',
        stripeCode,
        ...(refusal.param ? { stripeParam: refusal.param } : {}),
      },
    },
  );
}

/**
 * Stripe's minimum charge per currency, in minor units, from its published table
 * (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts). Stripe refuses a
 * payment intent or an invoice payment below it. A currency it does not list has a minimum of
 * about USD 0.50 at the day's rate, which cannot be checked here.
 */
export const STRIPE_MINIMUM_CHARGE: Readonly<Record<string, number>> = {
  USD: 50,
  AED: 200,
  AUD: 50,
  BGN: 100,
  BRL: 50,
  CAD: 50,
  CHF: 50,
  CZK: 1_500,
  DKK: 250,
  EUR: 50,
  GBP: 30,
  HKD: 400,
  HUF: 17_500,
  INR: 50,
  JPY: 50,
  MXN: 1_000,
  MYR: 200,
  NOK: 300,
  NZD: 50,
  PLN: 200,
  RON: 200,
  SEK: 300,
  SGD: 50,
  THB: 1_000,
};

/** Stripe's minimum charge in a currency (ISO 4217, any case), or null where it lists none. */
export function minimumChargeOf(currency: string): number | null {
  return STRIPE_MINIMUM_CHARGE[currency.toUpperCase()] ?? null;
}

/**
 * Why Stripe would refuse to charge `amount` minor units of `currency`, or null when it can be
 * charged. Zero is never charged (a free item), so it passes.
 */
export function belowMinimumCharge(amount: number, currency: string): string | null {
  const minimum = minimumChargeOf(currency);
  if (amount === 0 || minimum === null || amount >= minimum) return null;
  const code = currency.toUpperCase();
  const digits = new Intl.NumberFormat('en', {
    style: 'currency',
    currency: code,
  }).resolvedOptions().maximumFractionDigits;
  const major = (minimum / 10 ** (digits ?? 2)).toFixed(digits);
  return `Below Stripe's minimum charge of ${major} ${code} (${minimum} minor units)`;
}

/**
 * Refuses a price Stripe would not charge, when it is authored (a tier, a course) rather than
 * at checkout: `400 validation_failed` naming `path` (for example `body.price.amount`).
 */
export function assertChargeable(amount: number, currency: string, path: string): void {
  const problem = belowMinimumCharge(amount, currency);
  if (problem) {
    throw new ApiError('validation_failed', `${problem}.`, {
      errors: [{ path, message: problem }],
    });
  }
}
