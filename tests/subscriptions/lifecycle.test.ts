import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonInit } from '../fixtures/harness.js';
import { eventRows, postSigned, WEBHOOK_SECRET } from '../payments/helpers.js';
import {
  advance,
  confirm,
  featuresOf,
  getJson,
  learnerOf,
  periodEndOf,
  startPayments,
  subscribe,
  subscriptionOf,
  type PaymentsHarness,
} from './helpers.js';

interface InvoiceBody {
  id: string;
  status: string;
  billingReason: string | null;
  amountDue: number;
  amountPaid: number;
  currency: string;
  periodStart: string | null;
  periodEnd: string | null;
}

let h: PaymentsHarness;

beforeAll(async () => {
  h = await startPayments();
});
afterAll(() => h.close());

const billingOf = async (headers: Record<string, string>) =>
  (await getJson<{ invoices: InvoiceBody[] }>(h, '/v1/me/billing', headers)).invoices;

describe('a subscription driven by Stripe events', () => {
  it('create → active → renewal paid → renewal failed → past due → canceled', async () => {
    const ada = await learnerOf(h, { sub: 'ada' });
    expect(await subscriptionOf(h, ada)).toBeNull();
    expect((await featuresOf(h, ada)).tier).toBe('free');

    const session = await subscribe(h, ada, { planId: 'enterprise', interval: 'month' });
    expect(session).toMatchObject({
      mode: 'subscription',
      intentType: 'payment',
      amount: 9900,
      currency: 'USD',
      status: 'requires_payment_method',
      planId: 'enterprise',
      interval: 'month',
      trialEnd: null,
    });
    expect(session.subscriptionId).toMatch(/^sub_/);
    expect(session.clientSecret).toMatch(/^pi_.+_secret_/);
    expect(session.clientSecret.startsWith(session.paymentIntentId)).toBe(true);

    // A second click while unpaid: the same subscription and intent.
    const again = await subscribe(h, ada, { planId: 'enterprise', interval: 'month' });
    expect(again.subscriptionId).toBe(session.subscriptionId);
    expect(again.paymentIntentId).toBe(session.paymentIntentId);
    expect((await subscriptionOf(h, ada))?.status).toBe('incomplete');

    await confirm(h, session);
    const active = (await subscriptionOf(h, ada))!;
    expect(active).toMatchObject({
      planId: 'enterprise',
      planName: 'Enterprise',
      status: 'active',
      entitled: true,
      amount: 9900,
      currency: 'USD',
      cancelAtPeriodEnd: false,
    });
    const features = await featuresOf(h, ada);
    expect(features.tier).toBe('enterprise');
    expect(features.features).toContain('audit_logs');
    expect(features.stale).toBe(false);

    // A second subscription is refused while this one lives.
    const res = await h.fetch('/v1/checkout/sessions', {
      method: 'POST',
      headers: { ...ada.headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'plan', planId: 'pro', interval: 'month' }),
    });
    expect(res.status).toBe(409);

    // Renewal, paid with the card saved by the first payment.
    await advance(h, { to: periodEndOf(active) });
    const renewed = (await subscriptionOf(h, ada))!;
    expect(renewed.status).toBe('active');
    expect(renewed.currentPeriodStart).toBe(active.currentPeriodEnd);
    let invoices = await billingOf(ada.headers);
    expect(invoices.map((i) => [i.billingReason, i.status, i.amountPaid])).toEqual([
      ['subscription_cycle', 'paid', 9900],
      ['subscription_create', 'paid', 9900],
    ]);
    expect(invoices[0]!.periodStart).toBe(renewed.currentPeriodStart);
    expect(invoices[0]!.periodEnd).toBe(renewed.currentPeriodEnd);

    // The next renewal is declined: past due, features kept while Stripe retries.
    await advance(h, { to: periodEndOf(renewed), invoicePayments: 'decline' });
    const pastDue = (await subscriptionOf(h, ada))!;
    expect(pastDue.status).toBe('past_due');
    expect(pastDue.entitled).toBe(true);
    expect((await featuresOf(h, ada)).tier).toBe('enterprise');
    invoices = await billingOf(ada.headers);
    expect(invoices[0]).toMatchObject({ status: 'open', amountDue: 9900, amountPaid: 0 });

    // Every retry fails: Stripe cancels, and the learner is back on the free tier at once.
    await advance(h, { days: 20, invoicePayments: 'decline' });
    expect(await subscriptionOf(h, ada)).toBeNull();
    const after = await featuresOf(h, ada);
    expect(after.tier).toBe('free');
    expect(after.features).not.toContain('audit_logs');
    const history = await getJson<{ subscriptions: { status: string }[] }>(
      h,
      `/v1/admin/billing/${ada.license.id}/learners/${(await me(ada.headers)).id}/subscriptions`,
      { Authorization: `Bearer ${OPERATOR}` },
    );
    expect(history.subscriptions.map((s) => s.status)).toEqual(['canceled']);
  });

  it('honours the trial: nothing to pay now, a setup intent saves the card, the trial end charges it', async () => {
    const grace = await learnerOf(h, { sub: 'grace' });
    const session = await subscribe(h, grace, { planId: 'pro', interval: 'month' });
    expect(session).toMatchObject({ intentType: 'setup', amount: 0, planId: 'pro' });
    expect(session.paymentIntentId).toMatch(/^seti_/);
    expect(session.clientSecret).toMatch(/^seti_.+_secret_/);
    expect(session.trialEnd).not.toBeNull();
    await h.emulator.webhooks.settled();
    // Until the card is saved, the trial gives nothing.
    expect(await subscriptionOf(h, grace)).toMatchObject({
      status: 'trialing',
      entitled: false,
      trialEnd: session.trialEnd,
    });
    const before = await featuresOf(h, grace);
    expect(before.tier).toBe('free');
    expect(before.features).not.toContain('certificates');

    await confirm(h, session);
    const trialing = (await subscriptionOf(h, grace))!;
    expect(trialing).toMatchObject({
      status: 'trialing',
      entitled: true,
      trialEnd: session.trialEnd,
    });
    const during = await featuresOf(h, grace);
    expect(during.tier).toBe('pro');
    expect(during.features).toContain('certificates');

    await advance(h, { to: new Date(Date.parse(session.trialEnd!) + 1000) });
    const paying = (await subscriptionOf(h, grace))!;
    expect(paying.status).toBe('active');
    const invoices = await billingOf(grace.headers);
    expect(invoices[0]).toMatchObject({ status: 'paid', amountPaid: 999 });
  });
});

