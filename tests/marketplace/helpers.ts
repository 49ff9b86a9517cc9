import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import Stripe from 'stripe';
import { createStripeEmulator, type StripeEmulator } from '../../demo/stripe-emulator/index.js';
import { createApp } from '../../server/app.js';
import { applyMigrations, openDatabase, type Database_ } from '../../server/db/client.js';
import { loadEnv } from '../../server/env.js';
import { createLogger } from '../../server/logger.js';
import type { CourseInput } from '../../server/modules/marketplace/openapi.js';
import type { Author } from '../../server/modules/marketplace/service.js';
import { SecretBox } from '../../server/modules/licenses/secrets.js';
import { createServices, type Services } from '../../server/services.js';
import {
  createLicense,
  learnerHeaders,
  OPERATOR_TOKEN,
  SECRETS_KEY,
  signToken,
  TestClock,
} from '../licensing/helpers.js';

export const STRIPE_KEY = 'sk_test_marketplaceSuite';
export const WEBHOOK_SECRET = 'whsec_marketplaceSuiteSecret';

export interface MarketHarness {
  url: string;
  dir: string;
  services: Services;
  database: Database_;
  clock: TestClock;
  emulator: StripeEmulator;
  stripe: Stripe;
  fetch(p: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** The real application, its files in a temporary data directory, and the Stripe emulator. */
export async function startMarket(): Promise<MarketHarness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lx-market-'));
  const database = openDatabase(path.join(dir, 'liberation.db'));
  applyMigrations(database);
  const clock = new TestClock();
  const emulator = createStripeEmulator({
    delivery: { initialBackoffMs: 20, maxAttempts: 4, timeoutMs: 5000 },
  });
  await emulator.start();
  const stripe = new Stripe(STRIPE_KEY, { ...emulator.sdkConfig, maxNetworkRetries: 0 });
  const services = createServices({
    config: {
      ...loadEnv({ NODE_ENV: 'test' }),
      dataDir: dir,
      licenseCacheTtlMs: 0,
      operatorToken: OPERATOR_TOKEN,
      usageFlushIntervalMs: 60_000,
      stripeWebhookSecret: WEBHOOK_SECRET,
    },
    database,
    logger: createLogger('silent'),
    clock,
    secrets: new SecretBox(SECRETS_KEY),
    stripe,
  });
  const app = createApp(services);
  const { server, port } = await new Promise<{ server: ServerType; port: number }>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) =>
      resolve({ server: s, port: info.port }),
    );
  });
  const url = `http://127.0.0.1:${port}`;
  emulator.webhooks.addEndpoint({ url: `${url}/v1/webhooks/stripe`, secret: WEBHOOK_SECRET });
  return {
    url,
    dir,
    services,
    database,
    clock,
    emulator,
    stripe,
    fetch: (p, init) => fetch(url + p, init),
    close: async () => {
      await emulator.stop();
      if ('closeAllConnections' in server) server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      services.close();
      database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Tenant {
  licenseId: string;
  publishableKey: string;
  secretKey: string;
  signingSecret: string;
  origin: string;
  author: Author;
  /** Headers of a learner of this tenant (publishable key, token, origin). */
  learner(sub: string, name?: string): Promise<Record<string, string>>;
  /** Secret-key headers of the tenant's server. */
  server: Record<string, string>;
}

export function tenantOf(h: MarketHarness, name: string, origin: string): Tenant {
  const created = createLicense(h.services, { name, origins: [origin] });
  const licenseId = created.license.id;
  return {
    licenseId,
    publishableKey: created.license.publishableKey,
    secretKey: created.secretKey,
    signingSecret: created.signingSecret!,
    origin,
    author: { licenseId, instructorId: null },
    server: { Authorization: `Bearer ${created.secretKey}` },
    learner: async (sub, displayName) =>
      learnerHeaders(
        created.license.publishableKey,
        await signToken(created.signingSecret!, licenseId, h.clock, {
          sub,
          ...(displayName ? { claims: { name: displayName } } : {}),
        }),
        origin,
      ),
  };
}

export function courseInput(overrides: Partial<CourseInput> = {}): CourseInput {
  return {
    title: 'Python for Data Analysis',
    subtitle: 'Pandas, NumPy and plots',
    description: 'Learn to analyse data.',
    descriptionFormat: 'text',
    category: 'programming',
    level: 'beginner',
    language: 'en',
    tags: ['python', 'data'],
    price: { amount: 4900, currency: 'USD' },
    status: 'published',
    ...overrides,
  };
}

/** The learner's server id, as enrollments and payments name them. */
export function learnerIdOf(h: MarketHarness, licenseId: string, sub: string): string {
  const row = h.database.sqlite
    .prepare('select id from learners where license_id = ? and subject = ?')
    .get(licenseId, sub) as { id: string } | undefined;
  if (!row) throw new Error(`no learner ${sub}`);
  return row.id;
}
