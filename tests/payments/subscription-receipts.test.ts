import { and, asc, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  advance,
  confirm,
  periodEndOf,
  subscribe,
  subscriptionOf,
} from '../subscriptions/helpers.js';
import {
  buyCourse,
  insertionOrder,
  learnerOf,
  postSigned,
  sellTestCourses,
  startPayments,
  type PaymentsHarness,
} from './helpers.js';
import { outboxEvents } from '../../server/modules/outbox/schema.js';
import { payments } from '../../server/modules/payments/schema.js';

interface ReceiptBody {
  id: string;
  number: number;
  paymentId: string;
  kind: string;
  item: string;
  description: string;
  amount: number;
  currency: string;
}

let h: PaymentsHarness;

beforeAll(async () => {
  h = await startPayments();
  sellTestCourses(h);
});
afterAll(() => h.close());

const receiptsOf = async (headers: Record<string, string>) => {
  const res = await h.fetch('/v1/me/receipts', { headers });
  expect(res.status).toBe(200);
  return ((await res.json()) as { receipts: ReceiptBody[] }).receipts;
};

async function purchaseEvents(licenseId: string) {
  const events = await h.store.db
    .select({ payload: outboxEvents.payload })
    .from(outboxEvents)
    .where(and(eq(outboxEvents.licenseId, licenseId), eq(outboxEvents.type, 'purchase.completed')))
    .orderBy(asc(outboxEvents.createdAt), insertionOrder(h));
  return events.map((r) => r.payload);
}

function invoicePayments(licenseId: string) {
  return h.store.db
    .select({ id: payments.id, key: payments.idempotencyKey, amount: payments.amount })
    .from(payments)
    .where(and(eq(payments.licenseId, licenseId), like(payments.idempotencyKey, 'invoice_%')));
}

