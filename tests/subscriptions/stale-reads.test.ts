import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  delivery,
  eventsAbout,
  holdDeliveries,
  postSigned,
  resumeDeliveries,
  secondProcess,
} from '../payments/helpers.js';
import {
  confirm,
  learnerOf,
  postJson,
  startPayments,
  subscribe,
  subscriptionOf,
  type Learner,
  type PaymentsHarness,
} from './helpers.js';

/*
 * Two events about one subscription, each re-reading it from Stripe: the re-read that was
 * issued first is made to answer last (the emulator holds its answer), the way a slow network
 * does. What the server keeps must be what Stripe says now, not what the slow read saw.
 */

let h: PaymentsHarness;

beforeAll(async () => {
  h = await startPayments();
});
afterAll(() => h.close());

/** A learner with a paid subscription, and Stripe's deliveries held back from then on. */
async function subscribed(sub: string): Promise<{ learner: Learner; subscriptionId: string }> {
  const learner = await learnerOf(h, { name: `Stale ${sub}`, sub });
  const session = await subscribe(h, learner, { planId: 'enterprise', interval: 'month' });
  await confirm(h, session);
  expect(await subscriptionOf(h, learner)).toMatchObject({ status: 'active' });
  holdDeliveries(h);
  return { learner, subscriptionId: session.subscriptionId };
}

/** The learner cancels at period end; Stripe's event about it, not delivered yet. */
async function cancelled(learner: Learner, subscriptionId: string) {
  const res = await postJson(h, '/v1/me/subscription/cancel', learner.headers);
  expect(res.status).toBe(200);
  const events = await eventsAbout(h, subscriptionId, 'customer.subscription.updated');
  return events.at(-1)!;
}

/** Resumed in Stripe's dashboard: Stripe's event about it, not delivered yet. */
async function resumedInStripe(subscriptionId: string) {
  await h.stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: false });
  const events = await eventsAbout(h, subscriptionId, 'customer.subscription.updated');
  return events.at(-1)!;
}

describe('a stale Stripe read never overwrites a newer one', () => {
  it('applies events about one subscription one at a time, re-reads included', async () => {
    const { learner, subscriptionId } = await subscribed('serial');
    try {
      const cancelEvent = await cancelled(learner, subscriptionId);
      const slow = h.emulator.delayAnswers({
        method: 'GET',
        path: `/v1/subscriptions/${subscriptionId}`,
      });
      // The re-read for the cancellation is served (cancel_at_period_end: true), then held.
      const first = postSigned(h, JSON.stringify(cancelEvent, null, 2));
      await slow.reached;
      const resumeEvent = await resumedInStripe(subscriptionId);
      const second = postSigned(h, JSON.stringify(resumeEvent, null, 2));
      // Give the second event the time to overtake the first, if anything lets it.
      await Promise.race([second, sleep(500)]);
      slow.release();
      expect((await first).status).toBe(200);
      expect((await second).status).toBe(200);

      const stripeSays = await h.stripe.subscriptions.retrieve(subscriptionId);
      expect(stripeSays.cancel_at_period_end).toBe(false);
      expect((await subscriptionOf(h, learner))?.cancelAtPeriodEnd).toBe(false);
    } finally {
      resumeDeliveries(h);
    }
  });

  it('orders reads by when they were issued, across processes', async () => {
    const { learner, subscriptionId } = await subscribed('issued');
    const other = secondProcess(h);
    try {
      const cancelEvent = await cancelled(learner, subscriptionId);
      const slow = h.emulator.delayAnswers({
        method: 'GET',
        path: `/v1/subscriptions/${subscriptionId}`,
      });
      // This process issues its read first …
      const first = h.services.payments.receiveWebhook(...delivery(h, cancelEvent));
      await slow.reached;
      h.clock.advance(1_000);
      // … the other process issues a later one, which answers and is written first.
      const resumeEvent = await resumedInStripe(subscriptionId);
      await other.payments.receiveWebhook(...delivery(h, resumeEvent));
      expect((await subscriptionOf(h, learner))?.cancelAtPeriodEnd).toBe(false);
      slow.release();
      await first;

      const stripeSays = await h.stripe.subscriptions.retrieve(subscriptionId);
      expect(stripeSays.cancel_at_period_end).toBe(false);
      expect((await subscriptionOf(h, learner))?.cancelAtPeriodEnd).toBe(false);
    } finally {
      await other.close();
      resumeDeliveries(h);
    }
  });
});
