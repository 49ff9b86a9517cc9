import { index, integer, table, text } from '../../db/kit.js';
import { timestamps } from '../../db/columns.js';

export const licenseStatuses = ['active', 'suspended', 'revoked'] as const;
export type LicenseStatus = (typeof licenseStatuses)[number];

/** How the customer's backend signs learner tokens: our signing secret, or its own JWKS. */
export const tokenAuthKinds = ['secret', 'jwks'] as const;
export type TokenAuthKind = (typeof tokenAuthKinds)[number];

export const tokenAlgorithms = ['HS256', 'RS256', 'ES256'] as const;
export type TokenAlgorithm = (typeof tokenAlgorithms)[number];

/** One enterprise customer (tenant). Every other table hangs off a license id. */
export const licenses = table(
  'licenses',
  {
    id: text().primaryKey(),
    name: text().notNull(),
    plan: text().notNull(),
    status: text({ enum: licenseStatuses }).notNull().default('active'),
    /** Why the operator suspended or revoked the license, shown to the operator only. */
    statusReason: text(),
    mode: text({ enum: ['test', 'live'] }).notNull(),
    publishableKey: text().notNull().unique(),
    allowedOrigins: text({ mode: 'json' }).$type<string[]>().notNull(),
    /** Entitlements: the feature keys this license may use. */
    features: text({ mode: 'json' }).$type<string[]>().notNull(),
    /** Per-license overrides of the plan's monthly limits; `null` means unlimited. */
    limits: text({ mode: 'json' }).$type<Record<string, number | null>>().notNull(),
    /** Per-license overrides of whether a limit blocks (`hard`) or only warns (`soft`). */
    limitEnforcement: text({ mode: 'json' })
      .$type<Record<string, 'hard' | 'soft'>>()
      .notNull()
      .default({}),
    /** Override of the plan's requests per minute per key and client. */
    rateLimitPerMinute: integer(),
    locale: text().notNull().default('en'),
    currency: text().notNull().default('USD'),
    expiresAt: integer({ mode: 'timestamp_ms' }),
    tokenAuth: text({ enum: tokenAuthKinds }).notNull().default('secret'),
    jwksUrl: text(),
    tokenAlgorithms: text({ mode: 'json' }).$type<TokenAlgorithm[]>().notNull().default(['HS256']),
    ...timestamps,
  },
  (t) => [index('licenses_status_idx').on(t.status)],
);

export type License = typeof licenses.$inferSelect;
export type NewLicense = typeof licenses.$inferInsert;

/**
 * Secret keys, stored only as a SHA-256 hash. A license has one current key
 * (`expiresAt` null) and, right after a rotation, the previous key until its overlap ends.
 */
export const licenseSecretKeys = table(
  'license_secret_keys',
  {
    id: text().primaryKey(),
    licenseId: text()
      .notNull()
      .references(() => licenses.id),
    /** Hex SHA-256 of the whole key. Keys carry 143 random bits, so no salt or KDF is needed. */
    hash: text().notNull().unique(),
    /** The last four characters, so people can tell keys apart. */
    hint: text().notNull(),
    createdAt: integer({ mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer({ mode: 'timestamp_ms' }),
  },
  (t) => [index('license_secret_keys_license_idx').on(t.licenseId)],
);

export type LicenseSecretKey = typeof licenseSecretKeys.$inferSelect;

/**
 * Signing secrets for HS256 learner tokens. The server must hold the secret itself to check
 * an HMAC, so it is stored encrypted (AES-256-GCM) under a key kept outside the database:
 * a copy of the database alone does not let anyone mint learner tokens.
 */
export const licenseSigningSecrets = table(
  'license_signing_secrets',
  {
    id: text().primaryKey(),
    licenseId: text()
      .notNull()
      .references(() => licenses.id),
    ciphertext: text().notNull(),
    hint: text().notNull(),
    createdAt: integer({ mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer({ mode: 'timestamp_ms' }),
  },
  (t) => [index('license_signing_secrets_license_idx').on(t.licenseId)],
);

export type LicenseSigningSecret = typeof licenseSigningSecrets.$inferSelect;
