import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { chromium, type Browser, type Page } from 'playwright-core';
import Stripe from 'stripe';
import { createPortal } from '../../demo/portal.js';
import { seedDemo } from '../../demo/seed.js';
import { seedPortalDemo } from '../../demo/seed-portal.js';
import { EMULATOR_SECRET_KEY } from '../../demo/stripe-emulator/discovery.js';
import { createStripeEmulator } from '../../demo/stripe-emulator/index.js';
import { createApp } from '../../server/app.js';
import { applyMigrations, openDatabase } from '../../server/db/client.js';
import { createLogger } from '../../server/logger.js';
import { SecretBox } from '../../server/modules/licenses/secrets.js';
import { createServices, systemClock } from '../../server/services.js';
// @ts-expect-error plain ES module shared with the Node scripts
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';

const root = path.resolve(import.meta.dirname, '../..');

export function listen(fetch: (req: Request) => Response | Promise<Response>): Promise<{
  server: ServerType;
  url: string;
  close(): Promise<void>;
}> {
  return new Promise((resolve) => {
    const server = serve({ fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
      resolve({
        server,
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            if ('closeAllConnections' in server) server.closeAllConnections();
          }),
      });
    });
  });
}

/**
 * The stack `npm start` runs, in one process: the real app serving the built kit and the API,
 * the bundled Stripe emulator posting webhooks back to it, and the demo portal on a second
 * origin (the customer's site and backend), with the demo seed. `page()` adds ad-hoc pages to
 * the portal origin for cross-origin embedding tests.
 */
export async function startStack(extraOrigins: string[] = []) {
  if (!fs.existsSync(path.join(root, 'dist', 'kit.js'))) {
    throw new Error('dist/ is missing: run `npm run build` before the end-to-end tests.');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lx-e2e-'));
  const database = openDatabase(path.join(dir, 'e2e.db'));
  applyMigrations(database);
  const secrets = SecretBox.ephemeral();
  const emulator = createStripeEmulator({ host: '127.0.0.1', port: 0 });
  await emulator.start();
  const webhookSecret = `whsec_${randomBytes(24).toString('hex')}`;
  const services = createServices({
    config: {
      bodyLimitBytes: 1 << 20,
      licenseCacheTtlMs: 0,
      stripePublishableKey: 'pk_test_liberationkit',
      stripeWebhookSecret: webhookSecret,
      stripeJsUrl: emulator.stripeJsUrl,
      // As in `npm start`: the portal's partner webhook endpoint is on this machine.
      webhooksAllowLoopback: true,
    },
    database,
    logger: createLogger('silent'),
    secrets,
    stripe: new Stripe(EMULATOR_SECRET_KEY, { ...emulator.sdkConfig }),
  });
  const app = createApp(services, { kitDir: path.join(root, 'dist') });
  const api = await listen(app.fetch);
  emulator.webhooks.addEndpoint({ url: `${api.url}/v1/webhooks/stripe`, secret: webhookSecret });

  const pages = new Map<string, string>();
  const portal = createPortal({ publicDir: path.join(root, 'demo', 'public'), clock: systemClock });
  const portalApp = new Hono();
  portalApp.use('/:page', async (c, next) => {
    const body = pages.get(c.req.param('page'));
    if (body) return c.html(body);
    await next();
  });
  portalApp.route('/', portal.app);
  const portalServer = await listen(portalApp.fetch);
  const stripeOrigin = new URL(emulator.url).origin;

  const origins = [api.url, portalServer.url, ...extraOrigins];
  seedDemo(database.db, systemClock, origins, { secrets });
  seedPortalDemo(database.db, systemClock, origins, { secrets });
  // As in `npm start`: the partner webhook worker runs; the portal's backend registers its
  // endpoint when the LMS page is first served.
  services.webhooks.start();
  portal.connect({
    apiUrl: api.url,
    stripeOrigins: [stripeOrigin],
    portalUrl: portalServer.url,
  });

  const browser: Browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: chromiumArgs,
  });
  return {
    api: api.url,
    portal: portalServer.url,
    stripeOrigin,
    services,
    portalBackend: portal,
    emulator,
    browser,
    /** Serves `html` from the portal origin at /<name>. */
    page(name: string, html: string) {
      pages.set(name, html);
      return `${portalServer.url}/${name}`;
    },
    /** Points the demo license's allowed origins at `origins` (and back with `restore`). */
    setAllowedOrigins(licenseId: string, allowed: string[]) {
      services.database.sqlite
        .prepare('update licenses set allowed_origins = ?, updated_at = ? where id = ?')
        .run(JSON.stringify(allowed), Date.now(), licenseId);
      services.licenses.invalidateAll();
    },
    origins,
    async stop() {
      await browser.close();
      await services.webhooks.stop();
      await portalServer.close();
      await api.close();
      await emulator.stop();
      await services.close();
      database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type Stack = Awaited<ReturnType<typeof startStack>>;

/** Opens `url` in a new page, collecting requests, page errors and console errors. */
export async function openPage(
  browser: Browser,
  url: string,
  options: { colorScheme?: 'light' | 'dark'; bypassCSP?: boolean } = {},
) {
  const context = await browser.newContext({
    colorScheme: options.colorScheme ?? 'light',
    bypassCSP: options.bypassCSP ?? false,
  });
  const page: Page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url, { waitUntil: 'load' });
  return {
    page,
    requests,
    errors,
    close: () => context.close(),
  };
}
