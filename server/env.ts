import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';

/**
 * The server's configuration. This module is the only reader of `process.env`: everything
 * else receives the parsed, typed result.
 */
const booleanish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** An IPv4/IPv6 address or CIDR block, such as `10.0.0.0/8` or `::1`. */
export function isAddressOrCidr(value: string): boolean {
  const [address, bits, extra] = value.split('/');
  if (extra !== undefined || !address) return false;
  const family = net.isIP(address);
  if (family === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

function decodesToKey(value: string): boolean {
  const bytes = /^[0-9a-f]{64}$/i.test(value)
    ? Buffer.from(value, 'hex')
    : Buffer.from(value, 'base64');
  return bytes.length === 32;
}

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('data'),
  DATABASE_FILE: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/i, 'must be a postgres:// URL (unset: the SQLite file)')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/i, 'must be a redis:// or rediss:// URL')
    .optional(),
  REDIS_PREFIX: z
    .string()
    .regex(/^[\w:.-]{0,64}$/, 'letters, digits, _ : . - only')
    .default('lx:'),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  DB_LOCK_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(1024 * 1024),
  SEED_DEMO: booleanish.default(true),
  DEMO_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  LICENSE_CACHE_TTL_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  STRIPE_PUBLISHABLE_KEY: z
    .string()
    .regex(/^pk_(test|live)_[A-Za-z0-9]+$/, 'must look like pk_test_… or pk_live_…')
    .optional(),
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/, 'must look like sk_test_… or sk_live_…')
    .optional(),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9]+$/, 'must look like whsec_…')
    .optional(),
  STRIPE_API_URL: z
    .url({ protocol: /^https?$/ })
    .refine((v) => {
      const url = new URL(v);
      return url.pathname === '/' && !url.search && !url.hash && !url.username;
    }, 'must be an origin such as http://127.0.0.1:12111 (no path)')
    .optional(),
  STRIPE_JS_URL: z.url({ protocol: /^https?$/ }).optional(),
  STRIPE_EMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  STRIPE_RECONCILE_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 60 * 60 * 1000)
    .refine((v) => v === 0 || v >= 10_000, 'must be 0 (off) or at least 10000')
    .default(10 * 60 * 1000),
  OPERATOR_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  SECRETS_KEY: z
    .string()
    .refine(decodesToKey, 'must be 32 bytes as 64 hex digits or base64')
    .optional(),
  TRUSTED_PROXIES: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine((list) => list.every(isAddressOrCidr), 'must be a comma-separated list of IPs or CIDRs')
    .optional(),
  USAGE_FLUSH_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
  AUTH_FAILURE_LIMIT: z.coerce.number().int().min(0).max(1_000_000).default(30),
  WEBHOOKS_ALLOW_LOOPBACK: booleanish.default(false),
  ORIGINLESS_REQUESTS_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(60),
});

export type Env = {
  nodeEnv: 'development' | 'production' | 'test';
  host: string;
  port: number;
  publicUrl: string | undefined;
  dataDir: string;
  databaseFile: string;
  /** PostgreSQL (`postgres://…`): the cluster's system of record. Unset: the SQLite file. */
  databaseUrl: string | undefined;
  /** Redis (`redis://…`): limits shared by a cluster's processes. Unset: in process memory. */
  redisUrl: string | undefined;
  /** Prefix of every Redis key, so several deployments can share one Redis. */
  redisPrefix: string;
  /** PostgreSQL connections per process. */
  dbPoolSize: number;
  /** How long a write waits for the write lock before answering 503. */
  dbLockWaitMs: number;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  bodyLimitBytes: number;
  /** Read by the demo entry (`npm start`) only: seed the demo licenses and serve the portal. */
  seedDemo: boolean;
  /** Port of the demo portal (its own origin); PORT + 1 by default, a free one when PORT is 0. */
  demoPort: number;
  shutdownTimeoutMs: number;
  licenseCacheTtlMs: number;
  stripePublishableKey: string | undefined;
  /** With the webhook secret, real Stripe; without both, the bundled emulator. */
  stripeSecretKey: string | undefined;
  stripeWebhookSecret: string | undefined;
  /** Another Stripe-compatible API (a shared emulator, stripe-mock) instead of api.stripe.com. */
  stripeApiUrl: string | undefined;
  /** Where the checkout loads Stripe.js from when it is not js.stripe.com (the emulator's). */
  stripeJsUrl: string | undefined;
  /** Port of the bundled Stripe emulator when it runs; 0 picks a free one. */
  stripeEmulatorPort: number;
  /** How often the server reconciles with Stripe's event list; 0 = never (default 10 min). */
  stripeReconcileIntervalMs: number;
  /** Bearer token for the admin API; the admin API is off when unset. */
  operatorToken: string | undefined;
  /** Key that encrypts learner-token signing secrets at rest (else `$DATA_DIR/secrets.key`). */
  secretsKey: string | undefined;
  /** Proxies whose `X-Forwarded-For` is believed; empty means the socket address is the client. */
  trustedProxies: string[];
  usageFlushIntervalMs: number;
  /** Failed authentications per client address per minute before it is locked out; 0 = off. */
  authFailureLimit: number;
  /**
   * Partner webhook endpoints may be on loopback (`localhost`, 127.0.0.0/8, `::1`), plain
   * http included. Off in every mode; for development and the demo's own endpoint.
   */
  webhooksAllowLoopback: boolean;
  /**
   * Publishable-key requests without an Origin header per client address per minute; they do
   * not use the license's monthly request allowance. 0 refuses them all.
   */
  originlessRequestsPerMinute: number;
};

