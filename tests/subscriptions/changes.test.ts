import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, jsonInit, operator } from '../fixtures/harness.js';
import {
  advance,
  confirm,
  featuresOf,
  getJson,
  learnerOf,
  periodEndOf,
  postJson,
  startPayments,
  subscribe,
  subscriptionOf,
  type Learner,
  type PaymentsHarness,
  type SubscriptionBody,
} from './helpers.js';

let h: PaymentsHarness;
let ada: Learner;

const tiers = {
  plans: [
    {
      id: 'free',
      name: 'Starter',
      prices: [{ interval: 'month', amount: 0, currency: 'USD' }],
      features: ['course_catalog'],
    },
    {
      id: 'basic',
      name: 'Basic',
      prices: [
        { interval: 'month', amount: 1000, currency: 'USD' },
        { interval: 'year', amount: 10000, currency: 'USD' },
      ],
      features: ['course_catalog', 'certificates'],
    },
    {
      id: 'premium',
      name: 'Premium',
      prices: [{ interval: 'month', amount: 3000, currency: 'USD' }],
      features: ['course_catalog', 'certificates', 'analytics'],
      recommended: true,
    },
  ],
};

interface ChangeBody {
  subscription: SubscriptionBody;
  preview: {
    amountDue: number;
    currency: string;
    lines: { description: string | null; amount: number; proration: boolean }[];
  } | null;
}

const change = async (learner: Learner, body: object) => {
  const res = await postJson(h, '/v1/me/subscription/change', learner.headers, body);
  return res;
};

beforeAll(async () => {
  h = await startPayments();
  ada = await learnerOf(h, { name: 'Initech', sub: 'ada' });
  const res = await h.fetch(
    `/v1/admin/billing/${ada.license.id}/plans`,
    jsonInit('PUT', tiers, operator),
  );
  expect(res.status).toBe(200);
});
afterAll(() => h.close());

describe('changing plans', () => {
  it('needs a subscription to change', async () => {
    await expectProblem(await change(ada, { planId: 'premium', interval: 'month' }), 'not_found');
    await expectProblem(await postJson(h, '/v1/me/subscription/cancel', ada.headers), 'not_found');
  });

  it('previews and charges an upgrade prorated; a downgrade credits', async () => {
    const session = await subscribe(h, ada, { planId: 'basic', interval: 'month' });
    expect(session).toMatchObject({ intentType: 'payment', amount: 1000, trialEnd: null });
    await confirm(h, session);
    const sub = (await subscriptionOf(h, ada))!;
    expect(sub).toMatchObject({ planId: 'basic', status: 'active', amount: 1000 });
    expect((await featuresOf(h, ada)).tier).toBe('basic');

    const start = Date.parse(sub.currentPeriodStart!);
    const end = Date.parse(sub.currentPeriodEnd!);
    await advance(h, { to: new Date(start + (end - start) / 2) });

    const previewRes = await change(ada, { planId: 'premium', interval: 'month', preview: true });
    expect(previewRes.status).toBe(200);
    const preview = ((await previewRes.json()) as ChangeBody).preview!;
    expect(preview.lines.map((l) => [l.amount, l.proration])).toEqual([
      [-500, true],
      [1500, true],
    ]);
    expect(preview).toMatchObject({ amountDue: 1000, currency: 'USD' });
    expect((await subscriptionOf(h, ada))?.planId).toBe('basic');

    const upRes = await change(ada, { planId: 'premium', interval: 'month' });
    expect(upRes.status).toBe(200);
    const up = (await upRes.json()) as ChangeBody;
    expect(up.preview).toBeNull();
    expect(up.subscription).toMatchObject({ planId: 'premium', amount: 3000, status: 'active' });
    expect(up.subscription.currentPeriodEnd).toBe(sub.currentPeriodEnd);
    // Visible on the very next request, not after the cache's five minutes.
    expect((await featuresOf(h, ada)).features).toContain('analytics');
    await h.emulator.webhooks.settled();
    const invoices = (
      await getJson<{ invoices: { billingReason: string; amountPaid: number }[] }>(
        h,
        '/v1/me/billing',
        ada.headers,
      )
    ).invoices;
    expect(invoices[0]).toMatchObject({ billingReason: 'subscription_update', amountPaid: 1000 });

    await expectProblem(await change(ada, { planId: 'premium', interval: 'month' }), 'conflict');

    const down = (await (
      await change(ada, { planId: 'basic', interval: 'month' })
    ).json()) as ChangeBody;
    expect(down.subscription).toMatchObject({ planId: 'basic', amount: 1000 });
    const customer = await h.stripe.customers.retrieve(
      (await h.stripe.subscriptions.retrieve(down.subscription.stripeSubscriptionId!))
        .customer as string,
    );
    // Unused Premium (-1500) less the rest of Basic (+500): a credit for the next invoices.
    expect(customer.deleted ? 0 : customer.balance).toBe(-1000);
    expect((await featuresOf(h, ada)).features).not.toContain('analytics');
  });

  it('refuses tiers and intervals that cost nothing or do not exist', async () => {
    for (const body of [
      { planId: 'free', interval: 'month' },
      { planId: 'premium', interval: 'year' },
      { planId: 'gold', interval: 'month' },
    ]) {
      await expectProblem(await change(ada, body), 'validation_failed');
    }
  });

  it('cancels at period end, resumes, and the period end cancels for good', async () => {
    const canceled = await postJson(h, '/v1/me/subscription/cancel', ada.headers);
    expect(canceled.status).toBe(200);
    const pending = ((await canceled.json()) as { subscription: SubscriptionBody }).subscription;
    expect(pending).toMatchObject({ status: 'active', cancelAtPeriodEnd: true, entitled: true });
    expect((await featuresOf(h, ada)).tier).toBe('basic');

    const resumed = await postJson(h, '/v1/me/subscription/resume', ada.headers);
    expect(
      ((await resumed.json()) as { subscription: SubscriptionBody }).subscription,
    ).toMatchObject({
      status: 'active',
      cancelAtPeriodEnd: false,
    });
    await h.emulator.webhooks.settled();
    expect((await subscriptionOf(h, ada))?.cancelAtPeriodEnd).toBe(false);

    await postJson(h, '/v1/me/subscription/cancel', ada.headers);
    const sub = (await subscriptionOf(h, ada))!;
    await advance(h, { to: periodEndOf(sub) });
    expect(await subscriptionOf(h, ada)).toBeNull();
    expect((await featuresOf(h, ada)).tier).toBe('free');
    expect((await featuresOf(h, ada)).features).toEqual(['course_catalog']);

    // Subscribing again is allowed once it has ended; the downgrade's credit pays part of it.
    const again = await subscribe(h, ada, { planId: 'basic', interval: 'year' });
    expect(again).toMatchObject({ amount: 10000 - 1000, interval: 'year', planId: 'basic' });
  });
});
