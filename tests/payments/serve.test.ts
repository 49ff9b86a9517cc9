import Stripe from 'stripe';
import { afterAll, describe, expect, it } from 'vitest';
import { demoKeys, seedDemo, signDemoLearnerToken } from '../../demo/seed.js';
import { SecretBox } from '../../server/modules/licenses/secrets.js';
import { systemClock } from '../../server/services.js';
import { freePort, spawnEntry, type Spawned } from '../fixtures/process.js';
import { SECRETS_KEY } from '../fixtures/harness.js';
import { createTestStore, type TestStore } from '../fixtures/store.js';

const WEBHOOK_SECRET = 'whsec_sharedEmulatorSuite';

describe('npm run serve with STRIPE_API_URL: one standalone emulator, as a cluster shares it', () => {
  const running: Spawned[] = [];
  let temp: TestStore | undefined;
  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop()));
    await temp?.cleanup();
  });

  it('takes a course checkout end to end through the emulator and its signed webhooks', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const emulator = spawnEntry('demo/stripe-emulator/main.ts', {}, [
      '--port',
      '0',
      '--webhook-url',
      `${url}/v1/webhooks/stripe`,
      '--webhook-secret',
      WEBHOOK_SECRET,
    ]);
    running.push(emulator);
    // It prints what a server needs to use it, last.
    const [, emulatorUrl] = await emulator.waitFor(
      /STRIPE_API_URL=(http:\/\/127\.0\.0\.1:\d+) /,
      'the emulator',
    );
    expect(emulator.output()).toContain(`Stripe emulator listening on ${emulatorUrl}`);

    // The licenses an operator would create; the production entry seeds nothing itself. The
    // run's store: a SQLite file in the data directory, or a PostgreSQL database of its own.
    temp = await createTestStore();
    await seedDemo(temp.store, systemClock, [url], { secrets: new SecretBox(SECRETS_KEY) });

    const server = spawnEntry('server/main.ts', {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: temp.dir,
      ...(temp.url ? { DATABASE_URL: temp.url } : {}),
      LOG_LEVEL: 'info',
      SECRETS_KEY: SECRETS_KEY.toString('hex'),
      STRIPE_SECRET_KEY: 'sk_test_sharedEmulatorSuite',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_PUBLISHABLE_KEY: 'pk_test_sharedEmulatorSuite',
      STRIPE_API_URL: emulatorUrl!,
      STRIPE_JS_URL: `${emulatorUrl}/v3/`,
    });
    running.push(server);
    await server.waitFor(/"msg":"listening"/, 'the server');
    expect(await (await fetch(`${url}/readyz`)).json()).toMatchObject({ status: 'ready' });
    expect(server.output()).not.toContain('payments unavailable');

    const config = await (
      await fetch(`${url}/v1/embed/config`, { headers: { 'Liberation-Key': demoKeys.academy } })
    ).json();
    expect(config.payments).toMatchObject({
      stripePublishableKey: 'pk_test_sharedEmulatorSuite',
      stripeJsUrl: `${emulatorUrl}/v3/`,
    });

    // As the learner's browser on a page of the academy sends them (with its Origin).
    const headers = {
      Origin: url,
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

    // The payment intent lives in the standalone emulator; the browser confirms it there.
    const endpoint = new URL(emulatorUrl!);
    const stripe = new Stripe('sk_test_browserStandIn', {
      host: endpoint.hostname,
      port: Number(endpoint.port),
      protocol: 'http',
    });
    const intent = await stripe.paymentIntents.retrieve(session.paymentIntentId);
    expect(intent).toMatchObject({ amount: 4900, currency: 'usd' });
    await stripe.paymentIntents.confirm(session.paymentIntentId, {
      payment_method: 'pm_card_visa',
    });

    // Succeeded only once the emulator's webhook, signed with the shared secret, was applied.
    let status = '';
    const deadline = Date.now() + 30_000;
    while (status !== 'succeeded' && Date.now() < deadline) {
      const answer = await fetch(`${url}/v1/checkout/sessions/${session.paymentIntentId}`, {
        headers,
      });
      status = ((await answer.json()) as { status: string }).status;
      if (status !== 'succeeded') await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe('succeeded');

    expect(await server.stop()).toBe(0);
    expect(await emulator.stop()).toBe(0);
  }, 90_000);
});
