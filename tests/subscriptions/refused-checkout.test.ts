import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, jsonInit, operator } from '../fixtures/harness.js';
import { checkout, holdDeliveries, resumeDeliveries } from '../payments/helpers.js';
import { learnerOf, startPayments, subscribe, type PaymentsHarness } from './helpers.js';
import { subscriptions } from '../../server/modules/billing/schema.js';

/*
 * Stripe's answer to the subscription is lost, then the operator changes the tier's trial:
 * the retry sends the stored idempotency key with other parameters, which Stripe refuses for
 * good. The learner hears so once; the next checkout starts afresh.
 */

let h: PaymentsHarness;

beforeAll(async () => {
  h = await startPayments();
});
afterAll(() => {
  h.http.dropPath = '/v1/payment_intents';
  return h.close();
});

const tiers = (trialDays: number) => ({
  plans: [
    {
      id: 'pro',
      name: 'Pro',
      prices: [{ interval: 'month', amount: 999, currency: 'USD' }],
      features: ['certificates'],
      trialDays,
    },
  ],
});

describe('a subscription checkout Stripe refuses for good', () => {
  it('answers 409 once, sets the attempt aside, and the next checkout succeeds', async () => {
    const learner = await learnerOf(h, { name: 'Trial Changed', sub: 'trial' });
    const plans = `/v1/admin/billing/${learner.license.id}/plans`;
    expect((await h.fetch(plans, jsonInit('PUT', tiers(14), operator))).status).toBe(200);
    const pro = { kind: 'plan', planId: 'pro', interval: 'month' };

    // Stripe's events about the subscription it did create never reach the server here, so
    // the retry knows of it only by its idempotency key (not by a webhook that won the race).
    holdDeliveries(h);
    try {
      h.http.dropPath = '/v1/subscriptions';
      h.http.drop = 1;
      await expectProblem(await checkout(h, learner.headers, pro), 'service_unavailable');
      expect(h.http.drop).toBe(0);

      expect((await h.fetch(plans, jsonInit('PUT', tiers(0), operator))).status).toBe(200);
      const refused = await expectProblem(await checkout(h, learner.headers, pro), 'conflict');
      expect(refused).toMatchObject({
        reason: 'request_refused_by_stripe',
        stripeCode: 'idempotency_error',
      });
    } finally {
      resumeDeliveries(h);
    }

    // A second later, so the two attempts' `created_at` tell which came first on either store.
    h.clock.advance(1_000);
    const session = await subscribe(h, learner, { planId: 'pro', interval: 'month' });
    expect(session).toMatchObject({ intentType: 'payment', trialEnd: null, amount: 999 });
    const rows = await h.store.db
      .select({ status: subscriptions.status })
      .from(subscriptions)
      .where(eq(subscriptions.licenseId, learner.license.id))
      .orderBy(asc(subscriptions.createdAt));
    expect(rows).toEqual([{ status: 'canceled' }, { status: 'incomplete' }]);
  });
});
