import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planProduct } from './fixtures/one-off-plans.js';
import { expectProblem } from '../fixtures/harness.js';
import {
  checkout,
  dumpStore,
  eventRows,
  learnerOf,
  paymentRows,
  postSigned,
  startPayments,
  type PaymentsHarness,
} from './helpers.js';

const plan = { kind: 'plan', planId: 'pro', interval: 'month' };

describe('POST /v1/webhooks/stripe', () => {
  let h: PaymentsHarness;
  let acme: Awaited<ReturnType<typeof learnerOf>>;

  beforeAll(async () => {
    h = await startPayments();
    // Plans paid once, as payment intents: what these tests exercise, whichever plan product
    // the server registers by default.
    h.services.payments.registerProduct('plan', planProduct);
    acme = await learnerOf(h);
  });
  afterAll(() => h.close());

  const endpoint = () => `${h.url}/v1/webhooks/stripe`;

  /** Stops Stripe's deliveries so the test decides what reaches the server and when. */
  function holdDeliveries(): void {
    h.emulator.webhooks.removeEndpoint(endpoint());
  }
  function resumeDeliveries(): void {
    h.emulator.webhooks.addEndpoint({ url: endpoint(), secret: 'whsec_paymentsSuiteSecret' });
  }

  /** The events Stripe recorded for an object, as Stripe would post them. */
  async function eventsFor(objectIds: string[]): Promise<Stripe.Event[]> {
    const ids = h.emulator
      .events()
      .filter((e) => e.objectId !== null && objectIds.includes(e.objectId))
      .map((e) => e.id);
    return Promise.all(ids.map((id) => h.stripe.events.retrieve(id)));
  }

  async function payFor(sub: string, interval: 'month' | 'year' = 'month') {
    const learner = await learnerOf(h, { name: `Tenant of ${sub}`, sub });
    const session = await (await checkout(h, learner.headers, { ...plan, interval })).json();
    return { learner, session };
  }

  it('records a paid intent from Stripe’s own delivery', async () => {
    const session = await (await checkout(h, acme.headers, plan)).json();
    await h.stripe.paymentIntents.confirm(session.paymentIntentId, {
      payment_method: 'pm_card_visa',
    });
    await h.emulator.webhooks.settled();
    const row = (await paymentRows(h)).find(
      (r) => r.payment_intent_id === session.paymentIntentId,
    )!;
    expect(row).toMatchObject({ status: 'succeeded', amount: 999, currency: 'USD' });
    expect((await eventRows(h)).map((e) => e.type)).toContain('payment_intent.succeeded');
    const attempts = h.emulator.webhooks.attempts();
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts.every((a) => a.status === 200)).toBe(true);
  });

  it('applies one of 200 identical deliveries, 50 at a time', async () => {
    holdDeliveries();
    const { session } = await payFor('grace');
    await h.stripe.paymentIntents.confirm(session.paymentIntentId, {
      payment_method: 'pm_card_visa',
    });
    const refund = await h.stripe.refunds.create({
      payment_intent: session.paymentIntentId,
      amount: 300,
    });
    const [event] = (await eventsFor([refund.charge as string])).filter(
      (e) => e.type === 'charge.refunded',
    );
    const payload = JSON.stringify(event, null, 2);
    const outcomes: boolean[] = [];
    for (let batch = 0; batch < 4; batch += 1) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, () => postSigned(h, payload).then((r) => r.json())),
      );
      outcomes.push(...answers.map((a: { duplicate: boolean }) => a.duplicate));
    }
    expect(outcomes).toHaveLength(200);
    expect(outcomes.filter((d) => !d)).toHaveLength(1);
    expect((await eventRows(h)).filter((e) => e.id === event!.id)).toHaveLength(1);
    const row = (await paymentRows(h)).find(
      (r) => r.payment_intent_id === session.paymentIntentId,
    )!;
    expect(row.amount_refunded).toBe(300);
    resumeDeliveries();
  });

  it('applies each event once when Stripe itself delivers every event three times', async () => {
    h.emulator.webhooks.configure({ duplicate: 2 });
    try {
      const { session } = await payFor('hopper');
      await h.stripe.paymentIntents.confirm(session.paymentIntentId, {
        payment_method: 'pm_card_visa',
      });
      await h.stripe.refunds.create({ payment_intent: session.paymentIntentId, amount: 100 });
      await h.emulator.webhooks.settled();
      const row = (await paymentRows(h)).find(
        (r) => r.payment_intent_id === session.paymentIntentId,
      )!;
      expect(row).toMatchObject({ status: 'succeeded', amount_refunded: 100 });
      const ids = (await eventRows(h)).map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      h.emulator.webhooks.configure({ duplicate: 0 });
    }
  });

  it('ends in Stripe’s state whatever order the events arrive in', async () => {
    holdDeliveries();
    const { session } = await payFor('liskov', 'year');
    await expect(
      h.stripe.paymentIntents.confirm(session.paymentIntentId, {
        payment_method: 'pm_card_chargeDeclined',
      }),
    ).rejects.toThrow();
    await h.stripe.paymentIntents.confirm(session.paymentIntentId, {
      payment_method: 'pm_card_visa',
    });
    const intent = await h.stripe.paymentIntents.retrieve(session.paymentIntentId);
    const chargeId = intent.latest_charge as string;
    await h.stripe.refunds.create({ payment_intent: intent.id, amount: 1000 });
    await h.stripe.refunds.create({ payment_intent: intent.id, amount: 2000 });
    const events = await eventsFor([intent.id, chargeId]);
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'payment_intent.payment_failed',
        'payment_intent.succeeded',
        'charge.refunded',
      ]),
    );
    // Newest first: the failure and the first refund arrive after the later state.
    for (const event of [...events].reverse()) {
      const res = await postSigned(h, JSON.stringify(event));
      expect(res.status).toBe(200);
    }
    const charge = await h.stripe.charges.retrieve(chargeId);
    const row = (await paymentRows(h)).find((r) => r.payment_intent_id === intent.id)!;
    expect({ status: row.status, amount: row.amount, refunded: row.amount_refunded }).toEqual({
      status: intent.status,
      amount: intent.amount,
      refunded: charge.amount_refunded,
    });
    expect(row.amount_refunded).toBe(3000);
    resumeDeliveries();
  });

  it('ends in Stripe’s state with the emulator shuffling deliveries', async () => {
    h.emulator.webhooks.configure({ reorder: 'shuffle', reorderWindowMs: 50, seed: 7 });
    try {
      const { session } = await payFor('turing');
      await h.stripe.paymentIntents
        .confirm(session.paymentIntentId, { payment_method: 'pm_card_chargeDeclined' })
        .catch(() => undefined);
      await h.stripe.paymentIntents.confirm(session.paymentIntentId, {
        payment_method: 'pm_card_visa',
      });
      await h.stripe.refunds.create({ payment_intent: session.paymentIntentId, amount: 99 });
      await h.emulator.webhooks.settled();
      const intent = await h.stripe.paymentIntents.retrieve(session.paymentIntentId);
      const row = (await paymentRows(h)).find((r) => r.payment_intent_id === intent.id)!;
      expect({ status: row.status, refunded: row.amount_refunded }).toEqual({
        status: intent.status,
        refunded: 99,
      });
    } finally {
      h.emulator.webhooks.configure({ reorder: false });
    }
  });

  it('applies an event once when the acknowledgement is lost and Stripe redelivers', async () => {
    const answers: boolean[] = [];
    let drops = 1;
    // Stands between Stripe and the server: the server records the event, then the
    // connection dies before Stripe hears back, as when the process is killed mid-answer.
    const proxy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void fetch(endpoint(), {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'Stripe-Signature': String(req.headers['stripe-signature']),
          },
          body: Buffer.concat(chunks).toString('utf8'),
        })
          .then((r) => r.json())
          .then((answer: { duplicate: boolean }) => {
            answers.push(answer.duplicate);
            if (drops-- > 0) return req.socket.destroy();
            res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
          });
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/`;
    holdDeliveries();
    h.emulator.webhooks.addEndpoint({
      url: proxyUrl,
      secret: 'whsec_paymentsSuiteSecret',
      enabledEvents: ['payment_intent.succeeded'],
    });
    try {
      const { session } = await payFor('lamport');
      await h.stripe.paymentIntents.confirm(session.paymentIntentId, {
        payment_method: 'pm_card_visa',
      });
      await h.emulator.webhooks.settled();
      expect(answers).toEqual([false, true]);
      const [event] = (await eventsFor([session.paymentIntentId])).filter(
        (e) => e.type === 'payment_intent.succeeded',
      );
      expect((await eventRows(h)).filter((e) => e.id === event!.id)).toHaveLength(1);
      const row = (await paymentRows(h)).find(
        (r) => r.payment_intent_id === session.paymentIntentId,
      )!;
      expect(row.status).toBe('succeeded');
    } finally {
      h.emulator.webhooks.removeEndpoint(proxyUrl);
      resumeDeliveries();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('records an intent made outside checkout only for a learner of the license it names', async () => {
    const known = (await paymentRows(h)).find((r) => r.license_id === acme.license.id)!;
    const metadata = { license_id: acme.license.id, kind: 'plan', item: 'pro:month' };
    const ours = await h.stripe.paymentIntents.create({
      amount: 1234,
      currency: 'eur',
      metadata: { ...metadata, learner_id: known.learner_id },
    });
    const stranger = await h.stripe.paymentIntents.create({
      amount: 500,
      currency: 'eur',
      metadata: { ...metadata, learner_id: 'lrn_somebodyElse' },
    });
    for (const intent of [ours, stranger]) {
      await h.stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
    }
    await h.emulator.webhooks.settled();
    const rows = await paymentRows(h);
    expect(rows.find((r) => r.payment_intent_id === ours.id)).toMatchObject({
      license_id: acme.license.id,
      learner_id: known.learner_id,
      status: 'succeeded',
      amount: 1234,
      currency: 'EUR',
    });
    expect(rows.find((r) => r.payment_intent_id === stranger.id)).toBeUndefined();
  });

  describe('refuses without changing anything', () => {
    let payload: string;

    beforeAll(async () => {
      holdDeliveries();
      const { session } = await payFor('noether');
      await h.stripe.paymentIntents.confirm(session.paymentIntentId, {
        payment_method: 'pm_card_visa',
      });
      const [event] = (await eventsFor([session.paymentIntentId])).filter(
        (e) => e.type === 'payment_intent.succeeded',
      );
      payload = JSON.stringify(event);
    });
    afterAll(() => resumeDeliveries());

    it.each([
      ['no signature', () => ({ signature: null })],
      ['a signature with another secret', () => ({ secret: 'whsec_somebodyElse' })],
      ['a malformed signature', () => ({ signature: 't=abc,v1=zz' })],
      [
        'a signature replayed after the tolerance',
        () => ({ timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }),
      ],
      [
        'a signature from the future',
        () => ({ timestamp: Math.floor(Date.now() / 1000) + 6 * 60 }),
      ],
    ] as const)('%s', async (_name, options) => {
      const before = await dumpStore(h);
      await expectProblem(await postSigned(h, payload, options()), 'bad_request');
      expect(await dumpStore(h)).toEqual(before);
    });

    it('a body changed after signing', async () => {
      const before = await dumpStore(h);
      const signature = h.stripe.webhooks.generateTestHeaderString({
        payload,
        secret: 'whsec_paymentsSuiteSecret',
      });
      const tampered = payload.replace('"amount":999', '"amount":1');
      expect(tampered).not.toBe(payload);
      await expectProblem(await postSigned(h, tampered, { signature }), 'bad_request');
      expect(await dumpStore(h)).toEqual(before);
    });

    it('and then accepts the same event properly signed', async () => {
      const res = await postSigned(h, payload);
      expect(await res.json()).toEqual({ received: true, duplicate: false });
    });
  });
});
