import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../server/db/store.js';
import { SECRETS_KEY } from '../fixtures/harness.js';
import {
  buyCourse,
  eventRows,
  learnerOf,
  paymentRows,
  sellTestCourses,
  startPayments,
  WEBHOOK_SECRET,
  type PaymentsHarness,
} from './helpers.js';

/** Starts the application in its own process on the harness's database; resolves its URL. */
function startProcess(
  h: PaymentsHarness,
  killAfterRecord: boolean,
): Promise<{ child: ChildProcess; url: string; exited: Promise<NodeJS.Signals | null> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'tests/payments/fixtures/server-process.ts'],
    {
      env: {
        ...process.env,
        LX_DATABASE_FILE: path.join(h.dir, 'liberation.db'),
        ...(h.storeUrl ? { LX_DATABASE_URL: h.storeUrl } : {}),
        LX_EMULATOR_URL: h.emulator.url,
        LX_WEBHOOK_SECRET: WEBHOOK_SECRET,
        LX_SECRETS_KEY: SECRETS_KEY.toString('hex'),
        KILL_AFTER_RECORD: killAfterRecord ? '1' : '0',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const port = /listening (\d+)/.exec(out)?.[1];
      if (port) resolve({ child, url: `http://127.0.0.1:${port}`, exited });
    });
    child.on('exit', () => reject(new Error(`the server process ended early: ${out}`)));
  });
}

describe('a crash between recording an event and acknowledging it', () => {
  let h: PaymentsHarness;

  beforeAll(async () => {
    h = await startPayments();
    sellTestCourses(h);
  });
  afterAll(() => h.close());

  it('applies the event once when Stripe redelivers it to the restarted server', async () => {
    const buyer = await learnerOf(h, { name: 'Crash Academy', sub: 'crash' });
    const harnessEndpoint = `${h.url}/v1/webhooks/stripe`;
    h.emulator.webhooks.removeEndpoint(harnessEndpoint);
    let intentId: string;
    try {
      intentId = await buyCourse(h, buyer.headers);
    } finally {
      h.emulator.webhooks.addEndpoint({ url: harnessEndpoint, secret: WEBHOOK_SECRET });
    }
    const event = await h.stripe.events.retrieve(
      h.emulator
        .events()
        .find((e) => e.objectId === intentId && e.type === 'payment_intent.succeeded')!.id,
    );
    const payload = JSON.stringify(event);
    const deliver = (url: string) =>
      fetch(`${url}/v1/webhooks/stripe`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Stripe-Signature': h.stripe.webhooks.generateTestHeaderString({
            payload,
            secret: WEBHOOK_SECRET,
          }),
        },
        body: payload,
      });

    const doomed = await startProcess(h, true);
    await expect(deliver(doomed.url)).rejects.toThrow();
    expect(await doomed.exited).toBe('SIGKILL');
    // It was recorded before the process died.
    expect((await eventRows(h)).filter((e) => e.id === event.id)).toHaveLength(1);

    const restarted = await startProcess(h, false);
    try {
      const again = await deliver(restarted.url);
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({ received: true, duplicate: true });
    } finally {
      restarted.child.kill('SIGTERM');
      await restarted.exited;
    }
    const payment = (await paymentRows(h)).filter((r) => r.payment_intent_id === intentId);
    expect(payment.map((p) => p.status)).toEqual(['succeeded']);
    const paymentId = payment[0]!.id;
    const count = async (query: SQL) =>
      Number((await rows<{ n: number }>(h.store.db, query))[0]!.n);
    expect(
      await count(sql`select count(*) as n from receipts where payment_id = ${paymentId}`),
    ).toBe(1);
    expect(
      await count(
        sql`select count(*) as n from outbox_events where type = 'purchase.completed' and payload ->> 'paymentId' = ${paymentId}`,
      ),
    ).toBe(1);
  });
});
