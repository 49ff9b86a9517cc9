import type { Json, JsonObject } from './json.js';

/** The `type` values Stripe's v1 API uses in its error envelope. */
export type StripeErrorType =
  'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  doc_url?: string;
  charge?: string;
  payment_intent?: JsonObject;
  payment_method?: JsonObject;
  setup_intent?: JsonObject;
  advice_code?: string;
}

/**
 * An error answered in Stripe's envelope `{ error: { … } }` with Stripe's status code.
 * `saved` says whether an idempotency key keeps this answer: Stripe keeps results once an
 * endpoint started executing (declines included) but not parameter validation failures.
 */
export class StripeApiError extends Error {
  readonly saved: boolean;
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
    options: { saved?: boolean } = {},
  ) {
    super(body.message);
    this.name = 'StripeApiError';
    this.saved = options.saved ?? (status === 402 || status >= 500);
  }

  toJson(): JsonObject {
    const error: JsonObject = {};
    const entries = Object.entries(this.body) as [string, Json | undefined][];
    for (const [key, value] of entries) if (value !== undefined) error[key] = value;
    if (this.body.code && !this.body.doc_url) {
      error.doc_url = `https://stripe.com/docs/error-codes/${this.body.code.replace(/_/g, '-')}`;
    }
    return { error };
  }
}

export function invalidRequest(
  message: string,
  options: { param?: string; code?: string; status?: number; saved?: boolean } = {},
): StripeApiError {
  return new StripeApiError(
    options.status ?? 400,
    { type: 'invalid_request_error', message, code: options.code, param: options.param },
    { saved: options.saved },
  );
}

export function missingParam(param: string): StripeApiError {
  return invalidRequest(`Missing required param: ${param}.`, { param, code: 'parameter_missing' });
}

export function unknownParam(param: string): StripeApiError {
  return invalidRequest(
    `Received unknown parameter: ${param}. Did you mean to pass this in a different place?`,
    { param, code: 'parameter_unknown' },
  );
}

export function invalidParam(param: string, message: string): StripeApiError {
  return invalidRequest(message, { param, code: 'parameter_invalid_string' });
}

/** Stripe's 404 for an object that does not exist: `No such customer: 'cus_x'`. */
export function resourceMissing(noun: string, id: string, param = 'id'): StripeApiError {
  return invalidRequest(`No such ${noun}: '${id}'`, {
    param,
    code: 'resource_missing',
    status: 404,
  });
}

export function unexpectedState(message: string, param?: string): StripeApiError {
  return invalidRequest(message, { code: 'payment_intent_unexpected_state', param, saved: true });
}

export function unrecognizedUrl(method: string, path: string): StripeApiError {
  return invalidRequest(
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    { status: 404 },
  );
}

export function authenticationError(message: string): StripeApiError {
  return new StripeApiError(401, { type: 'invalid_request_error', message });
}

export function notSupported(feature: string, param?: string): StripeApiError {
  return invalidRequest(`The Stripe emulator does not support ${feature}.`, { param });
}
