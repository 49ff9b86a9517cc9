import { z } from '@hono/zod-openapi';
import { errorCatalog } from './errors.js';

/** Components shared by every module's route definitions. */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    code: z.enum(Object.keys(errorCatalog) as [keyof typeof errorCatalog]),
    requestId: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

const problemContent = { 'application/problem+json': { schema: ProblemSchema } };

/** Standard error responses, spread into a route's `responses`. */
export function problemResponses<
  const S extends readonly (400 | 401 | 403 | 404 | 409 | 413 | 429)[],
>(...statuses: S) {
  const descriptions: Record<number, string> = {
    400: 'Invalid request',
    401: 'Missing, malformed or unknown credentials',
    403: 'Credentials valid but not allowed (revoked, suspended, expired, origin)',
    404: 'Not found',
    409: 'Conflict',
    413: 'Body too large',
    429: 'Rate or usage limit reached',
  };
  return Object.fromEntries(
    statuses.map((s) => [s, { description: descriptions[s] ?? 'Error', content: problemContent }]),
  ) as { [K in S[number]]: { description: string; content: typeof problemContent } };
}

export const securitySchemes = {
  publishableKey: {
    type: 'apiKey',
    in: 'header',
    name: 'Liberation-Key',
    description: 'A license publishable key (pk_test_… / pk_live_…). Safe to embed in HTML.',
  },
} as const;
