import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceEmulator } from '../../demo/stripe-emulator/discovery.js';
import { SECRETS_KEY } from '../fixtures/harness.js';
import {
  buyCourse,
  learnerOf,
  paymentRows,
  sellTestCourses,
  startPayments,
  type PaymentsHarness,
} from './helpers.js';
import { webhookDeliveries } from '../../server/modules/webhooks/schema.js';

/** `npm run admin -- …` against the harness's store, while its server runs. */
function admin(h: PaymentsHarness, ...args: string[]) {
  return adminWith(h, {}, ...args);
}

function adminWith(h: PaymentsHarness, env: Record<string, string>, ...args: string[]) {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/admin.ts', ...args], {
      env: {
        ...process.env,
        DATABASE_FILE: path.join(h.dir, 'liberation.db'),
        ...(h.storeUrl ? { DATABASE_URL: h.storeUrl } : {}),
        SECRETS_KEY: SECRETS_KEY.toString('hex'),
        LOG_LEVEL: 'silent',
        STRIPE_SECRET_KEY: '',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('npm run admin -- payment | refund | receipt | webhook', () => {
  let h: PaymentsHarness;
  let licenseId: string;
  let paymentId: string;

  beforeAll(async () => {
    h = await startPayments();
    sellTestCourses(h);
    const buyer = await learnerOf(h, { name: 'CLI College', sub: 'cli-buyer' });
    licenseId = buyer.license.id;
    const intentId = await buyCourse(h, buyer.headers, 'chess');
    await h.emulator.webhooks.settled();
    paymentId = (await paymentRows(h)).find((r) => r.payment_intent_id === intentId)!.id;
  });
  afterAll(() => h.close());

  it('lists and shows payments, and prints a receipt with a working signed link', async () => {
    const list = await admin(h, 'payment', 'list', '--license', licenseId, '--json');
    expect(list.code).toBe(0);
    const { items } = JSON.parse(list.out);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      paymentId,
      status: 'succeeded',
      amount: 1_000,
      receiptNumber: 1,
    });

    const receipt = await admin(
      h,
      'receipt',
      'show',
      items[0].receiptId,
      '--license',
      licenseId,
      '--link',
      '--json',
    );
    expect(receipt.code).toBe(0);
    const shown = JSON.parse(receipt.out);
    expect(shown).toMatchObject({ number: 1, amount: 1_000, currency: 'USD' });
    // The CLI signs with the wall clock; the server reads the link with the same one here.
    h.clock.set(new Date());
    const page = await fetch(h.url + shown.link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Course: chess');
  });

  it('refuses a refund above what was paid before reaching for Stripe', async () => {
    const run = await admin(
      h,
      'refund',
      'create',
      paymentId,
      '--license',
      licenseId,
      '--amount',
      '1001',
      '--json',
    );
    expect(run.code).toBe(1);
    expect(JSON.parse(run.out).error).toMatchObject({
      code: 'conflict',
      reason: 'amount_exceeds_refundable',
      refundable: 1_000,
    });
    const bad = await admin(
      h,
      'refund',
      'create',
      paymentId,
      '--license',
      licenseId,
      '--amount',
      'ten',
    );
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('--amount');
    expect((await admin(h, 'refund', 'explode')).code).toBe(2);
  });

  it("refunds through the running server's emulator when no Stripe keys are set", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lx-cli-data-'));
    const refund = () =>
      adminWith(
        h,
        { DATA_DIR: dataDir },
        'refund',
        'create',
        paymentId,
        '--license',
        licenseId,
        '--amount',
        '250',
        '--json',
      );
    try {
      const alone = await refund();
      expect(alone.code).toBe(1);
      expect(JSON.parse(alone.out).error).toMatchObject({ code: 'service_unavailable' });

      const withdraw = announceEmulator(dataDir, h.emulator.sdkConfig);
      const run = await refund();
      expect(run.code).toBe(0);
      expect(JSON.parse(run.out)).toMatchObject({ amount: 250, currency: 'USD' });
      await h.emulator.webhooks.settled();
      const charge = await h.stripe.paymentIntents.retrieve(
        (await paymentRows(h)).find((r) => r.id === paymentId)!.payment_intent_id!,
        { expand: ['latest_charge'] },
      );
      expect((charge.latest_charge as { amount_refunded: number }).amount_refunded).toBe(250);
      expect((await paymentRows(h)).find((r) => r.id === paymentId)).toMatchObject({
        amount_refunded: 250,
      });
      withdraw();
      expect(fs.existsSync(path.join(dataDir, 'stripe-emulator.json'))).toBe(false);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('reconciles with Stripe: applies what no webhook brought, once', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lx-cli-reconcile-'));
    const withdraw = announceEmulator(dataDir, h.emulator.sdkConfig);
    const reconcile = (...args: string[]) =>
      adminWith(h, { DATA_DIR: dataDir }, 'stripe', 'reconcile', ...args);
    try {
      const learner = await learnerOf(h, { name: 'Down For Days', sub: 'down' });
      const since = new Date(Date.now() - 1_000).toISOString();
      h.emulator.webhooks.configure({ deliveries: 'off' });
      let intentId: string;
      try {
        intentId = await buyCourse(h, learner.headers, 'poetry');
      } finally {
        h.emulator.webhooks.configure({ deliveries: 'on' });
      }
      const row = async () => (await paymentRows(h)).find((r) => r.payment_intent_id === intentId)!;
      expect((await row()).status).toBe('requires_payment_method');

      const first = await reconcile('--since', since, '--json');
      expect(first.code).toBe(0);
      expect(JSON.parse(first.out)).toMatchObject({ since, failed: [] });
      expect(JSON.parse(first.out).applied).toBeGreaterThanOrEqual(1);
      expect((await row()).status).toBe('succeeded');

      const again = await reconcile('--since', since);
      expect(again.code).toBe(0);
      expect(again.out).toMatch(/applied 0\b/);

      expect((await reconcile()).code).toBe(1);
      expect((await reconcile('--since', 'yesterday')).code).toBe(1);
    } finally {
      withdraw();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('adds an endpoint, lists deliveries and replays the failed ones', async () => {
    const added = await admin(
      h,
      'webhook',
      'add',
      '--license',
      licenseId,
      '--url',
      'https://lms.example.edu/hook',
      '--event',
      'purchase.*',
      '--json',
    );
    expect(added.code).toBe(0);
    const { endpoint, secret } = JSON.parse(added.out);
    expect(secret).toMatch(/^whsec_/);
    const refused = await admin(
      h,
      'webhook',
      'add',
      '--license',
      licenseId,
      '--url',
      'http://lms.example.edu/hook',
    );
    expect(refused.code).toBe(1);

    await h.store.write(async (tx) => {
      await tx.insert(webhookDeliveries).values({
        id: 'wdl_cli',
        licenseId,
        endpointId: endpoint.id,
        eventId: 'evt_cli',
        eventType: 'purchase.completed',
        status: 'failed',
        attempts: 8,
        createdAt: h.clock.now(),
        updatedAt: h.clock.now(),
      });
    });
    const failed = await admin(
      h,
      'webhook',
      'deliveries',
      '--license',
      licenseId,
      '--status',
      'failed',
    );
    expect(failed.out).toContain('wdl_cli');
    const since = new Date(h.clock.now().getTime() - 60_000).toISOString();
    const replay = await admin(
      h,
      'webhook',
      'replay-failed',
      '--since',
      since,
      '--license',
      licenseId,
      '--json',
    );
    expect(JSON.parse(replay.out)).toEqual({ replayed: 1 });
    const [row] = await h.store.db
      .select({ status: webhookDeliveries.status, attempts: webhookDeliveries.attempts })
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.id, 'wdl_cli'));
    expect(row).toEqual({ status: 'pending', attempts: 0 });
  });
});
