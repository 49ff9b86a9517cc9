import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { webhookEndpoints } from '../../server/modules/webhooks/schema.js';
import {
  createLicense,
  expectProblem,
  jsonInit,
  learnerHeaders,
  OPERATOR_TOKEN,
  signToken,
} from '../fixtures/harness.js';
import {
  ACME_ORIGIN,
  buyCourse,
  sellTestCourses,
  startPayments,
  type PaymentsHarness,
} from '../payments/helpers.js';
import {
  ManualScheduler,
  startReceiver,
  testWorker,
  verifyStandardWebhook,
  type Receiver,
} from './helpers.js';

describe('partner webhooks', () => {
  let h: PaymentsHarness;
  let receiver: Receiver;
  let n = 0;

  beforeAll(async () => {
    // The partner's receiver listens on 127.0.0.1.
    h = await startPayments({ webhooksAllowLoopback: true });
    sellTestCourses(h);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await h.close();
  });
  beforeEach(() => {
    receiver.received.length = 0;
    receiver.answers.length = 0;
  });

  /** A license with a learner, its secret key, and an endpoint pointed at the receiver. */
  async function tenant(eventTypes?: string[]) {
    n += 1;
    const created = await createLicense(h.services, {
      name: `Partner ${n}`,
      origins: [ACME_ORIGIN],
    });
    const token = await signToken(created.signingSecret!, created.license.id, h.clock, {
      sub: `lms-user-${n}`,
    });
    const learner = learnerHeaders(created.license.publishableKey, token, ACME_ORIGIN);
    const sk = { Authorization: `Bearer ${created.secretKey}` };
    const response = await h.fetch(
      '/v1/webhooks/endpoints',
      jsonInit('POST', { url: receiver.url, eventTypes }, sk),
    );
    expect(response.status).toBe(201);
    const { endpoint, secret } = (await response.json()) as {
      endpoint: { id: string };
      secret: string;
    };
    return { licenseId: created.license.id, learner, sk, endpoint, secret };
  }

  it('creates an endpoint whose secret is shown once and stored sealed', async () => {
    const t = await tenant();
    expect(t.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const list = await (await h.fetch('/v1/webhooks/endpoints', { headers: t.sk })).json();
    expect(list.items).toHaveLength(1);
    expect(JSON.stringify(list)).not.toContain(t.secret.slice(6));
    const stored = await h.store.db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, t.endpoint.id));
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(t.secret.slice(6));

    for (const url of [
      'http://lms.example.edu/hook',
      'ftp://127.0.0.1/x',
      'https://u:p@lms.example.edu/',
      'https://169.254.169.254/latest',
      'https://10.0.0.7/hook',
      'https://[fd00::1]/hook',
    ]) {
      await expectProblem(
        await h.fetch('/v1/webhooks/endpoints', jsonInit('POST', { url }, t.sk)),
        'validation_failed',
      );
    }
    const secure = await h.fetch(
      '/v1/webhooks/endpoints',
      jsonInit('POST', { url: 'https://lms.example.edu/hook', eventTypes: ['redemption.*'] }, t.sk),
    );
    expect(secure.status).toBe(201);
  });

  it('sends purchase.completed signed as Standard Webhooks says, verified independently', async () => {
    const t = await tenant();
    const worker = testWorker(h);
    await buyCourse(h, t.learner);
    await h.emulator.webhooks.settled();
    const round = await worker.runOnce();
    expect(round).toMatchObject({ succeeded: 1, retrying: 0, failed: 0 });
    expect(receiver.received).toHaveLength(1);
    const request = receiver.received[0]!;
    expect(verifyStandardWebhook(t.secret, request)).toBe(true);
    expect(request.headers['webhook-timestamp']).toBe(
      String(Math.floor(h.clock.now().getTime() / 1000)),
    );
    const event = JSON.parse(request.body);
    expect(event).toMatchObject({
      type: 'purchase.completed',
      data: {
        kind: 'course',
        item: 'algebra',
        amount: 4_900,
        currency: 'USD',
        learnerId: `lms-user-${n}`,
      },
    });
    expect(request.headers['webhook-id']).toMatch(/^evt_/);
    // Tampering with any part breaks the signature.
    expect(
      verifyStandardWebhook(t.secret, { ...request, body: request.body.replace('4900', '1') }),
    ).toBe(false);
    expect(
      verifyStandardWebhook(t.secret, {
        ...request,
        headers: {
          ...request.headers,
          'webhook-timestamp': String(Number(request.headers['webhook-timestamp']) + 1),
        },
      }),
    ).toBe(false);
    expect(verifyStandardWebhook(`whsec_${Buffer.alloc(32).toString('base64')}`, request)).toBe(
      false,
    );
    // Delivered once: another round sends nothing.
    expect(await worker.runOnce()).toMatchObject({ queued: 0, succeeded: 0 });
  });

  it('retries with exponential backoff and logs every attempt', async () => {
    const t = await tenant(['purchase.*']);
    const worker = testWorker(h);
    receiver.answers.push(500, 503);
    await buyCourse(h, t.learner);
    await h.emulator.webhooks.settled();

    expect(await worker.runOnce()).toMatchObject({ queued: 1, retrying: 1 });
    // Not due yet: nothing is sent however often the worker looks.
    expect(await worker.runOnce()).toMatchObject({ retrying: 0, succeeded: 0 });
    // Attempt 1 failed: wait 1 s × 2⁰, half of it random (0.5 here) → 750 ms.
    h.clock.advance(749);
    expect((await worker.runOnce()).retrying).toBe(0);
    h.clock.advance(1);
    expect((await worker.runOnce()).retrying).toBe(1);
    // Attempt 2 failed: 1 s × 2¹ → 1 500 ms.
    h.clock.advance(1_499);
    expect((await worker.runOnce()).succeeded).toBe(0);
    h.clock.advance(1);
    expect((await worker.runOnce()).succeeded).toBe(1);

    expect(receiver.received).toHaveLength(3);
    const ids = new Set(receiver.received.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    for (const r of receiver.received) expect(verifyStandardWebhook(t.secret, r)).toBe(true);

    const list = await (await h.fetch('/v1/webhooks/deliveries', { headers: t.sk })).json();
    expect(list.items).toHaveLength(1);
    const shown = await (
      await h.fetch(`/v1/webhooks/deliveries/${list.items[0].id}`, { headers: t.sk })
    ).json();
    expect(shown).toMatchObject({ status: 'succeeded', attempts: 3, lastStatusCode: 200 });
    expect(shown.log.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 503, 200]);
    expect(shown.log[0].error).toBe('HTTP 500');
    const gaps = shown.log
      .slice(0, 2)
      .map(
        (a: { startedAt: string; nextAttemptAt: string }) =>
          Date.parse(a.nextAttemptAt) - Date.parse(a.startedAt),
      );
    expect(gaps).toEqual([750, 1_500]);
    expect(shown.log[2].nextAttemptAt).toBeNull();
    for (const a of shown.log) expect(a.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('gives up after the last attempt, and replays one or all failed since a time', async () => {
    const t = await tenant();
    const worker = testWorker(h, { maxAttempts: 2 });
    receiver.answers.push(500, 500, 500, 500);
    const since = h.clock.now().toISOString();
    await buyCourse(h, t.learner);
    await h.emulator.webhooks.settled();
    await worker.runOnce();
    h.clock.advance(60_000);
    expect(await worker.runOnce()).toMatchObject({ failed: 1 });
    h.clock.advance(3_600_000);
    expect(await worker.runOnce()).toMatchObject({ failed: 0, retrying: 0 });

    const admin = { Authorization: `Bearer ${OPERATOR_TOKEN}` };
    const failed = await (
      await h.fetch(`/v1/admin/webhooks/${t.licenseId}/deliveries?status=failed`, {
        headers: admin,
      })
    ).json();
    expect(failed.items).toHaveLength(1);
    const id = failed.items[0].id as string;

    // One: replayed with a fresh set of attempts, which fail again.
    const replayed = await h.fetch(`/v1/admin/webhooks/${t.licenseId}/deliveries/${id}/replay`, {
      method: 'POST',
      headers: admin,
    });
    expect((await replayed.json()).status).toBe('pending');
    await worker.runOnce();
    h.clock.advance(60_000);
    expect(await worker.runOnce()).toMatchObject({ failed: 1 });

    // All failed since a time: this time the partner answers.
    const all = await h.fetch(
      `/v1/admin/webhooks/${t.licenseId}/deliveries/replay`,
      jsonInit('POST', { since }, admin),
    );
    expect(await all.json()).toEqual({ replayed: 1 });
    expect(await worker.runOnce()).toMatchObject({ succeeded: 1 });
    const shown = await (
      await h.fetch(`/v1/admin/webhooks/${t.licenseId}/deliveries/${id}`, { headers: admin })
    ).json();
    expect(shown.log.map((a: { statusCode: number }) => a.statusCode)).toEqual([
      500, 500, 500, 500, 200,
    ]);
    expect(receiver.received).toHaveLength(5);
  });

  it('sends only the types an endpoint asks for, and refund.created after a refund', async () => {
    const t = await tenant(['refund.created']);
    const worker = testWorker(h);
    const intentId = await buyCourse(h, t.learner);
    await h.emulator.webhooks.settled();
    expect(await worker.runOnce()).toMatchObject({ queued: 0, succeeded: 0 });
    await h.stripe.refunds.create({ payment_intent: intentId, amount: 900 });
    await h.emulator.webhooks.settled();
    expect(await worker.runOnce()).toMatchObject({ queued: 1, succeeded: 1 });
    const event = JSON.parse(receiver.received[0]!.body);
    expect(event).toMatchObject({
      type: 'refund.created',
      data: { amount: 900, totalRefunded: 900, full: false, currency: 'USD' },
    });
  });

  it('tells the partner of a partner-fulfilled redemption and of its fulfilment', async () => {
    const t = await tenant(['redemption.*']);
    const worker = testWorker(h);
    const { ledger, redemptions } = h.services.rewards;
    const learnerId = `lms-user-${n}`;
    await ledger.bonus(t.licenseId, { learnerId, amount: 100, reason: 'welcome' });
    const item = await redemptions.createItem(t.licenseId, {
      kind: 'partner',
      title: 'Mentoring session',
      cost: 60,
      details: { partner: 'Mentor Co' },
    });
    const asked = await redemptions.redeem(t.licenseId, learnerId, {
      itemId: item.id,
      idempotencyKey: 'mentor-1',
    });
    expect(await worker.runOnce()).toMatchObject({ queued: 1, succeeded: 1 });
    await redemptions.fulfil(t.licenseId, asked.id, 'booked');
    expect(await worker.runOnce()).toMatchObject({ queued: 1, succeeded: 1 });

    const events = receiver.received.map((r) => JSON.parse(r.body));
    expect(events.map((e) => e.type)).toEqual(['redemption.requested', 'redemption.fulfilled']);
    expect(events[0].data).toMatchObject({
      redemptionId: asked.id,
      learnerId,
      kind: 'partner',
      partner: 'Mentor Co',
      cost: 60,
      status: 'requested',
    });
    expect(events[1].data).toMatchObject({ status: 'fulfilled', note: 'booked' });
    for (const r of receiver.received) expect(verifyStandardWebhook(t.secret, r)).toBe(true);
  });

  it('keeps each license to its own endpoints and deliveries', async () => {
    const a = await tenant();
    const b = await tenant();
    const worker = testWorker(h);
    await buyCourse(h, a.learner);
    await h.emulator.webhooks.settled();
    await worker.runOnce();
    const mine = await (await h.fetch('/v1/webhooks/deliveries', { headers: a.sk })).json();
    expect(mine.items).toHaveLength(1);
    const theirs = await (await h.fetch('/v1/webhooks/deliveries', { headers: b.sk })).json();
    expect(theirs.items).toEqual([]);
    await expectProblem(
      await h.fetch(`/v1/webhooks/deliveries/${mine.items[0].id}`, { headers: b.sk }),
      'not_found',
    );
    await expectProblem(
      await h.fetch(`/v1/webhooks/endpoints/${a.endpoint.id}`, { method: 'DELETE', headers: b.sk }),
      'not_found',
    );
    await expectProblem(await h.fetch('/v1/webhooks/endpoints'), 'license_missing');
  });

  it('sends a claimed delivery once, however passes of the worker overlap', async () => {
    const t = await tenant();
    let answer!: () => void;
    const held = new Promise<void>((resolve) => (answer = resolve));
    const hits: string[] = [];
    const slow = createServer((req, res) => {
      hits.push(String(req.headers['webhook-id']));
      void held.then(() => res.writeHead(200).end('ok'));
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/hooks`;
      const patched = await h.fetch(
        `/v1/webhooks/endpoints/${t.endpoint.id}`,
        jsonInit('PATCH', { url }, t.sk),
      );
      expect(patched.status).toBe(200);
      const worker = testWorker(h);
      await buyCourse(h, t.learner);
      await h.emulator.webhooks.settled();
      // Two passes at once: one claims the delivery, the other finds nothing due.
      const passes = [worker.runOnce(), worker.runOnce()];
      while (hits.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      // Past the claim's lease, with the request still open: a pass leaves it alone.
      h.clock.advance(10 * 60_000);
      expect(await worker.runOnce()).toMatchObject({ succeeded: 0, retrying: 0, failed: 0 });
      answer();
      const rounds = await Promise.all(passes);
      expect(rounds.map((r) => r.succeeded).sort()).toEqual([0, 1]);
      expect(hits).toHaveLength(1);
      expect(await worker.runOnce()).toMatchObject({ succeeded: 0, retrying: 0, failed: 0 });
      expect(hits).toHaveLength(1);
    } finally {
      slow.closeAllConnections();
      await new Promise<void>((resolve) => slow.close(() => resolve()));
    }
  });

  it('runs only once started, and stops cleanly', async () => {
    const t = await tenant();
    const scheduler = new ManualScheduler();
    const worker = testWorker(h, { scheduler });
    await buyCourse(h, t.learner);
    await h.emulator.webhooks.settled();
    expect(scheduler.pending.size).toBe(0);
    worker.start();
    expect(scheduler.pending.size).toBe(1);
    scheduler.fire();
    await worker.settled();
    // The next round is scheduled after this one; stopping cancels it.
    expect(scheduler.pending.size).toBe(1);
    await worker.stop();
    expect(worker.running).toBe(false);
    expect(scheduler.pending.size).toBe(0);
    expect(receiver.received).toHaveLength(1);
    expect(verifyStandardWebhook(t.secret, receiver.received[0]!)).toBe(true);
  });
});
