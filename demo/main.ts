/**
 * What `npm start` runs: the production server's start-up (server/start.ts) with the demo
 * around it. Without Stripe keys it pays through the bundled Stripe emulator, started in this
 * process; with SEED_DEMO (the default) it seeds the demo licenses and serves the demo portal,
 * a customer's site on its own origin.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Stripe from 'stripe';
import type { Env } from '../server/env.js';
import { createLogger } from '../server/logger.js';
import { systemClock, type AppConfig } from '../server/services.js';
import { exitOnSignals, publicUrlOf, readEnvOrExit, startServer } from '../server/start.js';
import { startDemoPortal } from './portal.js';
import { seedPortalDemo } from './seed-portal.js';
import { seedDemo } from './seed.js';
import { announceEmulator, EMULATOR_SECRET_KEY } from './stripe-emulator/discovery.js';
import { createStripeEmulator, type StripeEmulator } from './stripe-emulator/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The same SDK calls as with Stripe, pointed at a local Stripe whose signed webhooks come back
 * to this server under a secret made for this run.
 */
async function startEmulator(env: Env): Promise<{
  emulator: StripeEmulator;
  stripe: Stripe;
  webhookSecret: string;
  config: AppConfig;
}> {
  const emulator = createStripeEmulator({ port: env.stripeEmulatorPort, host: '127.0.0.1' });
  await emulator.start();
  const webhookSecret = `whsec_${randomBytes(24).toString('hex')}`;
  return {
    emulator,
    stripe: new Stripe(EMULATOR_SECRET_KEY, { ...emulator.sdkConfig }),
    webhookSecret,
    config: {
      ...env,
      stripeWebhookSecret: webhookSecret,
      stripePublishableKey: env.stripePublishableKey ?? 'pk_test_liberationkit',
      stripeJsUrl: emulator.stripeJsUrl,
    },
  };
}

const env = readEnvOrExit();
const logger = createLogger(env.logLevel);

const portal = env.seedDemo
  ? await startDemoPortal({
      host: env.host,
      port: env.demoPort,
      publicDir: path.join(here, 'public'),
      clock: systemClock,
      logger,
    })
  : undefined;
const emulated = env.stripeSecretKey ? undefined : await startEmulator(env);
// The portal registers its own partner webhook endpoint, on this machine.
const config = {
  ...(emulated?.config ?? env),
  webhooksAllowLoopback: env.webhooksAllowLoopback || portal !== undefined,
};

const server = await startServer({
  env,
  logger,
  config,
  ...(emulated ? { stripe: emulated.stripe } : {}),
  prepare: async ({ store, secrets }) => {
    if (!portal) return;
    const publicUrl = publicUrlOf(env);
    const origins = [
      ...new Set([
        new URL(publicUrl).origin,
        `http://localhost:${env.port}`,
        `http://127.0.0.1:${env.port}`,
        ...portal.origins,
      ]),
    ];
    await seedDemo(store, systemClock, origins, { secrets });
    await seedPortalDemo(store, systemClock, origins, { secrets });
  },
  routes: (app) => {
    if (portal) app.get('/', (c) => c.redirect(`${portal.url}/`));
  },
  onListening: (listening) => {
    if (!emulated) return;
    const { emulator, webhookSecret } = emulated;
    emulator.webhooks.addEndpoint({
      url: `${listening.url}/v1/webhooks/stripe`,
      secret: webhookSecret,
    });
    logger.info({ url: emulator.url }, 'stripe emulator');
    console.log(
      `\n  Payments go to the bundled Stripe emulator at ${emulator.url} (Stripe.js ${emulator.stripeJsUrl}).` +
        '\n  Set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET to use Stripe instead.',
    );
  },
});
// The operator CLI's refunds reach the emulator this run pays through.
const withdrawEmulator = emulated
  ? announceEmulator(env.dataDir, emulated.emulator.sdkConfig)
  : undefined;

if (portal) {
  void portal.connect({
    apiUrl: server.listening.url,
    publicApiUrl: env.publicUrl,
    stripeOrigins: config.stripeJsUrl
      ? [new URL(config.stripeJsUrl).origin]
      : ['https://js.stripe.com', 'https://*.stripe.com'],
    portalUrl: portal.url,
  });
  logger.info({ url: portal.url }, 'demo portal');
  console.log(`  Demo portal (a customer's site, on its own origin): ${portal.url}/\n`);
}

exitOnSignals(logger, async () => {
  await server.stop();
  withdrawEmulator?.();
  await Promise.allSettled([emulated?.emulator.stop(), portal?.stop()]);
});
