import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** One entry of {@link errorCatalog}. */
export interface ErrorCatalogEntry {
  status: ContentfulStatusCode;
  /** Short and stable: the problem's `title`. */
  title: string;
  /** What happened and what the client should do, for people reading the docs. */
  description: string;
  /**
   * The closed set of `reason` values a problem with this code may carry, each with one line
   * saying what happened and what the client should do. Clients branch on `code`, then on
   * `reason`; a code without `reasons` never carries one.
   */
  reasons?: Readonly<Record<string, string>>;
}

/**
 * The closed set of error codes the API speaks. Each maps to one HTTP status and a short,
 * stable title; clients branch on `code` (and `reason`), people read `title` and `detail`.
 * Listed at /docs/problems and in the OpenAPI document's `Problem` schema.
 */
export const errorCatalog = {
  bad_request: {
    status: 400,
    title: 'Bad request',
    description:
      'The request could not be read (malformed JSON, a missing required header). Fix the request; retrying it unchanged fails again.',
  },
  validation_failed: {
    status: 400,
    title: 'The request did not pass validation',
    description:
      'One or more values are invalid; `errors` names each one by path with a message. Fix them and send again.',
  },
  license_missing: {
    status: 401,
    title: 'No license key was sent',
    description:
      'Send the publishable key in the `Liberation-Key` header (the loader does it from `data-license`).',
  },
  license_malformed: {
    status: 401,
    title: 'The license key is malformed',
    description:
      'The key is not a well-formed publishable key (wrong prefix, length or checksum, or a secret key sent where a publishable one belongs). Copy the key again.',
  },
  license_unknown: {
    status: 401,
    title: 'The license key is not known',
    description: 'No license has this key. Check the key and the server it is sent to.',
  },
  license_revoked: {
    status: 403,
    title: 'The license has been revoked',
    description: 'The license was revoked for good. Widgets show their "license invalid" state.',
  },
  license_suspended: {
    status: 403,
    title: 'The license is suspended',
    description:
      'The license is suspended until the operator resumes it. Widgets show their "license invalid" state.',
  },
  license_expired: {
    status: 403,
    title: 'The license has expired',
    description: 'The license passed its expiry date. The license holder renews it.',
  },
  origin_not_allowed: {
    status: 403,
    title: 'This origin is not allowed for the license',
    description:
      "The page's origin is not among the license's allowed origins. Add it to the license, or embed from an allowed origin.",
  },
  key_expired: {
    status: 401,
    title: 'This key was replaced and its overlap window has ended',
    description: 'The secret key was rotated and the old one no longer works. Use the new key.',
  },
  token_invalid: {
    status: 401,
    title: 'The learner token is not valid',
    description:
      'The learner token failed verification (signature, audience, issuer or claims). Have the customer backend sign a new one.',
  },
  token_expired: {
    status: 401,
    title: 'The learner token has expired',
    description:
      "The learner token's `exp` has passed. Ask the customer backend (or the token provider) for a fresh one and retry.",
  },
  unauthenticated: {
    status: 401,
    title: 'Authentication is required',
    description:
      'This endpoint needs credentials that were not sent: a learner token, or the operator token for the admin API.',
  },
  forbidden: {
    status: 403,
    title: 'Not allowed',
    description:
      'The credentials are valid but do not allow this action (wrong role, not the owner, not enrolled). Do not retry.',
  },
  not_found: {
    status: 404,
    title: 'Not found',
    description:
      'Nothing exists at this path, or the record does not belong to this license. Check the id.',
  },
  conflict: {
    status: 409,
    title: 'Conflict',
    description:
      'The request clashes with the current state of a record. `reason`, when present, says which clash; other members carry the figures involved.',
    reasons: {
      already_enrolled:
        'The learner is enrolled in the course already: show the course instead of selling or enrolling it again.',
      free_course:
        'The course is free, so it cannot be bought: enroll with POST /v1/courses/{id}/enroll.',
      paid_course:
        'The course has a price, so free enrollment is refused: buy it through checkout.',
      insufficient_balance:
        'The balance (`balance`; for tokens also `needed`) does not cover the amount: earn more or ask for less.',
      reward_inactive:
        'The reward is no longer offered: refresh the catalog and let the learner pick another.',
      out_of_stock:
        'The reward has no stock left: refresh the catalog and let the learner pick another.',
      limit_reached:
        'The learner has redeemed this reward as often as allowed (`limit`): do not offer it again.',
      redemption_closed:
        'The redemption is no longer requested (`status` says what it became): refresh it; it cannot change again.',
      idempotency_key_reused:
        'The idempotency key was already used for a different request: send a new key for a new request.',
      not_reversible:
        'This kind of transaction cannot be reversed (or not in shares): nothing was changed.',
      already_reversed:
        'The transaction was reversed already (`reversalId`): nothing was changed; show the existing reversal.',
      contrast_below_aa:
        'The theme fails the WCAG AA contrast check (`contrast`, `errors`): fix the colors, or publish with "override": true.',
      not_paid: 'The payment has not succeeded (`status`), so there is nothing to refund.',
      fully_refunded: 'The payment is refunded in full already: nothing is left to refund.',
      amount_exceeds_refundable:
        'The amount asked exceeds what can still be refunded (`refundable`, `currency`): ask for at most that.',
      refused_by_stripe:
        'Stripe refused the refund (`stripeCode`): nothing moved; fix the cause Stripe names, then retry.',
      request_refused_by_stripe:
        'Stripe refused the request for good (`stripeCode`, e.g. `idempotency_error`, `amount_too_small`): nothing was charged and a checkout attempt was set aside, so the next checkout starts afresh.',
    },
  },
  feature_required: {
    status: 403,
    title: "The learner's plan does not include this feature",
    description:
      "The learner's plan (`tier`) does not include `feature`. Offer an upgrade (for example with lx-pricing-table).",
  },
  payload_too_large: {
    status: 413,
    title: 'The request body is too large',
    description: 'The body is over the size limit (`detail` gives it). Send less.',
  },
  unsupported_media_type: {
    status: 415,
    title: 'Unsupported media type',
    description:
      'The body is not of a type this endpoint accepts (send JSON as `application/json`), or an uploaded file is not what it claims to be.',
  },
  usage_limit_exceeded: {
    status: 429,
    title: 'The plan limit for this period is used up',
    description:
      "The license's plan allowance for `metric` is used up until `resetsAt`. Wait for the reset, or move to a bigger plan.",
  },
  rate_limited: {
    status: 429,
    title: 'Too many requests',
    description: 'Too many requests in a short time. Wait `Retry-After` seconds, then retry.',
  },
  internal_error: {
    status: 500,
    title: 'Internal error',
    description:
      'Something failed on the server; the cause is logged, never sent. Quote `requestId` when reporting it.',
  },
  service_unavailable: {
    status: 503,
    title: 'Service unavailable',
    description:
      'A dependency (database lock, Stripe, a JWKS endpoint) could not be reached in time. Retry after `Retry-After` seconds, or shortly.',
  },
  admin_api_disabled: {
    status: 503,
    title: 'The admin API is disabled',
    description:
      'The admin API is off because the server has no OPERATOR_TOKEN. Set it, or use the operator CLI (`npm run admin`).',
  },
} as const satisfies Record<string, ErrorCatalogEntry>;

