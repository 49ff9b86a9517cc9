import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Stripe from 'stripe';
import { afterAll, describe, expect, it } from 'vitest';
import { demoKeys, signDemoLearnerToken } from '../../demo/seed.js';
import { spawnEntry } from '../fixtures/process.js';
import { startReceiver, verifyStandardWebhook } from '../webhooks/helpers.js';

describe('demo/main.ts (npm start) without Stripe keys', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lx-main-payments-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('pays through the bundled emulator, whose webhooks reach the server, and stops it on exit', async () => {
    const demo = spawnEntry('demo/main.ts', {
      DATA_DIR: dir,
      PORT: '0',
      STRIPE_EMULATOR_PORT: '0',
      LOG_LEVEL: 'info',
    });
    let emulatorUrl = '';
    try {
      const [, port] = await demo.waitFor(/"port":(\d+)[^\n]*"msg":"listening"/, 'listening');
      [, emulatorUrl = ''] = await demo.waitFor(
        /bundled Stripe emulator at (http:\/\/127\.0\.0\.1:\d+)/,
        'the emulator',
      );
      const [, portal] = await demo.waitFor(/"url":"([^"]+)"[^\n]*"msg":"demo portal"/, 'portal');
      const portalOrigin = new URL(portal!).origin;
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
      expect(await demo.stop()).toBe(0);
    }
    await expect(fetch(`${emulatorUrl}/v3/`)).rejects.toThrow();
  }, 60_000);
});
