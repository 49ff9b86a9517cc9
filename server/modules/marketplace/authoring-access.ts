import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { ApiError } from '../../errors.js';
import { bearer } from '../../middleware/admission.js';
import { identifyLearner } from '../../middleware/learner.js';
import { withLicense } from '../../middleware/license.js';
import { authenticateSecretKey } from '../../middleware/secret-key.js';
import type { AppEnv, LicensedEnv } from '../../types.js';
import type { Author } from './authoring.js';

/* Who may use the authoring API, and how large its uploads may be. */

/** Room for the multipart envelope and the other fields around the file. */
const MULTIPART_OVERHEAD = 64 * 1024;

const UPLOAD_PATHS = [
  { method: 'PUT', pattern: /^\/v1\/authoring\/courses\/[^/]+\/cover$/ },
  { method: 'POST', pattern: /^\/v1\/authoring\/courses\/[^/]+\/materials$/ },
];

/** Upload routes apply their own size limit instead of the API's general body limit. */
export function isUpload(method: string, path: string): boolean {
  return UPLOAD_PATHS.some((u) => u.method === method && u.pattern.test(path));
}

export function uploadLimit(maxBytes: number): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize: maxBytes + MULTIPART_OVERHEAD,
    onError: () => {
      throw new ApiError('payload_too_large', `Files are limited to ${maxBytes} bytes here.`);
    },
  });
}

/**
 * The customer's server with its secret key (acting for any instructor of the license), or an
 * instructor: a learner token (with the publishable key) whose `sub` is linked to an
 * instructor of the license.
 */
export const requireAuthor = createMiddleware<LicensedEnv>((c, next) =>
  bearer(c)?.startsWith('sk_')
    ? authenticateSecretKey(c, next)
    : withLicense(c, async () => {
        const learner = await identifyLearner(c, { required: true });
        if (!learner || !(await c.get('services').marketplace.instructorFor(learner))) {
          throw new ApiError(
            'forbidden',
            'This learner is not an instructor of the license; the customer links instructors to token subjects.',
          );
        }
        await next();
      }),
);

export const requireServer = createMiddleware<LicensedEnv>((c, next) =>
  authenticateSecretKey(c, next),
);

export async function authorOf(c: Context<LicensedEnv>): Promise<Author> {
  const license = c.var.license;
  if (c.get('credential') === 'sk') return { licenseId: license.id, instructorId: null };
  const learner = c.var.learner;
  const instructor = learner && (await c.get('services').marketplace.instructorFor(learner));
  if (!instructor) throw new ApiError('forbidden', 'This learner is not an instructor.');
  return { licenseId: license.id, instructorId: instructor.id };
}
