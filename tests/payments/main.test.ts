import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Stripe from 'stripe';
import { afterAll, describe, expect, it } from 'vitest';
import { demoKeys, signDemoLearnerToken } from '../../demo/seed.js';
import { startReceiver, verifyStandardWebhook } from '../webhooks/helpers.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('demo/main.ts (npm start) without Stripe keys', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lx-main-payments-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('pays through the bundled emulator, whose webhooks reach the server, and stops it on exit', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'demo/main.ts')], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATA_DIR: dir,
        PORT: '0',
        STRIPE_EMULATOR_PORT: '0',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    let emulatorUrl = '';
    let portalOrigin = '';
    try {
      let errors = '';
      child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
      const port = await new Promise<number>((resolve, reject) => {
        let buffered = '';
        child.stdout.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          const listening = /"port":(\d+)[^\n]*"msg":"listening"/.exec(buffered);
          const emulator = /bundled Stripe emulator at (http:\/\/127\.0\.0\.1:\d+)/.exec(buffered);
          const portal = /"url":"([^"]+)"[^\n]*"msg":"demo portal"/.exec(buffered);
          if (listening && emulator && portal) {
            emulatorUrl = emulator[1]!;
            portalOrigin = new URL(portal[1]!).origin;
            resolve(Number(listening[1]));
          }
        });
        child.on('exit', () => reject(new Error(`server exited early:\n${buffered}\n${errors}`)));
      });
      const url = `http://127.0.0.1:${port}`;
      const config = await (
        await fetch(`${url}/v1/embed/config`, { headers: { 'Liberation-Key': demoKeys.academy } })
      ).json();
      expect(config.payments).toEqual({
        provider: 'stripe',
        mode: 'test',
        stripePublishableKey: expect.stringMatching(/^pk_test_/),
        stripeJsUrl: `${emulatorUrl}/v3/`,
      });

      // The academy's LMS listens for purchases; the server's worker tells it.
      const receiver = await startReceiver();
      const registered = await fetch(`${url}/v1/webhooks/endpoints`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${demoKeys.academySecret}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ url: receiver.url, eventTypes: ['purchase.completed'] }),
      });
      expect(registered.status).toBe(201);
      const { secret } = (await registered.json()) as { secret: string };

      // As the learner's browser on the academy's portal sends them (with its Origin).
      const headers = {
        Origin: portalOrigin,
        'Liberation-Key': demoKeys.academy,
        Authorization: `Bearer ${await signDemoLearnerToken('ada')}`,
      };
      const res = await fetch(`${url}/v1/checkout/sessions`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({ kind: 'course', courseId: 'crs_demo_01' }),
      });
      expect(res.status).toBe(200);
      const session = await res.json();
      expect(session).toMatchObject({ amount: 4900, currency: 'USD', mode: 'payment' });

      // The learner's browser confirming with the card, as Stripe.js would.
      const emulator = new URL(emulatorUrl);
      const stripe = new Stripe('sk_test_browserStandIn', {
        host: emulator.hostname,
        port: Number(emulator.port),
        protocol: 'http',
      });
      await stripe.paymentIntents.confirm(session.paymentIntentId, {
        payment_method: 'pm_card_visa',
      });
      let payment = { status: '', receiptUrl: null as string | null };
      for (let i = 0; i < 100 && payment.status !== 'succeeded'; i++) {
        const answer = await fetch(`${url}/v1/checkout/sessions/${session.paymentIntentId}`, {
          headers,
        });
        payment = await answer.json();
        if (payment.status !== 'succeeded') await new Promise((r) => setTimeout(r, 50));
      }
      expect(payment.status).toBe('succeeded');
      // The receipt opens in a new tab, without the learner's headers.
      const receipt = await fetch(`${url}${payment.receiptUrl}`);
      expect(receipt.status).toBe(200);
      expect(await receipt.text()).toContain('Python for Data Analysis');

      for (let i = 0; i < 200 && receiver.received.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      await receiver.close();
      expect(receiver.received).toHaveLength(1);
      expect(verifyStandardWebhook(secret, receiver.received[0]!)).toBe(true);
      expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({
        type: 'purchase.completed',
        data: { item: 'crs_demo_01', amount: 4900, learnerId: 'ada' },
      });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    await expect(fetch(`${emulatorUrl}/v3/`)).rejects.toThrow();
  }, 60_000);
});
