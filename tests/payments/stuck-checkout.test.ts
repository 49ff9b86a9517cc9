import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../fixtures/harness.js';
import {
  checkout,
  learnerOf,
  paymentRows,
  startPayments,
  type PaymentsHarness,
} from './helpers.js';

/*
 * Stripe's answer to the payment intent is lost, then the course is renamed: the retry sends
 * the stored idempotency key with other parameters, and Stripe refuses it for good. The
 * learner must hear so once, and the next checkout must start afresh.
 */

let h: PaymentsHarness;
/** What the test course is called right now; its price stays. */
let courseName = 'Algebra';

beforeAll(async () => {
  h = await startPayments();
  h.services.payments.registerProduct('course', {
    price: (_learner, request) =>
      Promise.resolve({
        kind: 'course',
        item: request.courseId,
        amount: 4_900,
        currency: 'USD',
        description: `Course: ${courseName}`,
      }),
  });
});
afterAll(() => h.close());

const course = { kind: 'course', courseId: 'algebra' };

describe('a checkout Stripe refuses for good', () => {
  it('answers 409 once, sets the attempt aside, and the next checkout succeeds', async () => {
    const learner = await learnerOf(h, { name: 'Renamed Courses', sub: 'stuck' });
    h.http.drop = 1;
    const lost = await checkout(h, learner.headers, course);
    await expectProblem(lost, 'service_unavailable');
    expect(h.http.drop).toBe(0);

    courseName = 'Algebra II';
    const refused = await expectProblem(await checkout(h, learner.headers, course), 'conflict');
    expect(refused).toMatchObject({
      reason: 'request_refused_by_stripe',
      stripeCode: 'idempotency_error',
    });

    const retry = await checkout(h, learner.headers, course);
    expect(retry.status).toBe(200);
    const session = (await retry.json()) as { paymentId: string; paymentIntentId: string };
    const intent = await h.stripe.paymentIntents.retrieve(session.paymentIntentId);
    expect(intent.description).toBe('Course: Algebra II');
    const rows = (await paymentRows(h)).filter((r) => r.license_id === learner.license.id);
    expect(rows.map((r) => [r.status, r.failure_code])).toEqual([
      ['canceled', 'idempotency_error'],
      ['requires_payment_method', null],
    ]);
    // And the learner can pay it.
    await h.stripe.paymentIntents.confirm(session.paymentIntentId, {
      payment_method: 'pm_card_visa',
    });
    await h.emulator.webhooks.settled();
    expect((await paymentRows(h)).find((r) => r.id === session.paymentId)?.status).toBe(
      'succeeded',
    );
  });

  it('answers 503 with Retry-After while Stripe does not answer, and the retry succeeds', async () => {
    const learner = await learnerOf(h, { name: 'Flaky Network', sub: 'flaky' });
    h.http.drop = 1;
    const lost = await checkout(h, learner.headers, course);
    await expectProblem(lost, 'service_unavailable');
    expect(lost.headers.get('retry-after')).toMatch(/^\d+$/);
    const retry = await checkout(h, learner.headers, course);
    expect(retry.status).toBe(200);
  });
});
