import type { Context, Next } from 'hono';
import { createMiddleware } from 'hono/factory';
import { ApiError } from '../errors.js';
import type { LicensedEnv } from '../types.js';
import { admit, bearer, type AdmissionMode } from './admission.js';
import { servicesOf } from '../context.js';

/**
 * Authenticates the customer's server by its secret key. Keys are never accepted from a
 * page: a request carrying an `Origin` header comes from a browser, where a secret key
 * does not belong.
 */
export async function authenticateSecretKey<E extends LicensedEnv>(
  c: Context<E>,
  next: Next,
  options: { allowInactive?: boolean; admission?: AdmissionMode } = {},
): Promise<void> {
  const services = servicesOf(c);
  const result = await services.licenses.validateSecret(bearer(c));
  if (c.req.header('origin') !== undefined && result.code !== 'license_missing') {
    throw new ApiError(
      'forbidden',
      'Secret keys belong on servers and are refused from browsers; rotate this key if a page has seen it.',
    );
  }
  if (result.code !== 'valid') {
    const inactive = ['license_revoked', 'license_suspended', 'license_expired'].includes(
      result.code,
    );
    if (!(options.allowInactive && inactive && result.license))
      throw new ApiError(result.code, result.detail);
  }
  c.set('license', result.license);
  c.set('credential', 'sk');
  await admit(c, next, options.allowInactive ? 'observe' : (options.admission ?? 'enforce'));
}

/** Requires the license's secret key as `Authorization: Bearer sk_…`. */
export function requireSecretKey(options: { allowInactive?: boolean } = {}) {
  return createMiddleware<LicensedEnv>((c, next) => authenticateSecretKey(c, next, options));
}
