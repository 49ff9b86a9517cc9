import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLicense, expectProblem, learnerHeaders, signToken } from '../fixtures/harness.js';
import {
  ACME_ORIGIN,
  checkout,
  paymentRows,
  sellTestCourses,
  startPayments,
  type PaymentsHarness,
} from './helpers.js';

/*
 * The harness pays through the emulator with a test key (`sk_test_…`), as `npm start` does.
 * A live license (`pk_live_…`) must never pay there: test cards would "pay" for real courses.
 */

let h: PaymentsHarness;

beforeAll(async () => {
  h = await startPayments();
  sellTestCourses(h);
});
afterAll(() => h.close());

async function learnerOfMode(mode: 'test' | 'live', sub: string) {
  const created = await createLicense(h.services, {
    name: `${mode} academy`,
    origins: [ACME_ORIGIN],
    mode,
  });
  expect(created.license.publishableKey.startsWith(`pk_${mode}_`)).toBe(true);
  const token = await signToken(created.signingSecret!, created.license.id, h.clock, { sub });
  return {
    license: created.license,
    headers: learnerHeaders(created.license.publishableKey, token, ACME_ORIGIN),
  };
}

describe('a live license and a test Stripe key', () => {
  it('refuses to check out, naming the mismatch, before anything reaches Stripe', async () => {
    const live = await learnerOfMode('live', 'live-learner');
    const intentsBefore = (await h.stripe.paymentIntents.list({ limit: 100 })).data.length;
    const customersBefore = (await h.stripe.customers.list({ limit: 100 })).data.length;

    for (const body of [
      { kind: 'course', courseId: 'algebra' },
      { kind: 'plan', planId: 'pro', interval: 'month' },
    ]) {
      const problem = await expectProblem(
        await checkout(h, live.headers, body),
        'service_unavailable',
      );
      expect(problem.detail).toMatch(/live/);
      expect(problem.detail).toMatch(/test/);
      expect(problem).toMatchObject({ licenseMode: 'live', stripeMode: 'test' });
    }

    expect((await h.stripe.paymentIntents.list({ limit: 100 })).data).toHaveLength(intentsBefore);
    expect((await h.stripe.customers.list({ limit: 100 })).data).toHaveLength(customersBefore);
    expect((await paymentRows(h)).filter((r) => r.license_id === live.license.id)).toEqual([]);
  });

  it('still lets a test license pay through the test key', async () => {
    const test = await learnerOfMode('test', 'test-learner');
    const res = await checkout(h, test.headers, { kind: 'course', courseId: 'algebra' });
    expect(res.status).toBe(200);
  });
});
