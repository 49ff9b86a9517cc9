import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../server/errors.js';
import type { Learner as LearnerRow } from '../../server/modules/learners/service.js';
import { signToken } from '../fixtures/harness.js';
import { sellTestCourses } from '../payments/helpers.js';
import {
  confirm,
  learnerOf,
  startPayments,
  subscribe,
  subscriptionOf,
  type Learner,
  type PaymentsHarness,
} from './helpers.js';

/*
 * Checkout (payments) and tier changes (billing) take one lock per license and learner,
 * handed to both at construction, so a learner's money moves run one after the other.
 */

let h: PaymentsHarness;
let ada: Learner;
let learner: LearnerRow;

beforeAll(async () => {
  h = await startPayments();
  sellTestCourses(h);
  ada = await learnerOf(h, { name: 'Initech', sub: 'ada' });
  const token = await signToken(ada.signingSecret, ada.license.id, h.clock, { sub: 'ada' });
  learner = await h.services.learners.authenticate(
    (await h.services.licenses.getById(ada.license.id))!,
    token,
  );
  await confirm(h, await subscribe(h, ada, { planId: 'enterprise', interval: 'month' }));
  expect(await subscriptionOf(h, ada)).toMatchObject({ planId: 'enterprise', status: 'active' });
});
afterAll(() => h.close());

describe('one lock per learner for checkout and tier changes', () => {
  it('a checkout asked for during a tier change waits for it and sees the new tier', async () => {
    // Both asked for in the same tick: the change first, then the checkout.
    const changing = h.services.billing.subscriptions.change(learner, {
      planId: 'pro',
      interval: 'month',
    });
    const checkingOut = h.services.payments.checkout(learner, {
      kind: 'plan',
      planId: 'pro',
      interval: 'month',
    });
    const refusal = await checkingOut.then(
      () => null,
      (error: unknown) => error,
    );
    const changed = await changing;

    expect(changed.subscription).toMatchObject({ planId: 'pro', status: 'active' });
    // Priced only once the change was done: the learner's subscription is already on Pro.
    expect(refusal).toBeInstanceOf(ApiError);
    expect((refusal as ApiError).code).toBe('conflict');
    expect((refusal as ApiError).extensions).toMatchObject({ planId: 'pro', status: 'active' });
  });

  it('a tier change asked for during a checkout starts once the checkout is done', async () => {
    // The last test's events handled first: their re-reads of the subscription would be logged.
    await h.emulator.webhooks.settled();
    h.http.log = [];
    try {
      const checkingOut = h.services.payments.checkout(learner, {
        kind: 'course',
        courseId: 'algebra',
      });
      const changing = h.services.billing.subscriptions.change(learner, {
        planId: 'enterprise',
        interval: 'month',
      });
      const [session, changed] = await Promise.all([checkingOut, changing]);

      expect(session).toMatchObject({ mode: 'payment', amount: 4_900 });
      expect(changed.subscription.planId).toBe('enterprise');
      const log = h.http.log;
      const intentCreated = log.indexOf('answered POST /v1/payment_intents');
      const changeStarted = log.findIndex((line) => line.startsWith('GET /v1/subscriptions/'));
      expect(intentCreated).toBeGreaterThanOrEqual(0);
      // The change asked Stripe nothing before the checkout had its payment intent.
      expect(changeStarted).toBeGreaterThan(intentCreated);
    } finally {
      h.http.log = null;
    }
  });
});
