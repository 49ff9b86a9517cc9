import { z } from '@hono/zod-openapi';
import { errorCatalogEntries, type ErrorCode, type ErrorReason } from './errors.js';

const catalog = errorCatalogEntries();
/** Each code that carries reasons, with its reasons and what each means. */
const reasonsByCode = Object.fromEntries(
  catalog.flatMap(([code, { reasons }]) => (reasons ? [[code, reasons]] : [])),
);
const reasons = Object.values(reasonsByCode).flatMap((r) => Object.keys(r));

/** Components shared by every module's route definitions. */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    code: z.enum(catalog.map(([code]) => code) as [ErrorCode, ...ErrorCode[]]).openapi({
      description:
        'The stable error code clients branch on; `type` links to its entry at /docs/problems.',
      'x-enumDescriptions': Object.fromEntries(
        catalog.map(([code, { description }]) => [code, description]),
      ),
    }),
    reason: z
      .enum(reasons as [ErrorReason, ...ErrorReason[]])
      .optional()
      .openapi({
        description:
          'For the codes that list reasons, which case this is: a closed set per code. ' +
          '`x-reasons` maps each such code to its reasons and what each means (also at /docs/problems).',
        'x-reasons': reasonsByCode,
      }),
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

/** Where the API is: the origin that serves the document, whatever it is deployed as. */
export const documentServers = [{ url: '/', description: 'The origin serving this document' }];

const httpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

const pascal = (s: string) =>
  s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');

/**
 * The operationId of an operation that names none: the method, then each path segment in
 * PascalCase with parameters as `By<Name>`, leaving out the leading `/v1` every path shares.
 * `GET /v1/rewards/wallet` is `getRewardsWallet`; `POST /v1/admin/licenses/{id}/suspend` is
 * `postAdminLicensesByIdSuspend`. It depends on the operation alone, so adding a route never
 * renames another; a clash fails the docs tests, and a route then names its own.
 */
export function operationIdFor(method: string, path: string): string {
  const segments = path.split('/').filter(Boolean);
  if (segments[0] === 'v1') segments.shift();
  const words = segments.map((segment) => {
    const param = /^\{(.+)\}$/.exec(segment);
    return param ? `By${pascal(param[1]!)}` : pascal(segment);
  });
  return method.toLowerCase() + words.join('');
}

type PathItems = Record<string, Record<string, unknown>>;

function named(items: PathItems): PathItems {
  return Object.fromEntries(
    Object.entries(items).map(([path, item]) => [
      path,
      Object.fromEntries(
        Object.entries(item).map(([key, value]) =>
          httpMethods.includes(key) && typeof value === 'object' && value !== null
            ? [key, { operationId: operationIdFor(key, path), ...value }]
            : [key, value],
        ),
      ),
    ]),
  );
}

/** The document with an operationId on every operation; ids routes set themselves are kept. */
export function withOperationIds<D extends { paths?: object; webhooks?: object }>(doc: D): D {
  return {
    ...doc,
    ...(doc.paths ? { paths: named(doc.paths as PathItems) } : {}),
    ...(doc.webhooks ? { webhooks: named(doc.webhooks as PathItems) } : {}),
  };
}