export type ErrorCode = keyof typeof errorCatalog;

type ReasonsOf<E> = E extends { reasons: infer R } ? Extract<keyof R, string> : never;

/** The `reason` values a problem of code `C` may carry (every declared reason by default). */
export type ErrorReason<C extends ErrorCode = ErrorCode> = C extends ErrorCode
  ? ReasonsOf<(typeof errorCatalog)[C]>
  : never;

/** The catalog as a list, widened for code that walks every code (docs, OpenAPI). */
export const errorCatalogEntries = (): [ErrorCode, ErrorCatalogEntry][] =>
  Object.entries(errorCatalog) as [ErrorCode, ErrorCatalogEntry][];

/** Extra problem members: free-form, except that `reason` comes from the code's declared set. */
export interface ProblemExtensions<C extends ErrorCode = ErrorCode> {
  reason?: ErrorReason<C>;
  [member: string]: unknown;
}

export interface FieldError {
  /** JSON path of the offending value, e.g. `body.origins[2]` or `header.liberation-key`. */
  path: string;
  message: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: ErrorCode;
  reason?: ErrorReason;
  requestId?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** The one error type handlers throw. Anything else thrown is reported as `internal_error`. */
export class ApiError<C extends ErrorCode = ErrorCode> extends Error {
  // Without this, `x instanceof ApiError` narrows to `ApiError<any>`, and `code` to `any`.
  static override [Symbol.hasInstance](value: unknown): value is ApiError {
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }

  readonly code: C;
  readonly status: ContentfulStatusCode;
  readonly errors: FieldError[] | undefined;
  readonly extensions: ProblemExtensions<C>;
  readonly headers: Record<string, string>;

  constructor(
    code: C,
    detail?: string,
    options: {
      errors?: FieldError[];
      extensions?: ProblemExtensions<NoInfer<C>>;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(detail ?? errorCatalog[code].title);
    this.name = 'ApiError';
    this.code = code;
    this.status = errorCatalog[code].status;
    this.errors = options.errors;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }

  toProblem(requestId: string | undefined, instance: string): ProblemDetails {
    const { title, status } = errorCatalog[this.code];
    return {
      ...this.extensions,
      type: `/docs/problems#${this.code}`,
      title,
      status,
      detail: this.message,
      code: this.code,
      requestId,
      instance,
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
