/**
 * A server under load, in its own process so the load generator does not share its event
 * loop. `app` is the real application on the given SQLite file, logging at info level to
 * /dev/null (serializing the request log is part of the real cost; printing it is not).
 * `bare` is a hello-world Hono app on the same adapter, the baseline; it can also answer with
 * a copy of another response's body and headers, to show what the bytes alone cost.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { pino } from 'pino';
import { createApp } from '../../server/app.js';
import { openStore } from '../../server/db/store.js';
import { loadEnv } from '../../server/env.js';
import { createLogger } from '../../server/logger.js';
import { loadSecretBox } from '../../server/modules/licenses/secrets.js';
import { createServices } from '../../server/services.js';
import { BENCH_WEBHOOK_SECRET } from './rows.js';

export interface Shape {
  body: string;
  headers: Record<string, string>;
}
export type ServerMessage =
  { type: 'ready'; port: number } | { type: 'rss'; rss: number } | { type: 'shaped' };
export type ParentMessage = { type: 'rss' } | { type: 'stop' } | ({ type: 'shape' } & Shape);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const [kind, databaseFile] = process.argv.slice(2);
let shape: Shape = { body: 'ok', headers: {} };

async function build(): Promise<{
  fetch: (request: Request) => Response | Promise<Response>;
  close(): Promise<void> | void;
}> {
  if (kind === 'bare') {
    const app = new Hono()
      .get('/', (c) => c.text('ok'))
      .get('/shaped', (c) => c.body(shape.body, 200, shape.headers));
    return { fetch: app.fetch, close: () => {} };
  }
  if (kind !== 'app' || !databaseFile) throw new Error('usage: server.ts app <database> | bare');
  const env = loadEnv({
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    DATABASE_FILE: databaseFile,
    // Webhook rows only verify and deduplicate; nothing reaches Stripe.
    STRIPE_SECRET_KEY: 'sk_test_bench',
    STRIPE_WEBHOOK_SECRET: BENCH_WEBHOOK_SECRET,
  });
  const logger = createLogger(env.logLevel, pino.destination({ dest: '/dev/null', sync: false }));
  const store = await openStore({ url: env.databaseUrl, file: env.databaseFile });
  const services = createServices({
    config: env,
    store,
    logger,
    secrets: loadSecretBox({ secretsKey: env.secretsKey, dataDir: path.dirname(databaseFile) }),
  });
  const app = createApp(services, {
    kitDir: path.join(root, 'dist'),
    demoDir: path.join(root, 'demo', 'public'),
  });
  return {
    fetch: app.fetch,
    close: async () => {
      await services.close();
      await store.close();
    },
  };
}

const target = await build();
const send = (message: ServerMessage) => process.send?.(message);
const server = serve({ fetch: target.fetch, hostname: '127.0.0.1', port: 0 }, (info) =>
  send({ type: 'ready', port: info.port }),
);

process.on('message', (message: ParentMessage) => {
  if (message.type === 'rss') send({ type: 'rss', rss: process.memoryUsage().rss });
  if (message.type === 'shape') {
    shape = { body: message.body, headers: message.headers };
    send({ type: 'shaped' });
  }
  if (message.type === 'stop') {
    if ('closeAllConnections' in server) server.closeAllConnections();
    server.close(() => {
      void Promise.resolve(target.close()).finally(() => process.exit(0));
    });
  }
});
// The parent owns this process: if it goes away, so do we.
process.on('disconnect', () => process.exit(0));
