import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkout,
  delivery,
  eventsAbout,
  holdDeliveries,
  learnerOf,
  paymentRows,
  postSigned,
  resumeDeliveries,
  secondProcess,
  sellTestCourses,
  startPayments,
  type PaymentsHarness,
} from './helpers.js';

/*
 * Two failed attempts to pay one payment intent, each reported by an event that re-reads the
 * intent from Stripe. The re-read issued first is made to answer last (the emulator holds its
 * answer): the payment must end with what Stripe says now, the second decline.
 */

let h: PaymentsHarness;

beforeAll(async () => {
  h = await startPayments();
  sellTestCourses(h);
});
afterAll(() => h.close());

/** A course checkout declined once, with Stripe's deliveries held back from then on. */
async function declinedOnce(sub: string) {
  const learner = await learnerOf(h, { name: `Stale ${sub}`, sub });
  const res = await checkout(h, learner.headers, { kind: 'course', courseId: 'algebra' });
  const { paymentIntentId } = (await res.json()) as { paymentIntentId: string };
  holdDeliveries(h);
  await declineWith(paymentIntentId, 'pm_card_chargeDeclined');
  return paymentIntentId;
}

/** Confirms with a card Stripe declines; returns the newest `payment_failed` event. */
async function declineWith(paymentIntentId: string, card: string) {
  await h.stripe.paymentIntents
    .confirm(paymentIntentId, { payment_method: card })
    .then(() => expect.unreachable('the card is declined'))
    .catch((error: { code?: string }) => expect(error.code).toBe('card_declined'));
  return (await eventsAbout(h, paymentIntentId, 'payment_intent.payment_failed')).at(-1)!;
}

const failureOf = async (paymentIntentId: string) =>
  (await paymentRows(h)).find((r) => r.payment_intent_id === paymentIntentId);

describe('a stale payment intent read never overwrites a newer one', () => {
  it('applies events about one payment intent one at a time, re-reads included', async () => {
    const intentId = await declinedOnce('pi-serial');
    try {
      const [firstEvent] = await eventsAbout(h, intentId, 'payment_intent.payment_failed');
      const slow = h.emulator.delayAnswers({
        method: 'GET',
        path: `/v1/payment_intents/${intentId}`,
      });
      // The re-read for the first decline is served (generic_decline), then held.
      const first = postSigned(h, JSON.stringify(firstEvent, null, 2));
      await slow.reached;
      const secondEvent = await declineWith(intentId, 'pm_card_chargeDeclinedInsufficientFunds');
      const second = postSigned(h, JSON.stringify(secondEvent, null, 2));
      await Promise.race([second, sleep(500)]);
      slow.release();
      expect((await first).status).toBe(200);
      expect((await second).status).toBe(200);

      const stripeSays = await h.stripe.paymentIntents.retrieve(intentId);
      expect(stripeSays.last_payment_error?.decline_code).toBe('insufficient_funds');
      expect((await failureOf(intentId))?.failure_code).toBe('insufficient_funds');
    } finally {
      resumeDeliveries(h);
    }
  });

  it('orders payment intent reads by when they were issued, across processes', async () => {
    const intentId = await declinedOnce('pi-issued');
    const other = await secondProcess(h);
    try {
      const [firstEvent] = await eventsAbout(h, intentId, 'payment_intent.payment_failed');
      const slow = h.emulator.delayAnswers({
        method: 'GET',
        path: `/v1/payment_intents/${intentId}`,
      });
      const first = h.services.payments.receiveWebhook(...delivery(h, firstEvent!));
      await slow.reached;
      h.clock.advance(1_000);
      const secondEvent = await declineWith(intentId, 'pm_card_chargeDeclinedInsufficientFunds');
      await other.payments.receiveWebhook(...delivery(h, secondEvent));
      expect((await failureOf(intentId))?.failure_code).toBe('insufficient_funds');
      slow.release();
      await first;

      expect((await failureOf(intentId))?.failure_code).toBe('insufficient_funds');
    } finally {
      await other.close();
      resumeDeliveries(h);
    }
  });
});
