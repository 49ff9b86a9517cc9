import { invalidRequest, StripeApiError } from './errors.js';

export interface StoredResponse {
  status: number;
  body: string;
  requestId: string;
}

interface Entry extends StoredResponse {
  endpoint: string;
  fingerprint: string;
  createdAt: number;
}

/** Stripe keeps idempotency keys for at least 24 hours. */
const TTL_SECONDS = 24 * 3600;

/**
 * Stripe's idempotency keys: the first response to a key is kept and replayed for the same
 * request; the same key on another endpoint or with other parameters is refused. Keys are
 * scoped to the API key that sent them, as they are to an account on Stripe.
 */
export class IdempotencyStore {
  readonly #entries = new Map<string, Entry>();
  readonly #inFlight = new Set<string>();

  /**
   * Marks a key as being executed. A second request with the key while the first runs gets
   * Stripe's 409 instead of executing twice.
   */
  begin(apiKey: string, key: string): () => void {
    const id = this.#id(apiKey, key);
    if (this.#inFlight.has(id)) {
      throw new StripeApiError(
        409,
        {
          type: 'idempotency_error',
          code: 'idempotency_key_in_use',
          message: `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`,
        },
        { saved: false },
      );
    }
    this.#inFlight.add(id);
    return () => this.#inFlight.delete(id);
  }

  #id(apiKey: string, key: string): string {
    return `${apiKey}\u0000${key}`;
  }

  /** The stored response for a repeated request, or undefined for a new key. */
  lookup(
    apiKey: string,
    key: string,
    endpoint: string,
    fingerprint: string,
    now: number,
  ): StoredResponse | undefined {
    const entry = this.#entries.get(this.#id(apiKey, key));
    if (!entry) return undefined;
    if (now - entry.createdAt > TTL_SECONDS) {
      this.#entries.delete(this.#id(apiKey, key));
      return undefined;
    }
    if (entry.endpoint !== endpoint) {
      throw new StripeApiError(
        400,
        {
          type: 'idempotency_error',
          message: `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${entry.endpoint}' vs '${endpoint}'). Try using a key other than '${key}' if you meant to execute a different request.`,
        },
        { saved: false },
      );
    }
    if (entry.fingerprint !== fingerprint) {
      throw new StripeApiError(
        400,
        {
          type: 'idempotency_error',
          message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        },
        { saved: false },
      );
    }
    return entry;
  }

  store(
    apiKey: string,
    key: string,
    endpoint: string,
    fingerprint: string,
    now: number,
    response: StoredResponse,
  ): void {
    this.#entries.set(this.#id(apiKey, key), {
      ...response,
      endpoint,
      fingerprint,
      createdAt: now,
    });
  }

  clear(): void {
    this.#entries.clear();
  }
}

export function checkIdempotencyKey(key: string): void {
  if (key.length > 255) {
    throw invalidRequest(`Invalid idempotency key: must be at most 255 characters long.`, {
      param: 'Idempotency-Key',
    });
  }
}
