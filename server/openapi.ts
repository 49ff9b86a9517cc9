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
  const S extends readonly (400 | 401 | 403 | 404 | 409 | 413 | 429 | 503)[],
>(...statuses: S) {
  const descriptions: Record<number, string> = {
    400: 'Invalid request',
    401: 'Missing, malformed or unknown credentials',
    403: 'Credentials valid but not allowed (revoked, suspended, expired, origin)',
    404: 'Not found',
    409: 'Conflict',
    413: 'Body too large',
    429: 'Rate or usage limit reached',
    503: 'Unavailable (admin API switched off, or a dependency unreachable)',
  };
  return Object.fromEntries(
    statuses.map((s) => [s, { description: descriptions[s] ?? 'Error', content: problemContent }]),
  ) as { [K in S[number]]: { description: string; content: typeof problemContent } };
}

/** A JSON response of `schema`, for a route's `responses`. */
export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** A path parameter that names a record: 1 to 100 characters. */
export const pathParam = (name: string) =>
  z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name, in: 'path' } });

export const securitySchemes = {
  publishableKey: {
    type: 'apiKey',
    in: 'header',
    name: 'Liberation-Key',
    description: 'A license publishable key (pk_test_… / pk_live_…). Safe to embed in HTML.',
  },
  secretKey: {
    type: 'http',
    scheme: 'bearer',
    description:
      "The license's secret key (sk_test_… / sk_live_…), for the customer's servers only.",
  },
  learnerToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      "A learner token signed by the customer's backend (HS256 with the signing secret, or RS256/ES256 " +
      'with its JWKS): `aud` "liberation-kit", `iss` the license id, `exp` at most 24 h after `iat`. ' +
      'Sent together with the publishable key.',
  },
  operatorToken: {
    type: 'http',
    scheme: 'bearer',
    description: 'The operator token (`OPERATOR_TOKEN`) for the admin API.',
  },
} as const;

/** Either the secret key, or the publishable key with an admin learner token. */
export const tenantAdminSecurity: Record<string, string[]>[] = [
  { secretKey: [] },
  { publishableKey: [], learnerToken: [] },
];
