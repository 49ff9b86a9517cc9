import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../server/errors.js';
import {
  assertChargeable,
  belowMinimumCharge,
  isTransientStripeError,
  minimumChargeOf,
  stripeError,
  stripeKeyMode,
} from '../../server/lib/stripe.js';

const { errors } = Stripe;

describe('what a failed Stripe call answers', () => {
  it.each([
    ['no answer (network)', new errors.StripeConnectionError({ message: 'socket hang up' })],
    ['Stripe failing (500)', new errors.StripeAPIError({ message: 'boom', statusCode: 500 })],
    ['a lock timeout (409)', new errors.StripeAPIError({ code: 'lock_timeout', statusCode: 409 })],
    ['a rate limit (429)', new errors.StripeRateLimitError({ statusCode: 429 })],
    ['anything else thrown', new Error('ECONNRESET')],
  ])('%s: 503 with Retry-After', (_what, error) => {
    expect(isTransientStripeError(error)).toBe(true);
    const answer = stripeError(error);
    expect(answer.code).toBe('service_unavailable');
    expect(answer.headers['Retry-After']).toMatch(/^\d+$/);
  });

  it.each([
    [
      'an idempotency key sent with other parameters',
      new errors.StripeIdempotencyError({ type: 'idempotency_error', statusCode: 400 }),
      'idempotency_error',
    ],
    [
      'an amount Stripe does not take',
      new errors.StripeInvalidRequestError({
        code: 'amount_too_small',
        param: 'amount',
        statusCode: 400,
        message: 'Amount must be at least $0.50 usd',
      }),
      'amount_too_small',
    ],
    [
      'an object Stripe does not have',
      new errors.StripeInvalidRequestError({
        code: 'resource_missing',
        param: 'customer',
        statusCode: 400,
        message: 'No such customer: cus_123',
      }),
      'resource_missing',
    ],
  ])('%s: 409 request_refused_by_stripe, without Stripe’s message', (_what, error, stripeCode) => {
    expect(isTransientStripeError(error)).toBe(false);
    const answer = stripeError(error);
    expect(answer).toBeInstanceOf(ApiError);
    expect(answer.code).toBe('conflict');
    expect(answer.extensions).toMatchObject({ reason: 'request_refused_by_stripe', stripeCode });
    expect(answer.message).not.toContain('cus_123');
    expect(answer.headers['Retry-After']).toBeUndefined();
  });

  it('answers 503 without Retry-After when Stripe refuses the server’s own key', () => {
    const answer = stripeError(new errors.StripeAuthenticationError({ statusCode: 401 }));
    expect(answer.code).toBe('service_unavailable');
    expect(answer.headers['Retry-After']).toBeUndefined();
  });

  it('lets the caller answer the refusals it names', () => {
    const declined = new errors.StripeCardError({ code: 'card_declined', statusCode: 402 });
    const answer = stripeError(declined, {
      refused: { kinds: ['card'], answer: () => new ApiError('conflict', 'Declined.') },
    });
    expect(answer.message).toBe('Declined.');
  });
});

describe('Stripe’s minimum charge', () => {
  it.each([
    ['USD', 50],
    ['eur', 50],
    ['GBP', 30],
    ['JPY', 50],
    ['HUF', 17_500],
    ['XOF', null],
  ])('%s: %s minor units', (currency, minimum) => {
    expect(minimumChargeOf(currency)).toBe(minimum);
  });

  it('lets free and chargeable amounts pass and names the minimum otherwise', () => {
    expect(belowMinimumCharge(0, 'USD')).toBeNull();
    expect(belowMinimumCharge(50, 'USD')).toBeNull();
    expect(belowMinimumCharge(1, 'XOF')).toBeNull();
    expect(belowMinimumCharge(49, 'USD')).toContain('0.50 USD');
    expect(belowMinimumCharge(49, 'JPY')).toContain('50 JPY');
    expect(() => assertChargeable(29, 'GBP', 'body.price.amount')).toThrow(ApiError);
    try {
      assertChargeable(29, 'GBP', 'body.price.amount');
    } catch (error) {
      expect((error as ApiError).code).toBe('validation_failed');
      expect((error as ApiError).errors).toEqual([
        { path: 'body.price.amount', message: expect.stringContaining('0.30 GBP') },
      ]);
    }
    expect(() => assertChargeable(30, 'GBP', 'body.price.amount')).not.toThrow();
  });
});

describe('the mode of a Stripe key', () => {
  it.each([
    ['sk_live_abc123', 'live'],
    ['rk_live_abc123', 'live'],
    ['sk_test_abc123', 'test'],
    ['rk_test_abc123', 'test'],
    [undefined, 'test'],
  ] as const)('%s is %s', (key, mode) => {
    expect(stripeKeyMode(key)).toBe(mode);
  });
});
