import type Stripe from 'stripe';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectProblem, jsonInit, OPERATOR_TOKEN } from '../fixtures/harness.js';
import {
  buyCourse,
  learnerOf,
  paymentRows,
  postSigned,
  sellTestCourses,
  startPayments,
  WEBHOOK_SECRET,
  type PaymentsHarness,
  type ProductCalls,
} from './helpers.js';
import { outboxEvents } from '../../server/modules/outbox/schema.js';

describe('refunds', () => {
  let h: PaymentsHarness;
  let calls: ProductCalls;
  let n = 0;

  beforeAll(async () => {
    h = await startPayments();
    calls = sellTestCourses(h);
  });
  afterAll(() => h.close());
  beforeEach(() => {
    calls.succeeded.length = 0;
    calls.refunded.length = 0;
  });

  const endpoint = () => `${h.url}/v1/webhooks/stripe`;

  async function paid(courseId = 'algebra') {
    n += 1;
    const learner = await learnerOf(h, { name: `Refund Academy ${n}`, sub: `buyer-${n}` });
    const intentId = await buyCourse(h, learner.headers, courseId);
    await h.emulator.webhooks.settled();
    const row = (await paymentRows(h)).find((r) => r.payment_intent_id === intentId)!;
    expect(row.status).toBe('succeeded');
    return { licenseId: learner.license.id, paymentId: row.id, intentId };
  }

  function refund(
    p: { licenseId: string; paymentId: string },
    body: { amount?: number; reason?: string },
    key: string,
  ) {
    return h.fetch(
      `/v1/admin/payments/${p.licenseId}/${p.paymentId}/refunds`,
      jsonInit('POST', body, { Authorization: `Bearer ${OPERATOR_TOKEN}`, 'Idempotency-Key': key }),
    );
  }

  function detail(p: { licenseId: string; paymentId: string }) {
    return h
      .fetch(`/v1/admin/payments/${p.licenseId}/${p.paymentId}`, {
        headers: { Authorization: `Bearer ${OPERATOR_TOKEN}` },
      })
      .then((r) => r.json());
  }

  const stripeRefunds = async (intentId: string) =>
    (await h.stripe.refunds.list({ payment_intent: intentId, limit: 100 })).data;

  const outbox = async (type: string) =>
    (await h.store.db.select().from(outboxEvents).where(eq(outboxEvents.type, type))).map((e) => ({
      ...e,
      payload: JSON.stringify(e.payload),
    }));

  it('refunds in part, then refuses more than what is left before asking Stripe', async () => {
    const p = await paid();
    const first = await refund(p, { amount: 1_000, reason: 'requested_by_customer' }, 'r-1');
    expect(first.status).toBe(200);
    const made = await first.json();
    expect(made).toMatchObject({ amount: 1_000, currency: 'USD', source: 'operator' });
    expect(made.id).toMatch(/^re_/);

    const tooMuch = await refund(p, { amount: 4_000 }, 'r-2');
    const problem = await expectProblem(tooMuch, 'conflict');
    expect(problem).toMatchObject({ reason: 'amount_exceeds_refundable', refundable: 3_900 });
    expect(await stripeRefunds(p.intentId)).toHaveLength(1);

    await h.emulator.webhooks.settled();
    const shown = await detail(p);
    expect(shown).toMatchObject({ amount: 4_900, amountRefunded: 1_000 });
    expect(shown.refunds).toHaveLength(1);
    expect(calls.refunded).toEqual([
      { paymentId: p.paymentId, amount: 1_000, totalRefunded: 1_000, full: false },
    ]);

    const rest = await (await refund(p, {}, 'r-3')).json();
    expect(rest.amount).toBe(3_900);
    await h.emulator.webhooks.settled();
    expect(calls.refunded.at(-1)).toEqual({
      paymentId: p.paymentId,
      amount: 3_900,
      totalRefunded: 4_900,
      full: true,
    });
    await expectProblem(await refund(p, { amount: 1 }, 'r-4'), 'conflict');
    expect(calls.refunded).toHaveLength(2);
    const events = (await outbox('refund.created')).filter((e) => e.payload.includes(p.paymentId));
    expect(events).toHaveLength(2);
  });

  it('returns the first refund for a repeated idempotency key and refuses the key for another', async () => {
    const p = await paid();
    const a = await (await refund(p, { amount: 500 }, 'same-key')).json();
    const b = await (await refund(p, { amount: 500 }, 'same-key')).json();
    expect(b.id).toBe(a.id);
    const other = await expectProblem(await refund(p, { amount: 700 }, 'same-key'), 'conflict');
    expect(other.reason).toBe('idempotency_key_reused');
    expect(await stripeRefunds(p.intentId)).toHaveLength(1);
    await h.emulator.webhooks.settled();
    expect(calls.refunded).toHaveLength(1);
  });

  it('lets only one of several concurrent full refunds through', async () => {
    const p = await paid();
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => refund(p, {}, `race-${i}`)),
    );
    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    expect(answers.filter((r) => r.status === 409)).toHaveLength(7);
    expect(await stripeRefunds(p.intentId)).toHaveLength(1);
    await h.emulator.webhooks.settled();
    expect(calls.refunded).toEqual([
      { paymentId: p.paymentId, amount: 4_900, totalRefunded: 4_900, full: true },
    ]);
  });

  it('records a refund made in Stripe’s dashboard once, and one made here once', async () => {
    const p = await paid();
    // Stripe's dashboard: the refund is made at Stripe, the server hears of it by webhook.
    await h.stripe.refunds.create({ payment_intent: p.intentId, amount: 900 });
    await h.emulator.webhooks.settled();
    const viaApi = await refund(p, { amount: 1_500 }, 'after-dashboard');
    expect(viaApi.status).toBe(200);
    await h.emulator.webhooks.settled();

    const shown = await detail(p);
    expect(shown.amountRefunded).toBe(2_400);
    expect(
      shown.refunds.map((r: { amount: number; source: string }) => [r.amount, r.source]),
    ).toEqual([
      [900, 'stripe'],
      [1_500, 'operator'],
    ]);
    expect(calls.refunded.map((c) => c.amount)).toEqual([900, 1_500]);
    const charge = await h.stripe.charges.retrieve(
      (await h.stripe.paymentIntents.retrieve(p.intentId)).latest_charge as string,
    );
    expect(shown.amountRefunded).toBe(charge.amount_refunded);
    await expectProblem(await refund(p, { amount: 2_501 }, 'over'), 'conflict');
  });

  it('counts each refund exactly once when charge.refunded events arrive late and reversed', async () => {
    const p = await paid();
    h.emulator.webhooks.removeEndpoint(endpoint());
    try {
      await h.stripe.refunds.create({ payment_intent: p.intentId, amount: 700 });
      await h.stripe.refunds.create({ payment_intent: p.intentId, amount: 1_100 });
      const chargeId = (await h.stripe.paymentIntents.retrieve(p.intentId)).latest_charge as string;
      const ids = h.emulator
        .events()
        .filter((e) => e.objectId === chargeId && e.type === 'charge.refunded')
        .map((e) => e.id);
      expect(ids).toHaveLength(2);
      const events: Stripe.Event[] = await Promise.all(
        ids.map((id) => h.stripe.events.retrieve(id)),
      );
      for (const event of events.reverse()) {
        const response = await postSigned(h, JSON.stringify(event), { secret: WEBHOOK_SECRET });
        expect(response.status).toBe(200);
      }
    } finally {
      h.emulator.webhooks.addEndpoint({ url: endpoint(), secret: WEBHOOK_SECRET });
    }
    const shown = await detail(p);
    expect(shown.amountRefunded).toBe(1_800);
    expect(calls.refunded.map((c) => [c.amount, c.totalRefunded])).toEqual([
      [700, 700],
      [1_100, 1_800],
    ]);
  });

  it('settles a refund whose answer from Stripe was lost, once, by the retry or the event', async () => {
    const p = await paid();
    h.http.dropPath = '/v1/refunds';
    h.http.drop = 1;
    try {
      const lost = await refund(p, { amount: 2_000 }, 'lost-answer');
      await expectProblem(lost, 'service_unavailable');
    } finally {
      h.http.dropPath = '/v1/payment_intents';
      h.http.drop = 0;
    }
    await h.emulator.webhooks.settled();
    // Stripe made it; the event recorded it and freed the reservation.
    expect((await detail(p)).amountRefunded).toBe(2_000);
    const retried = await (await refund(p, { amount: 2_000 }, 'lost-answer')).json();
    expect(retried.amount).toBe(2_000);
    expect(await stripeRefunds(p.intentId)).toHaveLength(1);
    const rest = await refund(p, {}, 'after-lost');
    expect((await rest.json()).amount).toBe(2_900);
    await h.emulator.webhooks.settled();
    expect(calls.refunded.map((c) => c.amount)).toEqual([2_000, 2_900]);
  });

  it('refuses without the operator token and for a payment of another license', async () => {
    const p = await paid();
    const q = await paid();
    await expectProblem(
      await h.fetch(
        `/v1/admin/payments/${p.licenseId}/${p.paymentId}/refunds`,
        jsonInit('POST', {}, { 'Idempotency-Key': 'k' }),
      ),
      'unauthenticated',
    );
    await expectProblem(
      await refund({ licenseId: q.licenseId, paymentId: p.paymentId }, {}, 'x'),
      'not_found',
    );
    expect(await stripeRefunds(p.intentId)).toHaveLength(0);
  });
});