const OPERATOR = 'op_test_0123456789abcdef0123456789abcdef';

async function me(headers: Record<string, string>) {
  return (await getJson<{ learner: { id: string } }>(h, '/v1/me', headers)).learner;
}

describe('trials', () => {
  it('a trial left without a card gives nothing, ends canceled, and leaves the trial unused', async () => {
    const tom = await learnerOf(h, { sub: 'tom' });
    const session = await subscribe(h, tom, { planId: 'pro', interval: 'year' });
    expect(session.intentType).toBe('setup');
    await h.emulator.webhooks.settled();
    expect((await featuresOf(h, tom)).tier).toBe('free');
    await advance(h, { to: new Date(Date.parse(session.trialEnd!) + 1000) });
    expect(await subscriptionOf(h, tom)).toBeNull();
    expect((await featuresOf(h, tom)).tier).toBe('free');
    const again = await subscribe(h, tom, { planId: 'pro', interval: 'year' });
    expect(again).toMatchObject({ intentType: 'setup', amount: 0 });
    expect(again.subscriptionId).not.toBe(session.subscriptionId);
  });

  it('a second click on an unconfirmed trial reuses it; another tier cancels it', async () => {
    const ivy = await learnerOf(h, { sub: 'ivy' });
    const first = await subscribe(h, ivy, { planId: 'pro', interval: 'month' });
    await h.emulator.webhooks.settled();
    const again = await subscribe(h, ivy, { planId: 'pro', interval: 'month' });
    expect(again.subscriptionId).toBe(first.subscriptionId);
    expect(again.paymentIntentId).toBe(first.paymentIntentId);

    // Not a live subscription: checkout for another tier is allowed and cancels the trial.
    const other = await subscribe(h, ivy, { planId: 'enterprise', interval: 'month' });
    expect(other.intentType).toBe('payment');
    expect((await h.stripe.subscriptions.retrieve(first.subscriptionId)).status).toBe('canceled');
    await h.emulator.webhooks.settled();
    expect((await featuresOf(h, ivy)).tier).toBe('free');

    // The abandoned trial did not use up the learner's trial.
    const back = await subscribe(h, ivy, { planId: 'pro', interval: 'month' });
    expect(back).toMatchObject({ intentType: 'setup', amount: 0 });
    await confirm(h, back);
    expect(await subscriptionOf(h, ivy)).toMatchObject({
      planId: 'pro',
      status: 'trialing',
      entitled: true,
    });
    const features = await featuresOf(h, ivy);
    expect(features.tier).toBe('pro');
    expect(features.features).toContain('certificates');
  });

  it('setup_intent.succeeded alone starts the trial, re-read from Stripe, exactly once', async () => {
    const lin = await learnerOf(h, { sub: 'lin' });
    const session = await subscribe(h, lin, { planId: 'pro', interval: 'month' });
    await h.emulator.webhooks.settled();
    // The card is saved while no event reaches the server.
    const endpoint = `${h.url}/v1/webhooks/stripe`;
    h.emulator.webhooks.removeEndpoint(endpoint);
    try {
      await h.stripe.setupIntents.confirm(session.paymentIntentId, {
        payment_method: 'pm_card_visa',
      });
    } finally {
      h.emulator.webhooks.addEndpoint({ url: endpoint, secret: WEBHOOK_SECRET });
    }
    expect((await featuresOf(h, lin)).tier).toBe('free');
    const events = await h.stripe.events.list({ type: 'setup_intent.succeeded', limit: 100 });
    const event = events.data.find(
      (e) => (e.data.object as { id: string }).id === session.paymentIntentId,
    )!;
    const payload = JSON.stringify(event);
    expect((await postSigned(h, payload)).status).toBe(200);
    expect(await subscriptionOf(h, lin)).toMatchObject({ status: 'trialing', entitled: true });
    expect((await featuresOf(h, lin)).tier).toBe('pro');
    // A second delivery of the same event changes nothing and is recorded once.
    expect((await postSigned(h, payload)).status).toBe(200);
    expect((await eventRows(h)).filter((e) => e.id === event.id)).toHaveLength(1);
    expect((await featuresOf(h, lin)).tier).toBe('pro');
  });

  it('the card saved for a trial is applied once, whichever event arrives first', async () => {
    const kim = await learnerOf(h, { sub: 'kim' });
    const session = await subscribe(h, kim, { planId: 'pro', interval: 'month' });
    await h.emulator.webhooks.settled();
    await confirm(h, session);
    const types = (await eventRows(h)).map((e) => e.type);
    expect(types).toContain('setup_intent.succeeded');
    const sub = (await subscriptionOf(h, kim))!;
    expect(sub.entitled).toBe(true);
    // The trial is used now: a later checkout (after it ends) has none.
    await h.stripe.subscriptions.cancel(session.subscriptionId);
    await h.emulator.webhooks.settled();
    const next = await subscribe(h, kim, { planId: 'pro', interval: 'month' });
    expect(next).toMatchObject({ intentType: 'payment', trialEnd: null });
  });
});

