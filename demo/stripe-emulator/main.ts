/**
 * Runs the Stripe emulator on its own: `npm run stripe-emulator`.
 *
 * Settings come from flags or the environment (flags win):
 *   --port / PORT                     port to listen on (default 12111; 0 picks a free one)
 *   --host / HOST                     interface to bind (default 127.0.0.1)
 *   --webhook-url / WEBHOOK_URL       where to post signed events (optional)
 *   --webhook-secret / WEBHOOK_SECRET signing secret for that endpoint (whsec_…)
 *
 * Servers share it by pointing their SDK here (STRIPE_API_URL) with any sk_test_ key, and
 * verify its webhooks with the same secret as STRIPE_WEBHOOK_SECRET.
 */
import { parseArgs } from 'node:util';
import { createStripeEmulator } from './emulator.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'webhook-url': { type: 'string' },
    'webhook-secret': { type: 'string' },
  },
  allowPositionals: false,
});

const env = process.env;
const port = Number(values.port ?? env.PORT ?? 12111);
const host = values.host ?? env.HOST ?? '127.0.0.1';
const webhookUrl = values['webhook-url'] ?? env.WEBHOOK_URL;
const webhookSecret = values['webhook-secret'] ?? env.WEBHOOK_SECRET;

if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`stripe-emulator: invalid port ${String(values.port ?? env.PORT)}`);
  process.exit(2);
}
if (webhookUrl && !webhookSecret?.startsWith('whsec_')) {
  console.error('stripe-emulator: WEBHOOK_URL needs WEBHOOK_SECRET (whsec_…) to sign events');
  process.exit(2);
}

const emulator = createStripeEmulator({
  port,
  host,
  webhooks: webhookUrl && webhookSecret ? [{ url: webhookUrl, secret: webhookSecret }] : [],
  log: (line) => console.error(line),
});

const url = await emulator.start();
console.log(`Stripe emulator listening on ${url}`);
console.log(
  `  SDK:       new Stripe('sk_test_…', { host: '${emulator.sdkConfig.host}', port: ${emulator.sdkConfig.port}, protocol: 'http' })`,
);
console.log(`  Stripe.js: <script src="${emulator.stripeJsUrl}"></script>`);
if (webhookUrl) console.log(`  Webhooks:  ${webhookUrl}`);
// What a server process (`npm run serve`) needs to pay through this emulator.
console.log(
  `  Server:    STRIPE_API_URL=${url} STRIPE_JS_URL=${emulator.stripeJsUrl} STRIPE_SECRET_KEY=sk_test_… ` +
    `STRIPE_WEBHOOK_SECRET=${webhookSecret ?? 'whsec_…'}`,
);

let stopping = false;
const shutdown = (): void => {
  if (stopping) return;
  stopping = true;
  void emulator.stop().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