export class EnvError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

/** Parses configuration once; throws an {@link EnvError} that names every bad variable. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  // Empty strings are treated as unset, the way shells and .env files usually mean them.
  const cleaned = Object.fromEntries(
    Object.keys(schema.shape).map((k) => [k, source[k] === '' ? undefined : source[k]]),
  );
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new EnvError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  // Half a Stripe configuration would take payments whose webhooks are never verified.
  if ((e.STRIPE_SECRET_KEY === undefined) !== (e.STRIPE_WEBHOOK_SECRET === undefined)) {
    throw new EnvError([
      'STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET: set both (real Stripe) or neither (the bundled emulator)',
    ]);
  }
  if (e.STRIPE_API_URL !== undefined && e.STRIPE_SECRET_KEY === undefined) {
    throw new EnvError([
      'STRIPE_API_URL: needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET (any sk_test_… key for an emulator)',
    ]);
  }
  // Processes sharing a database must all decrypt the signing secrets one of them sealed.
  if (e.DATABASE_URL !== undefined && e.SECRETS_KEY === undefined) {
    throw new EnvError([
      'SECRETS_KEY: required with DATABASE_URL (every process of a cluster must decrypt the same signing secrets)',
    ]);
  }
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    nodeEnv: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl: e.PUBLIC_URL,
    dataDir,
    databaseFile: e.DATABASE_FILE
      ? path.resolve(e.DATABASE_FILE)
      : path.join(dataDir, 'liberation.db'),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    dbPoolSize: e.DB_POOL_SIZE,
    dbLockWaitMs: e.DB_LOCK_WAIT_MS,
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    seedDemo: e.SEED_DEMO,
    demoPort: e.DEMO_PORT ?? (e.PORT === 0 || e.PORT === 65535 ? 0 : e.PORT + 1),
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    licenseCacheTtlMs: e.LICENSE_CACHE_TTL_MS,
    stripePublishableKey: e.STRIPE_PUBLISHABLE_KEY,
    stripeSecretKey: e.STRIPE_SECRET_KEY,
    stripeWebhookSecret: e.STRIPE_WEBHOOK_SECRET,
    stripeApiUrl: e.STRIPE_API_URL,
    stripeJsUrl: e.STRIPE_JS_URL,
    stripeEmulatorPort: e.STRIPE_EMULATOR_PORT,
    stripeReconcileIntervalMs: e.STRIPE_RECONCILE_INTERVAL_MS,
    operatorToken: e.OPERATOR_TOKEN,
    secretsKey: e.SECRETS_KEY,
    trustedProxies: e.TRUSTED_PROXIES ?? [],
    usageFlushIntervalMs: e.USAGE_FLUSH_INTERVAL_MS,
    authFailureLimit: e.AUTH_FAILURE_LIMIT,
    webhooksAllowLoopback: e.WEBHOOKS_ALLOW_LOOPBACK,
    originlessRequestsPerMinute: e.ORIGINLESS_REQUESTS_PER_MINUTE,
  };
}

/**
 * A production server takes payments or does not start: without Stripe keys it would serve
 * checkouts that can only fail. Throws an {@link EnvError} naming each missing variable.
 */
export function requireStripeInProduction(env: Env): Env {
  if (env.nodeEnv !== 'production') return env;
  const missing = [
    env.stripeSecretKey === undefined ? 'STRIPE_SECRET_KEY' : null,
    env.stripeWebhookSecret === undefined ? 'STRIPE_WEBHOOK_SECRET' : null,
  ].filter((name) => name !== null);
  if (missing.length) {
    throw new EnvError(missing.map((name) => `${name}: required when NODE_ENV=production`));
  }
  return env;
}
