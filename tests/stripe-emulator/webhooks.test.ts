import type Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signPayload, type StripeEmulator } from '../../demo/stripe-emulator/index.js';
import { startEmulator, WebhookReceiver } from './helpers.js';

const SECRET = 'whsec_test_emulator_secret';

let emulator: StripeEmulator;
let stripe: Stripe;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = new WebhookReceiver();
  const url = await receiver.start();
  ({ emulator, stripe } = await startEmulator({
    webhooks: [{ url, secret: SECRET }],
    delivery: { initialBackoffMs: 20, maxAttempts: 4, timeoutMs: 300 },
  }));
});

afterAll(async () => {
  await emulator.stop();
  await receiver.stop();
});

beforeEach(async () => {
  await emulator.webhooks.settled();
  receiver.received.length = 0;
  receiver.statuses = [];
  receiver.delays = [];
});

afterEach(() => {
  emulator.webhooks.configure({ duplicate: 0, delayMs: 0, reorder: false });
});

describe('webhook signatures', () => {
  it('are verified by stripe.webhooks.constructEventAsync', async () => {
    const customer = await stripe.customers.create({ email: 'sig@example.com' });
    await emulator.webhooks.settled();
    const delivery = receiver.received[0];
    expect(delivery?.headers['content-type']).toBe('application/json; charset=utf-8');
    const header = String(delivery?.headers['stripe-signature']);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const event = await stripe.webhooks.constructEventAsync(delivery?.body ?? '', header, SECRET);
    expect(event.type).toBe('customer.created');
    expect((event.data.object as Stripe.Customer).id).toBe(customer.id);
    expect(event.api_version).toBe('2026-10-28.endive');
  });

  it('reject a tampered body, a wrong secret and a stale timestamp', async () => {
    await stripe.customers.create({ email: 'tamper@example.com' });
    await emulator.webhooks.settled();
    const delivery = receiver.received[0];
    const header = String(delivery?.headers['stripe-signature']);
    const tampered = (delivery?.body ?? '').replace('tamper@example.com', 'evil@example.com');
    await expect(stripe.webhooks.constructEventAsync(tampered, header, SECRET)).rejects.toThrow(
      /No signatures found matching the expected signature/,
    );
    await expect(
      stripe.webhooks.constructEventAsync(delivery?.body ?? '', header, 'whsec_other'),
    ).rejects.toThrow();
    const stale = signPayload(delivery?.body ?? '', SECRET, Math.floor(Date.now() / 1000) - 3600);
    await expect(
      stripe.webhooks.constructEventAsync(delivery?.body ?? '', stale, SECRET),
    ).rejects.toThrow(/Timestamp outside the tolerance zone/);
  });

  it('use the real time even when the billing clock has moved', async () => {
    emulator.advanceTime({ days: 400 });
    await stripe.customers.create({ email: 'later@example.com' });
    await emulator.webhooks.settled();
    const delivery = receiver.received[0];
    await expect(
      stripe.webhooks.constructEventAsync(
        delivery?.body ?? '',
        String(delivery?.headers['stripe-signature']),
        SECRET,
      ),
    ).resolves.toMatchObject({ type: 'customer.created' });
  });
});

