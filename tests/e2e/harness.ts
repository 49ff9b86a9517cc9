import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { chromium, type Browser } from 'playwright-core';
import { seedDemo } from '../../demo/seed.js';
import { createApp } from '../../server/app.js';
import { applyMigrations, openDatabase } from '../../server/db/client.js';
import { createLogger } from '../../server/logger.js';
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
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

/**
 * The real app serving the built kit and the demo pages, with the demo seed, plus a second
 * "customer portal" server on another origin for cross-origin embedding.
 */
export async function startStack(extraOrigins: string[] = []) {
  if (!fs.existsSync(path.join(root, 'dist', 'kit.js'))) {
    throw new Error('dist/ is missing: run `npm run build` before the end-to-end tests.');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lx-e2e-'));
  const database = openDatabase(path.join(dir, 'e2e.db'));
  applyMigrations(database);
  const services = createServices({
    config: { bodyLimitBytes: 1 << 20, licenseCacheTtlMs: 0, stripePublishableKey: undefined },
    database,
    logger: createLogger('silent'),
  });
  const app = createApp(services, {
    kitDir: path.join(root, 'dist'),
    demoDir: path.join(root, 'demo', 'public'),
  });
  const api = await listen(app.fetch);

  const pages = new Map<string, string>();
  const portal = await listen(
    new Hono().get('/:page', (c) => {
      const body = pages.get(c.req.param('page'));
      return body ? c.html(body) : c.notFound();
    }).fetch,
  );
  seedDemo(database.db, systemClock, [api.url, portal.url, ...extraOrigins]);

  const browser: Browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: chromiumArgs,
  });
  return {
    api: api.url,
    portal: portal.url,
    services,
    browser,
    /** Serves `html` from the portal origin at /<name>. */
    page(name: string, html: string) {
      pages.set(name, html);
      return `${portal.url}/${name}`;
    },
    async stop() {
      await browser.close();
      await portal.close();
      await api.close();
      database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
