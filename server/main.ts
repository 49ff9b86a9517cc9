import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import Stripe from 'stripe';
import { seedDemo } from '../demo/seed.js';
import { announceEmulator, EMULATOR_SECRET_KEY } from '../demo/stripe-emulator/discovery.js';
import { createStripeEmulator, type StripeEmulator } from '../demo/stripe-emulator/index.js';
import { startDemoPortal, type Portal } from '../demo/portal.js';
import { seedPortalDemo } from '../demo/seed-portal.js';
import { createApp } from './app.js';
import { applyMigrations, openDatabase } from './db/client.js';
import { EnvError, loadEnv } from './env.js';
import { createLogger } from './logger.js';
import { loadSecretBox } from './modules/licenses/secrets.js';
import { createServices, systemClock, type AppConfig } from './services.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function start() {
  let env;
  try {
    env = loadEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }

  const logger = createLogger(env.logLevel);
  const database = openDatabase(env.databaseFile);
  applyMigrations(database);
  const secrets = loadSecretBox(env);

  const publicUrl =
    env.publicUrl ?? `http://${env.host === '0.0.0.0' ? 'localhost' : env.host}:${env.port}`;
  // The demo portal is a customer's site on its own origin, embedding the kit cross-origin.
  let portal: (Portal & { url: string; origins: string[]; stop(): Promise<void> }) | undefined;
  if (env.seedDemo) {
    portal = await startDemoPortal({
      host: env.host,
      port: env.demoPort,
      publicDir: path.join(root, 'demo', 'public'),
      clock: systemClock,
      logger,
    });
    const origins = [
      ...new Set([
        new URL(publicUrl).origin,
        `http://localhost:${env.port}`,
        `http://127.0.0.1:${env.port}`,
        ...portal.origins,
      ]),
    ];
    seedDemo(database.db, systemClock, origins, { secrets });
    seedPortalDemo(database.db, systemClock, origins, { secrets });
  }

  // Without Stripe keys the server pays through the bundled emulator: the same SDK calls,
  // pointed at a local Stripe, which posts signed webhooks back to this server.
  let config: AppConfig = env;
  let stripe: Stripe | undefined;
  let emulator: StripeEmulator | undefined;
  let withdrawEmulator: (() => void) | undefined;
  if (!env.stripeSecretKey) {
    emulator = createStripeEmulator({ port: env.stripeEmulatorPort, host: '127.0.0.1' });
    await emulator.start();
    stripe = new Stripe(EMULATOR_SECRET_KEY, { ...emulator.sdkConfig });
    withdrawEmulator = announceEmulator(env.dataDir, emulator.sdkConfig);
    config = {
      ...env,
      stripeWebhookSecret: `whsec_${randomBytes(24).toString('hex')}`,
      stripePublishableKey: env.stripePublishableKey ?? 'pk_test_liberationkit',
      stripeJsUrl: emulator.stripeJsUrl,
    };
  }

  const services = createServices({ config, database, logger, secrets, stripe });
  const app = createApp(services, { kitDir: path.join(root, 'dist') });
  if (portal) {
    const portalUrl = portal.url;
    app.get('/', (c) => c.redirect(`${portalUrl}/`));
  }

  const server = serve({ fetch: app.fetch, hostname: env.host, port: env.port }, (info) => {
    if (emulator) {
      const wildcard = info.address === '0.0.0.0' || info.address === '::';
      const host = wildcard
        ? '127.0.0.1'
        : info.address.includes(':')
          ? `[${info.address}]`
          : info.address;
      emulator.webhooks.addEndpoint({
        url: `http://${host}:${info.port}/v1/webhooks/stripe`,
        secret: config.stripeWebhookSecret!,
      });
      logger.info({ url: emulator.url }, 'stripe emulator');
      console.log(
        `\n  Payments go to the bundled Stripe emulator at ${emulator.url} (Stripe.js ${emulator.stripeJsUrl}).` +
          '\n  Set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET to use Stripe instead.',
      );
    }
    // Partner webhooks: events queued in the outbox are sent from here on.
    services.webhooks.start();
    logger.info(
      { address: info.address, port: info.port, database: env.databaseFile },
      'listening',
    );
    console.log(
      `\n  Liberation Kit is running at ${publicUrl}/  (API ${publicUrl}/v1, docs ${publicUrl}/docs)\n`,
    );
    if (portal) {
      const apiHost =
        info.address === '0.0.0.0' || info.address === '::' ? '127.0.0.1' : info.address;
      void portal.connect({
        apiUrl: `http://${apiHost.includes(':') ? `[${apiHost}]` : apiHost}:${info.port}`,
        publicApiUrl: env.publicUrl,
        stripeOrigins: emulator
          ? [new URL(emulator.url).origin]
          : ['https://js.stripe.com', 'https://*.stripe.com'],
        portalUrl: portal.url,
      });
      logger.info({ url: portal.url }, 'demo portal');
      console.log(`  Demo portal (a customer's site, on its own origin): ${portal.url}/\n`);
    }
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining requests');
    const force = setTimeout(() => {
      logger.warn('drain timeout reached; closing remaining connections');
      if ('closeAllConnections' in server) server.closeAllConnections();
    }, env.shutdownTimeoutMs);
    force.unref();
    server.close(async () => {
      // The webhook worker records its last attempts before the database closes.
      await services.webhooks.stop();
      // Usage counted since the last flush is written here; the database closes after.
      services.close();
      database.close();
      withdrawEmulator?.();
      void Promise.all([emulator?.stop(), portal?.stop()]).finally(() => {
        logger.info('stopped');
        process.exit(0);
      });
    });
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

start().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
