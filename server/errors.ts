import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * The closed set of error codes the API speaks. Each maps to one HTTP status and a short,
 * stable title; clients branch on `code`, people read `title` and `detail`.
 */
export const errorCatalog = {
  bad_request: { status: 400, title: 'Bad request' },
  validation_failed: { status: 400, title: 'The request did not pass validation' },
  license_missing: { status: 401, title: 'No license key was sent' },
  license_malformed: { status: 401, title: 'The license key is malformed' },
  license_unknown: { status: 401, title: 'The license key is not known' },
  license_revoked: { status: 403, title: 'The license has been revoked' },
  license_suspended: { status: 403, title: 'The license is suspended' },
  license_expired: { status: 403, title: 'The license has expired' },
  origin_not_allowed: { status: 403, title: 'This origin is not allowed for the license' },
  key_expired: { status: 401, title: 'This key was replaced and its overlap window has ended' },
  token_invalid: { status: 401, title: 'The learner token is not valid' },
  token_expired: { status: 401, title: 'The learner token has expired' },
  unauthenticated: { status: 401, title: 'Authentication is required' },
  forbidden: { status: 403, title: 'Not allowed' },
  not_found: { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  feature_required: { status: 403, title: "The learner's plan does not include this feature" },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  usage_limit_exceeded: { status: 429, title: 'The plan limit for this period is used up' },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal_error: { status: 500, title: 'Internal error' },
  service_unavailable: { status: 503, title: 'Service unavailable' },
  admin_api_disabled: { status: 503, title: 'The admin API is disabled' },
} as const satisfies Record<string, { status: ContentfulStatusCode; title: string }>;

export type ErrorCode = keyof typeof errorCatalog;

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
  requestId?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** The one error type handlers throw. Anything else thrown is reported as `internal_error`. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: ContentfulStatusCode;
  readonly errors: FieldError[] | undefined;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    detail?: string,
    options: {
      errors?: FieldError[];
      extensions?: Record<string, unknown>;
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
