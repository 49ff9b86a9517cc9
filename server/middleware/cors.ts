import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../types.js';

const ALLOWED_HEADERS =
  'Liberation-Key, Authorization, Content-Type, Idempotency-Key, If-None-Match';
const EXPOSED_HEADERS =
  'ETag, X-Request-Id, RateLimit, RateLimit-Policy, Retry-After, Liberation-Usage-Warning';
const PREFLIGHT_MAX_AGE_SECONDS = '7200';

/**
 * CORS for the API. A preflight carries no key, so it is answered for any origin and cached
 * by the browser; the real request is then checked against the license's allowed origins
 * (see `requireLicense`), which refuses a foreign origin before any data is produced. The API
 * never uses cookies and never sends `Access-Control-Allow-Credentials`, so echoing the origin
 * grants a page nothing a plain HTTP client does not already have, and lets a widget read the
 * problem+json that explains a refusal.
 */
export const apiCors = createMiddleware<AppEnv>(async (c, next) => {
  const origin = c.req.header('origin');
  if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) {
    const headers: Record<string, string> = {
      'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
      'Access-Control-Allow-Headers': ALLOWED_HEADERS,
      'Access-Control-Max-Age': PREFLIGHT_MAX_AGE_SECONDS,
      Vary: 'Origin, Access-Control-Request-Headers',
    };
    if (origin) headers['Access-Control-Allow-Origin'] = origin;
    return c.body(null, 204, headers);
  }
  await next();
  if (origin) {
    // Straight onto the finished response: c.header() after next() rebuilds the response
    // around a stream copy of its body, which costs more than the embed config handler.
    const headers = c.res.headers;
    headers.set('Access-Control-Allow-Origin', origin);
    headers.set('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    headers.append('Vary', 'Origin');
  }
});
