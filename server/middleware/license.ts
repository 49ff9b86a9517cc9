import type { Context, Next } from 'hono';
import { createMiddleware } from 'hono/factory';
import { servicesOf } from '../context.js';
import type { LicensedEnv } from '../types.js';
import { admit, type AdmissionMode } from './admission.js';

/**
 * Runs `next` for a request carrying a valid publishable key (`Liberation-Key` header) usable
 * from its origin: puts the license on the context, then applies the license's rate limit and
 * counts the request against its monthly allowance. Refusals are problem+json with a code that
 * says exactly why.
 */
export async function withLicense<E extends LicensedEnv>(
  c: Context<E>,
  next: Next,
  mode: AdmissionMode = 'enforce',
): Promise<void> {
  const license = await servicesOf(c).licenses.requirePublishable(
    c.req.header('liberation-key'),
    c.req.header('origin'),
  );
  c.set('license', license);
  c.set('credential', 'pk');
  await admit(c, next, mode);
}

/** Requires a valid publishable key; see {@link withLicense}. */
export const requireLicense = createMiddleware<LicensedEnv>((c, next) => withLicense(c, next));