describe('delivery', () => {
  it('retries after 500s with backoff, then stops once delivered', async () => {
    receiver.statuses = [500, 503];
    await stripe.customers.create({ email: 'retry@example.com' });
    await emulator.webhooks.settled();
    expect(receiver.received).toHaveLength(3);
    const ids = receiver.events().map((e) => e.id);
    expect(new Set(ids).size).toBe(1);
    const attempts = emulator.webhooks.attempts().filter((a) => a.eventId === ids[0]);
    expect(attempts.map((a) => [a.attempt, a.status, a.ok])).toEqual([
      [1, 500, false],
      [2, 503, false],
      [3, 200, true],
    ]);
    const event = await stripe.events.retrieve(ids[0] ?? '');
    expect(event.pending_webhooks).toBe(0);
  });

  it('treats a receiver slower than the timeout as failed and retries', async () => {
    receiver.delays = [1000];
    await stripe.customers.create({ email: 'slow@example.com' });
    await emulator.webhooks.settled();
    const attempts = emulator.webhooks.attempts().slice(-2);
    expect(attempts[0]).toMatchObject({
      ok: false,
      status: null,
      error: expect.stringMatching(/timed out/),
    });
    expect(attempts[1]).toMatchObject({ ok: true, status: 200, attempt: 2 });
  });

  it('gives up after maxAttempts', async () => {
    receiver.statuses = [500, 500, 500, 500, 500];
    await stripe.customers.create({ email: 'down@example.com' });
    await emulator.webhooks.settled();
    expect(receiver.received).toHaveLength(4);
  });

  it('duplicates deliveries when asked', async () => {
    emulator.webhooks.configure({ duplicate: 1 });
    await stripe.customers.create({ email: 'dup@example.com' });
    await emulator.webhooks.settled();
    const ids = receiver.events().map((e) => e.id);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(ids[1]);
    for (const r of receiver.received) {
      await stripe.webhooks.constructEventAsync(
        r.body,
        String(r.headers['stripe-signature']),
        SECRET,
      );
    }
  });

  it('reorders a batch of deliveries when asked', async () => {
    emulator.webhooks.configure({ reorder: 'reverse', reorderWindowMs: 50 });
    const customer = await stripe.customers.create({ email: 'order@example.com' });
    await stripe.customers.update(customer.id, { name: 'One' });
    await stripe.customers.update(customer.id, { name: 'Two' });
    await emulator.webhooks.settled();
    expect(receiver.events().map((e) => e.type)).toEqual([
      'customer.updated',
      'customer.updated',
      'customer.created',
    ]);
    const created = emulator
      .events()
      .slice(-3)
      .map((e) => e.id);
    expect(receiver.events().map((e) => e.id)).toEqual([...created].reverse());
  });

  it('shuffles reproducibly with a seed', async () => {
    const order = async (): Promise<string[]> => {
      receiver.received.length = 0;
      emulator.webhooks.configure({ reorder: 'shuffle', seed: 42, reorderWindowMs: 50 });
      const c = await stripe.customers.create({ email: 'shuffle@example.com' });
      for (let i = 0; i < 5; i++) await stripe.customers.update(c.id, { name: `n${i}` });
      await emulator.webhooks.settled();
      const sent = emulator
        .events()
        .slice(-6)
        .map((e) => e.id);
      return receiver.events().map((e) => String(sent.indexOf(e.id)));
    };
    const first = await order();
    const second = await order();
    expect(first).toEqual(second);
    expect(first).not.toEqual(['0', '1', '2', '3', '4', '5']);
  });

  it('delays deliveries when asked, and settled() waits for them', async () => {
    emulator.webhooks.configure({ delayMs: 150 });
    const started = Date.now();
    await stripe.customers.create({ email: 'delay@example.com' });
    expect(receiver.received).toHaveLength(0);
    await emulator.webhooks.settled();
    expect(receiver.received).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('delivers the whole payment story of a purchase, in order', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 4900,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      metadata: { course_id: 'c1' },
    });
    await stripe.refunds.create({ payment_intent: pi.id, amount: 900 });
    await emulator.webhooks.settled();
    expect(receiver.events().map((e) => e.type)).toEqual([
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
      'refund.created',
      'charge.refunded',
    ]);
    const refunded = receiver.events()[4] as Stripe.ChargeRefundedEvent;
    expect(refunded.data.object.amount_refunded).toBe(900);
    expect(refunded.data.previous_attributes).toEqual({ amount_refunded: 0 });
    const succeeded = receiver.events()[2] as Stripe.PaymentIntentSucceededEvent;
    expect(succeeded.data.object.metadata).toEqual({ course_id: 'c1' });
  });

  it('filters by enabled events and renders each endpoint’s API version', async () => {
    const second = new WebhookReceiver();
    const url = await second.start();
    const id = emulator.webhooks.addEndpoint({
      url,
      secret: 'whsec_second',
      enabledEvents: ['invoice.*'],
      apiVersion: '2025-02-24.acacia',
    });
    try {
      const customer = await stripe.customers.create({
        email: 'inv@example.com',
        payment_method: 'pm_card_visa',
        invoice_settings: { default_payment_method: 'pm_card_visa' },
      });
      const product = await stripe.products.create({ name: 'P' });
      const price = await stripe.prices.create({
        product: product.id,
        currency: 'usd',
        unit_amount: 500,
        recurring: { interval: 'month' },
      });
      await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
      await emulator.webhooks.settled();
      const types = second.events().map((e) => e.type);
      expect(types.length).toBeGreaterThan(0);
      expect(types.every((t) => t.startsWith('invoice.'))).toBe(true);
      const paid = second.events().find((e) => e.type === 'invoice.paid');
      expect(paid?.api_version).toBe('2025-02-24.acacia');
      expect((paid?.data.object as unknown as { payment_intent: string }).payment_intent).toMatch(
        /^pi_/,
      );
    } finally {
      emulator.webhooks.removeEndpoint(id);
      await second.stop();
    }
  });
});
