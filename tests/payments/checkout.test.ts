import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planProduct } from './fixtures/one-off-plans.js';
import { expectProblem, learnerHeaders, signToken } from '../fixtures/harness.js';
import {
  checkout,
  dumpStore,
  learnerOf,
  paymentRows,
  startPayments,
  type PaymentsHarness,
} from './helpers.js';
import { stripeCustomers } from '../../server/modules/payments/schema.js';

describe('POST /v1/checkout/sessions', () => {
  let h: PaymentsHarness;
  let acme: Awaited<ReturnType<typeof learnerOf>>;
  let globex: Awaited<ReturnType<typeof learnerOf>>;

  beforeAll(async () => {
    h = await startPayments();
    // Plans paid once, as payment intents: what these tests exercise, whichever plan product
    // the server registers by default.
    h.services.payments.registerProduct('plan', planProduct);
    acme = await learnerOf(h);
    globex = await learnerOf(h, { name: 'Globex', origins: ['https://learn.globex.test'] });
  });
  afterAll(() => h.close());

  it('prices the plan on the server and ignores what the client says about price', async () => {
    const res = await checkout(h, acme.headers, {
      kind: 'plan',
      planId: 'pro',
      interval: 'month',
      amount: 1,
      currency: 'JPY',
      price: { amount: 1 },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json();
    expect(body).toEqual({
      paymentId: expect.stringMatching(/^pay_/),
      paymentIntentId: expect.stringMatching(/^pi_/),
      clientSecret: expect.stringMatching(/^pi_.+_secret_/),
      amount: 999,
      currency: 'USD',
      status: 'requires_payment_method',
      mode: 'payment',
    });
    const intent = await h.stripe.paymentIntents.retrieve(body.paymentIntentId);
    expect({ amount: intent.amount, currency: intent.currency }).toEqual({
      amount: 999,
      currency: 'usd',
    });
    expect(intent.metadata).toMatchObject({
      license_id: acme.license.id,
      payment_id: body.paymentId,
      kind: 'plan',
      item: 'pro:month',
    });
    expect(intent.customer).toMatch(/^cus_/);
  });

  it('returns the same payment intent on a second click, and one customer per learner', async () => {
    const first = await (
      await checkout(h, acme.headers, { kind: 'plan', planId: 'enterprise', interval: 'year' })
    ).json();
    const clicks = await Promise.all(
      Array.from({ length: 5 }, () =>
        checkout(h, acme.headers, { kind: 'plan', planId: 'enterprise', interval: 'year' }).then(
          (r) => r.json(),
        ),
      ),
    );
    for (const click of clicks) expect(click.paymentIntentId).toBe(first.paymentIntentId);
    expect(first.amount).toBe(99000);
    const intent = await h.stripe.paymentIntents.retrieve(first.paymentIntentId);
    const all = await h.stripe.paymentIntents.list({ customer: intent.customer as string });
    expect(all.data.map((pi) => pi.metadata.item).sort()).toEqual(['enterprise:year', 'pro:month']);
    const customers = await h.store.db
      .select()
      .from(stripeCustomers)
      .where(eq(stripeCustomers.licenseId, acme.license.id));
    expect(customers).toHaveLength(1);
  });

  it('creates one payment intent when Stripe’s answer was lost and the learner retries', async () => {
    const bob = await signToken(acme.signingSecret, acme.license.id, h.clock, { sub: 'bob' });
    const headers = learnerHeaders(acme.license.publishableKey, bob, 'https://portal.acme.test');
    const plan = { kind: 'plan', planId: 'pro', interval: 'year' };
    h.http.drop = 1;
    const lost = await checkout(h, headers, plan);
    await expectProblem(lost, 'service_unavailable');
    expect(h.http.drop).toBe(0);
    const retry = await checkout(h, headers, plan);
    expect(retry.status).toBe(200);
    const session = await retry.json();
    const again = await (await checkout(h, headers, plan)).json();
    expect(again.paymentIntentId).toBe(session.paymentIntentId);
    const intent = await h.stripe.paymentIntents.retrieve(session.paymentIntentId);
    const all = await h.stripe.paymentIntents.list({ customer: intent.customer as string });
    expect(all.data).toHaveLength(1);
    expect(all.data[0]!.amount).toBe(9990);
    const rows = (await paymentRows(h)).filter(
      (r) => r.payment_intent_id === session.paymentIntentId,
    );
    expect(rows).toHaveLength(1);
  });

  it.each([
    [{ kind: 'plan', planId: 'platinum', interval: 'month' }, 'body.planId'],
    [{ kind: 'plan', planId: 'free', interval: 'month' }, 'body.planId'],
    [{ kind: 'plan', planId: 'pro', interval: 'week' }, 'body.interval'],
    [{ kind: 'gift', courseId: 'c1' }, 'body.kind'],
  ])('refuses %j naming %s, changing nothing', async (body, field) => {
    const before = await dumpStore(h);
    const problem = await expectProblem(await checkout(h, acme.headers, body), 'validation_failed');
    expect(problem.errors?.map((e) => e.path)).toContain(field);
    expect(await dumpStore(h)).toEqual(before);
  });

  it('refuses a learner of another license, and without a learner token', async () => {
    const before = await dumpStore(h);
    const globexToken = await signToken(globex.signingSecret, globex.license.id, h.clock);
    const foreign = learnerHeaders(
      acme.license.publishableKey,
      globexToken,
      'https://portal.acme.test',
    );
    await expectProblem(
      await checkout(h, foreign, { kind: 'plan', planId: 'pro', interval: 'month' }),
      'token_invalid',
    );
    const anonymous = learnerHeaders(acme.license.publishableKey, undefined);
    await expectProblem(
      await checkout(h, anonymous, { kind: 'plan', planId: 'pro', interval: 'month' }),
      'unauthenticated',
    );
    expect(await dumpStore(h)).toEqual(before);
  });

  it('shows a payment to its learner only', async () => {
    const session = await (
      await checkout(h, acme.headers, { kind: 'plan', planId: 'pro', interval: 'month' })
    ).json();
    const own = await h.fetch(`/v1/checkout/sessions/${session.paymentIntentId}`, {
      headers: acme.headers,
    });
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({
      paymentIntentId: session.paymentIntentId,
      amount: 999,
      currency: 'USD',
      amountRefunded: 0,
    });
    // Globex's own learner, properly signed in to Globex, asks for Acme's payment.
    const other = await h.fetch(`/v1/checkout/sessions/${session.paymentIntentId}`, {
      headers: globex.headers,
    });
    await expectProblem(other, 'not_found');
    const bob = await signToken(acme.signingSecret, acme.license.id, h.clock, { sub: 'bob' });
    const colleague = await h.fetch(`/v1/checkout/sessions/${session.paymentIntentId}`, {
      headers: learnerHeaders(acme.license.publishableKey, bob, 'https://portal.acme.test'),
    });
    await expectProblem(colleague, 'not_found');
  });
});
