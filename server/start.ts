/**
 * Start-up and shutdown of one API process. The production entry (server/main.ts) runs it as
 * is; the demo (demo/main.ts) hands in its Stripe emulator, seed and portal through the
 * options, so both take the same path from the environment to a listening, draining server.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import type { Logger } from 'pino';
import type Stripe from 'stripe';
import { createApp, type App } from './app.js';
import { JOURNAL_SIZE_LIMIT_BYTES } from './db/client.js';
import { openStore, type Store } from './db/store.js';
import { connectRedis, type Redis } from './lib/redis.js';
import { postgresBus, redisBus, type Bus } from './lib/bus.js';
import type { PostgresStore } from './db/postgres.js';
import { EnvError, loadEnv, type Env } from './env.js';
import { loadSecretBox, type SecretBox } from './modules/licenses/secrets.js';
import { createServices, type AppConfig, type Services } from './services.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where the server listens, and the URL this machine reaches it at. */
export interface ListeningAddress {
  address: string;
  port: number;
  /** `http://host:port`, with a wildcard address replaced by 127.0.0.1. */
  url: string;
}

export interface StartOptions {
  env: Env;
  logger: Logger;
  /** What the services are configured with; the environment itself by default. */
  config?: AppConfig;
  /** A ready Stripe client; else one built from the environment's keys, or none. */
  stripe?: Stripe;
  /** Runs on the migrated store before the services are built (the demo seeds there). */
  prepare?: (context: { store: Store; secrets: SecretBox }) => void | Promise<void>;
  /** Adds routes of the caller's own before the app serves. */
  routes?: (app: App) => void;
  /** Runs once the port is bound, before the webhook worker starts and the banner prints. */
  onListening?: (listening: ListeningAddress) => void;
}

export interface RunningServer {
  services: Services;
  listening: ListeningAddress;
  publicUrl: string;
  /**
   * Drains requests (closing what is left after SHUTDOWN_TIMEOUT_MS), lets the webhook worker
   * record its last attempts and a Stripe reconciliation run finish, writes pending usage and
   * closes the database.
   */
  stop(): Promise<void>;
}

/** The URL people reach the server at: PUBLIC_URL, else HOST:PORT. */
export function publicUrlOf(env: Env): string {
  return env.publicUrl ?? `http://${env.host === '0.0.0.0' ? 'localhost' : env.host}:${env.port}`;
}

/** The environment `read` parses, or exit 1 with the message that names each bad variable. */
export function readEnvOrExit(read: () => Env = loadEnv): Env {
  try {
    return read();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

/**
 * How this process hears of cache invalidations from the others: Redis pub/sub with Redis,
 * LISTEN/NOTIFY on PostgreSQL without it, none for a single SQLite process.
 */
async function invalidationBus(
  env: Env,
  store: Store,
  redis: Redis | undefined,
  logger: Logger,
): Promise<Bus | undefined> {
  const onError = (error: Error) => logger.warn({ err: error }, 'invalidation bus error');
  if (redis) return redisBus(redis, { prefix: env.redisPrefix, onError });
  if (store.dialect === 'postgres') {
    const postgres = store as PostgresStore;
    return postgresBus(postgres.pool, () => postgres.connectListener(), {
      onError,
    });
  }
  return undefined;
}

/** Opens and migrates the database, builds the services and serves the API and the kit. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { env, logger } = options;
  // An unreachable store or Redis stops the start with a message naming it (no password).
  const store = await openStore({
    url: env.databaseUrl,
    file: env.databaseFile,
    poolSize: env.dbPoolSize,
    lockWaitMs: env.dbLockWaitMs,
    onPoolError: (error) => logger.warn({ err: error }, 'PostgreSQL connection lost; reconnecting'),
    onCheckpoint: ({ walBytes }) => {
      // Past twice the limit, a checkpoint could not catch up: some reader holds an old snapshot.
      if (walBytes > 2 * JOURNAL_SIZE_LIMIT_BYTES) {
        logger.warn(
          { walBytes },
          'SQLite WAL is not shrinking: a long-running read transaction is pinning it',
        );
      }
    },
  });
  let redis: Redis | undefined;
  try {
    await store.migrate();
    if (env.redisUrl) {
      redis = await connectRedis(env.redisUrl, {
        keyPrefix: env.redisPrefix,
        onError: (error) => logger.warn({ err: error }, 'Redis connection error'),
      });
    }
  } catch (error) {
    await store.close();
    throw error;
  }
  const bus = await invalidationBus(env, store, redis, logger);
  const secrets = loadSecretBox(env);
  await options.prepare?.({ store, secrets });

  const services = createServices({
    config: options.config ?? env,
    store,
    ...(redis ? { redis } : {}),
    ...(bus ? { bus } : {}),
    logger,
    secrets,
    ...(options.stripe ? { stripe: options.stripe } : {}),
  });
  if (!services.stripe) {
    logger.warn(
      'payments unavailable: STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are not set, so checkouts ' +
        'answer service_unavailable (npm start pays through the bundled Stripe emulator instead)',
    );
  }
  // The built kit is served when there is one (`npm run build`); the API runs without it.
  const kitDir = path.join(root, 'dist');
  const app = createApp(services, fs.existsSync(kitDir) ? { kitDir } : {});
  options.routes?.(app);
  const publicUrl = publicUrlOf(env);

  const { server, listening } = await new Promise<{
    server: ReturnType<typeof serve>;
    listening: ListeningAddress;
  }>((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: env.host, port: env.port }, (info) => {
      const wildcard = info.address === '0.0.0.0' || info.address === '::';
      const host = wildcard ? '127.0.0.1' : info.address;
      const listening = {
        address: info.address,
        port: info.port,
        url: `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`,
      };
      options.onListening?.(listening);
      // Partner webhooks: events queued in the outbox are sent from here on.
      services.webhooks.start();
      // Stripe events the webhook endpoint missed (it was down, a delivery was lost).
      services.payments.startReconciling(env.stripeReconcileIntervalMs);
      logger.info(
        { address: info.address, port: info.port, database: store.location, redis: Boolean(redis) },
        'listening',
      );
      console.log(
        `\n  Liberation Kit is running at ${publicUrl}/  (API ${publicUrl}/v1, docs ${publicUrl}/docs)\n`,
      );
      resolve({ server, listening });
    });
  });

  const stop = () =>
    new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        logger.warn('drain timeout reached; closing remaining connections');
        if ('closeAllConnections' in server) server.closeAllConnections();
      }, env.shutdownTimeoutMs);
      force.unref();
      server.close(() => {
        // The webhook worker records its last attempts before the database closes, and a
        // reconciliation run in progress finishes.
        void Promise.allSettled([
          services.webhooks.stop(),
          services.payments.stopReconciling(),
        ]).then(() => {
          // Usage counted since the last flush is written here; the store closes after.
          void Promise.resolve(services.close())
            .then(() => bus?.close())
            .then(() => store.close())
            .then(() => redis?.quit())
            .finally(() => resolve());
        });
      });
      if ('closeIdleConnections' in server) server.closeIdleConnections();
    });

  return { services, listening, publicUrl, stop };
}

/** On Ctrl-C or SIGTERM, runs `stop` once, then exits (0 when it stopped cleanly). */
export function exitOnSignals(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining requests');
    stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
