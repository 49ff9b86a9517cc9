import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { seedDemo } from '../demo/seed.js';
import { demoTokenRoutes } from '../demo/token-routes.js';
import { createApp } from './app.js';
import { applyMigrations, openDatabase } from './db/client.js';
import { EnvError, loadEnv } from './env.js';
import { createLogger } from './logger.js';
import { loadSecretBox } from './modules/licenses/secrets.js';
import { createServices, systemClock } from './services.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function start() {
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
  if (env.seedDemo) {
    const origins = [
      ...new Set([
        new URL(publicUrl).origin,
        `http://localhost:${env.port}`,
        `http://127.0.0.1:${env.port}`,
      ]),
    ];
    seedDemo(database.db, systemClock, origins, { secrets });
  }

  const services = createServices({ config: env, database, logger, secrets });
  const app = createApp(services, {
    kitDir: path.join(root, 'dist'),
    demoDir: path.join(root, 'demo', 'public'),
  });
  // The demo pages sign learners in through a stand-in for the customer's backend.
  if (env.seedDemo) app.route('/demo', demoTokenRoutes);

  const server = serve({ fetch: app.fetch, hostname: env.host, port: env.port }, (info) => {
    logger.info(
      { address: info.address, port: info.port, database: env.databaseFile },
      'listening',
    );
    console.log(
      `\n  Liberation Kit is running at ${publicUrl}/  (API ${publicUrl}/v1, docs ${publicUrl}/docs)\n`,
    );
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
    server.close(() => {
      // Usage counted since the last flush is written here; the database closes after.
      services.close();
      database.close();
      logger.info('stopped');
      process.exit(0);
    });
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

start();