describe('subscription invoices as payments', () => {
  it('the first invoice and a renewal each get one receipt, numbered after a course receipt, and one purchase.completed', async () => {
    const ada = await learnerOf(h, { name: 'Invoice Academy', sub: 'ada' });
    const licenseId = ada.license.id;
    await buyCourse(h, ada.headers, 'algebra');
    await h.emulator.webhooks.settled();

    const session = await subscribe(h, ada, { planId: 'enterprise', interval: 'month' });
    await confirm(h, session);
    const active = (await subscriptionOf(h, ada))!;
    expect(active.status).toBe('active');
    await advance(h, { to: periodEndOf(active) });
    const renewed = (await subscriptionOf(h, ada))!;

    const receipts = await receiptsOf(ada.headers);
    expect(receipts.map((r) => [r.number, r.kind, r.amount, r.currency])).toEqual([
      [3, 'plan', 9900, 'USD'],
      [2, 'plan', 9900, 'USD'],
      [1, 'course', 4900, 'USD'],
    ]);
    expect(receipts[0]!.item).toBe('enterprise:month');
    expect(receipts[0]!.description).toBe('Enterprise (monthly)');

    const events = await purchaseEvents(licenseId);
    expect(events).toHaveLength(3);
    const [, first, renewal] = events;
    expect(first).toMatchObject({
      subscription: true,
      subscriptionId: session.subscriptionId,
      plan: 'enterprise',
      interval: 'month',
      kind: 'plan',
      amount: 9900,
      currency: 'USD',
      receiptNumber: 2,
      learnerId: 'ada',
      billingReason: 'subscription_create',
      period: { start: active.currentPeriodStart, end: active.currentPeriodEnd },
    });
    expect(renewal).toMatchObject({
      subscription: true,
      receiptNumber: 3,
      billingReason: 'subscription_cycle',
      period: { start: renewed.currentPeriodStart, end: renewed.currentPeriodEnd },
    });
    expect(first!.invoiceId).not.toBe(renewal!.invoiceId);
  });

  it('another event about an already recorded paid invoice, or the same event again, records nothing more', async () => {
    const bea = await learnerOf(h, { name: 'Redelivery College', sub: 'bea' });
    const licenseId = bea.license.id;
    const before = h.emulator.events().length;
    const session = await subscribe(h, bea, { planId: 'enterprise', interval: 'month' });
    await confirm(h, session);
    expect(await invoicePayments(licenseId)).toHaveLength(1);

    const paid = h.emulator
      .events()
      .slice(before)
      .filter((e) => e.type === 'invoice.paid' || e.type === 'invoice.finalized');
    for (const e of paid) {
      const event = await h.stripe.events.retrieve(e.id);
      // The same event again, and a distinct event (a new id) about the same invoice.
      const same = await postSigned(h, JSON.stringify(event));
      expect(same.status).toBe(200);
      const copy = await postSigned(h, JSON.stringify({ ...event, id: `${event.id}_copy` }));
      expect(copy.status).toBe(200);
    }
    expect(await invoicePayments(licenseId)).toHaveLength(1);
    expect((await receiptsOf(bea.headers)).map((r) => r.number)).toEqual([1]);
    expect(await purchaseEvents(licenseId)).toHaveLength(1);
  });

  it('duplicated and shuffled deliveries across a renewal record one payment and receipt per invoice', async () => {
    const cy = await learnerOf(h, { name: 'Shuffled Institute', sub: 'cy' });
    const licenseId = cy.license.id;
    h.emulator.webhooks.configure({
      duplicate: 2,
      reorder: 'shuffle',
      reorderWindowMs: 30,
      seed: 11,
    });
    try {
      const session = await subscribe(h, cy, { planId: 'enterprise', interval: 'month' });
      await confirm(h, session);
      const active = (await subscriptionOf(h, cy))!;
      await advance(h, { to: periodEndOf(active) });
    } finally {
      h.emulator.webhooks.configure({ duplicate: 0, reorder: false });
    }
    const rows = await invoicePayments(licenseId);
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((r) => r.key)).size).toBe(2);
    expect((await receiptsOf(cy.headers)).map((r) => r.number)).toEqual([2, 1]);
    const events = await purchaseEvents(licenseId);
    expect(events).toHaveLength(2);
    expect(new Set(events.map((e) => e.invoiceId)).size).toBe(2);
  });

  it("a trial's zero invoice gets no receipt; the invoice at the trial's end does", async () => {
    const dan = await learnerOf(h, { name: 'Trial School', sub: 'dan' });
    const licenseId = dan.license.id;
    const session = await subscribe(h, dan, { planId: 'pro', interval: 'month' });
    expect(session.intentType).toBe('setup');
    await confirm(h, session);
    expect(await receiptsOf(dan.headers)).toEqual([]);
    expect(await purchaseEvents(licenseId)).toEqual([]);

    await advance(h, { to: new Date(Date.parse(session.trialEnd!) + 1000) });
    const receipts = await receiptsOf(dan.headers);
    expect(receipts.map((r) => [r.number, r.amount, r.item])).toEqual([[1, 999, 'pro:month']]);
    expect(await purchaseEvents(licenseId)).toHaveLength(1);
  });

  it('awards purchase tokens for a paid invoice, once', async () => {
    const eve = await learnerOf(h, { name: 'Token Subscriptions', sub: 'eve' });
    const licenseId = eve.license.id;
    const { ledger } = h.services.rewards;
    await ledger.setRule(licenseId, { activity: 'purchase.completed', amount: 1, dailyCap: null });
    const before = h.emulator.events().length;
    const session = await subscribe(h, eve, { planId: 'enterprise', interval: 'month' });
    await confirm(h, session);
    // $99.00 at a token per dollar.
    expect(await ledger.balance(licenseId, 'eve')).toBe(99);
    const paid = h.emulator
      .events()
      .slice(before)
      .find((e) => e.type === 'invoice.paid')!;
    const event = await h.stripe.events.retrieve(paid.id);
    await postSigned(h, JSON.stringify({ ...event, id: `${event.id}_again` }));
    expect(await ledger.balance(licenseId, 'eve')).toBe(99);
    expect((await ledger.check(licenseId)).ok).toBe(true);
  });
});
