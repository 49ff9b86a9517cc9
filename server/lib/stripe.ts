import Stripe from 'stripe';
import { ApiError } from '../errors.js';

/** Stripe answered and said no (a declined card, a request it will not carry out): nothing moved. */
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
   * request cannot succeed as asked). Other refusals count as Stripe not answering.
   */
  refused?: {
    kinds: readonly (keyof typeof refusalClasses)[];
    answer(error: StripeRefusal): ApiError;
  };
  /** What the 503 says; by default that trying again charges nothing twice. */
  unavailable?: string;
}

/**
 * The ApiError a failed Stripe call answers. An ApiError thrown on the way passes through; a
 * refusal named in `refused` becomes the caller's answer; anything else (no answer, Stripe
 * failing, a refusal nobody expected) is `503 service_unavailable` with Stripe's error type
 * as `cause`, because retrying with the same idempotency key is safe.
 */
export function stripeError(error: unknown, options: StripeErrorOptions = {}): ApiError {
  if (error instanceof ApiError) return error;
  const { refused } = options;
  if (refused?.kinds.some((kind) => error instanceof refusalClasses[kind])) {
    return refused.answer(error as StripeRefusal);
  }
  return new ApiError(
    'service_unavailable',
    options.unavailable ??
      'The payment provider did not answer. Try again: nothing is charged twice.',
    { extensions: { cause: error instanceof Stripe.errors.StripeError ? error.type : undefined } },
  );
}