describe('one subscription per learner', () => {
  it('starting checkout for another tier cancels the unpaid one', async () => {
    const max = await learnerOf(h, { sub: 'max' });
    const first = await subscribe(h, max, { planId: 'enterprise', interval: 'month' });
    const second = await subscribe(h, max, { planId: 'enterprise', interval: 'year' });
    expect(second.subscriptionId).not.toBe(first.subscriptionId);
    expect((await h.stripe.subscriptions.retrieve(first.subscriptionId)).status).toMatch(
      /^(canceled|incomplete_expired)$/,
    );
    await confirm(h, second);
    expect(await subscriptionOf(h, max)).toMatchObject({ interval: 'year', status: 'active' });
    const live = await h.stripe.subscriptions.list({
      customer: (await h.stripe.subscriptions.retrieve(second.subscriptionId)).customer as string,
      status: 'active',
    });
    expect(live.data.map((s) => s.id)).toEqual([second.subscriptionId]);
  });
});

describe('exactly once', () => {
  it('five clicks at once start one subscription', async () => {
    const sam = await learnerOf(h, { sub: 'sam' });
    const sessions = await Promise.all(
      Array.from({ length: 5 }, () =>
        subscribe(h, sam, { planId: 'enterprise', interval: 'month' }),
      ),
    );
    expect(new Set(sessions.map((s) => s.subscriptionId)).size).toBe(1);
    const customer = (await h.stripe.subscriptions.retrieve(sessions[0]!.subscriptionId)).customer;
    const all = await h.stripe.subscriptions.list({ customer: customer as string, status: 'all' });
    expect(all.data).toHaveLength(1);
  });

  it('a lost answer from Stripe, then a retry: one subscription', async () => {
    const zoe = await learnerOf(h, { sub: 'zoe' });
    h.http.dropPath = '/v1/subscriptions';
    h.http.drop = 1;
    try {
      const res = await h.fetch(
        '/v1/checkout/sessions',
        jsonInit('POST', { kind: 'plan', planId: 'enterprise', interval: 'month' }, zoe.headers),
      );
      expect(res.status).toBe(503);
    } finally {
      h.http.drop = 0;
      h.http.dropPath = '/v1/payment_intents';
    }
    const session = await subscribe(h, zoe, { planId: 'enterprise', interval: 'month' });
    const customer = (await h.stripe.subscriptions.retrieve(session.subscriptionId)).customer;
    const all = await h.stripe.subscriptions.list({ customer: customer as string, status: 'all' });
    expect(all.data.map((s) => s.id)).toEqual([session.subscriptionId]);
    await confirm(h, session);
    expect((await subscriptionOf(h, zoe))?.status).toBe('active');
  });

  it('replayed events, newest first, change nothing', async () => {
    const lin = await learnerOf(h, { sub: 'lin' });
    const mark = h.emulator.events().length;
    const session = await subscribe(h, lin, { planId: 'enterprise', interval: 'year' });
    await confirm(h, session);
    const before = await subscriptionOf(h, lin);
    expect(before?.status).toBe('active');
    const billing = await billingOf(lin.headers);
    const recorded = (await eventRows(h)).length;
    const events = h.emulator.events().slice(mark).reverse();
    for (const { id } of [...events, ...events]) {
      const payload = JSON.stringify(await h.stripe.events.retrieve(id));
      const res = await postSigned(h, payload);
      expect(res.status).toBe(200);
      expect((await res.json()).duplicate).toBe(true);
    }
    expect(await subscriptionOf(h, lin)).toEqual(before);
    expect(await billingOf(lin.headers)).toEqual(billing);
    expect((await eventRows(h)).length).toBe(recorded);
  });

  it("duplicated and reversed deliveries end in Stripe's state", async () => {
    const kim = await learnerOf(h, { sub: 'kim' });
    h.emulator.webhooks.configure({ duplicate: 1, reorder: 'reverse', reorderWindowMs: 50 });
    try {
      const session = await subscribe(h, kim, { planId: 'enterprise', interval: 'month' });
      await confirm(h, session);
      await h.fetch('/v1/me/subscription/cancel', { method: 'POST', headers: kim.headers });
      await h.emulator.webhooks.settled();
    } finally {
      h.emulator.webhooks.configure({ duplicate: 0, reorder: false });
    }
    const local = (await subscriptionOf(h, kim))!;
    const stripe = await h.stripe.subscriptions.retrieve(local.stripeSubscriptionId!);
    expect(local.status).toBe(stripe.status);
    expect(local.cancelAtPeriodEnd).toBe(true);
    expect(local.currentPeriodEnd).toBe(
      new Date(stripe.items.data[0]!.current_period_end * 1000).toISOString(),
    );
  });
});
