import { eq, sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buyCourse,
  delivery,
  eventsAbout,
  learnerOf,
  paymentRows,
  sellTestCourses,
  startPayments,
  type PaymentsHarness,
} from './helpers.js';
import { rows } from '../../server/db/store.js';
import { stripeReconciliation } from '../../server/modules/payments/schema.js';

/*
 * Stripe's deliveries switched off in the emulator: the webhook endpoint is down for good.
 * A purchase completes in Stripe and the server hears nothing; reconciliation reads Stripe's
 * event list and applies what was missed, exactly once.
 */

let h: PaymentsHarness;

beforeAll(async () => {
  h = await startPayments();
  sellTestCourses(h);
});
afterAll(() => h.close());

const count = async (query: SQL) => Number((await rows<{ n: number }>(h.store.db, query))[0]!.n);

/** What the server has recorded about one payment intent. */
async function recorded(intentId: string) {
  const payment = (await paymentRows(h)).find((r) => r.payment_intent_id === intentId)!;
  return {
    status: payment.status,
    events: await count(sql`select count(*) as n from stripe_events where object_id = ${intentId}`),
    receipts: await count(sql`select count(*) as n from receipts where payment_id = ${payment.id}`),
    purchases: await count(
      sql`select count(*) as n from outbox_events where type = 'purchase.completed' and payload ->> 'paymentId' = ${payment.id}`,
    ),
  };
}

/** Buys a course while Stripe delivers nothing; returns the intent and when it started. */
async function buyUnheard(sub: string) {
  const learner = await learnerOf(h, { name: `Unheard ${sub}`, sub });
  const since = new Date(Date.now() - 1_000);
  h.emulator.webhooks.configure({ deliveries: 'off' });
  try {
    const intentId = await buyCourse(h, learner.headers, 'chess');
    await h.emulator.webhooks.settled();
    expect(await recorded(intentId)).toEqual({
      status: 'requires_payment_method',
      events: 0,
      receipts: 0,
      purchases: 0,
    });
    // The emulator stamps events with the wall clock: the server's "now" ends the window.
    h.clock.set(new Date());
    return { intentId, since };
  } finally {
    h.emulator.webhooks.configure({ deliveries: 'on' });
  }
}

describe('Stripe reconciliation', () => {
  it('applies the events no webhook brought, once, however often it runs', async () => {
    const { intentId, since } = await buyUnheard('once');

    const first = await h.services.payments.reconcile({ since });
    expect(first.failed).toEqual([]);
    expect(first.applied).toBeGreaterThanOrEqual(1);
    expect(await recorded(intentId)).toEqual({
      status: 'succeeded',
      events: expect.any(Number),
      receipts: 1,
      purchases: 1,
    });
    const events = (await recorded(intentId)).events;
    expect(events).toBeGreaterThanOrEqual(1);

    const second = await h.services.payments.reconcile({ since });
    expect(second).toMatchObject({ listed: first.listed, applied: 0, failed: [] });
    expect(second.alreadyApplied).toBe(first.listed);
    expect(await recorded(intentId)).toEqual({
      status: 'succeeded',
      events,
      receipts: 1,
      purchases: 1,
    });

    // Stripe's late delivery of the same event is a duplicate too.
    const [succeeded] = await eventsAbout(h, intentId, 'payment_intent.succeeded');
    const late = await h.services.payments.receiveWebhook(...delivery(h, succeeded!));
    expect(late.duplicate).toBe(true);
  });

  it('pages through Stripe’s event list', async () => {
    const { intentId, since } = await buyUnheard('pages');
    // More events than one page holds, all after `since`.
    for (let i = 0; i < 120; i += 1) await h.stripe.customers.create({ name: `Filler ${i}` });
    h.clock.set(new Date());
    const report = await h.services.payments.reconcile({ since });
    expect(report.listed).toBeGreaterThan(120);
    expect(report.failed).toEqual([]);
    expect(await recorded(intentId)).toMatchObject({ status: 'succeeded', receipts: 1 });
  });

  it('refuses a start Stripe no longer lists, or one in the future', async () => {
    const now = h.clock.now().getTime();
    await expect(
      h.services.payments.reconcile({ since: new Date(now - 31 * 86_400_000) }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(
      h.services.payments.reconcile({ since: new Date(now + 60_000) }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('runs on a timer, carrying on from where it last got to', async () => {
    const { intentId } = await buyUnheard('timer');
    h.services.payments.startReconciling(50);
    try {
      await expect
        .poll(async () => (await recorded(intentId)).status, { timeout: 10_000 })
        .toBe('succeeded');
    } finally {
      await h.services.payments.stopReconciling();
    }
    expect(await recorded(intentId)).toMatchObject({ receipts: 1, purchases: 1 });
    const [mark] = await h.store.db
      .select({ coveredUntil: stripeReconciliation.coveredUntil })
      .from(stripeReconciliation)
      .where(eq(stripeReconciliation.id, 'events'));
    expect(mark!.coveredUntil.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });
});
