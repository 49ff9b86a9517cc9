import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StripeEmulator } from '../../demo/stripe-emulator/index.js';
import { expectStripeError, raw, START, startEmulator } from './helpers.js';

let emulator: StripeEmulator;
let stripe: Stripe;

beforeAll(async () => {
  ({ emulator, stripe } = await startEmulator());
});

afterAll(async () => {
  await emulator.stop();
});

const created = Math.floor(START.getTime() / 1000);

describe('authentication', () => {
  it('answers a missing key with 401 in Stripe’s error shape', async () => {
    const res = await raw(emulator.url, 'GET', '/v1/customers', { headers: { authorization: '' } });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({
      error: expect.objectContaining({
        type: 'invalid_request_error',
        message: expect.stringContaining('You did not provide an API key'),
      }),
    });
  });

  it('refuses malformed, live and publishable keys on secret endpoints', async () => {
    for (const authorization of ['Bearer nope', 'Bearer sk_live_abc123', 'Token sk_test_x']) {
      const res = await raw(emulator.url, 'GET', '/v1/customers', { headers: { authorization } });
      expect(res.status).toBe(401);
      expect((res.json.error as { message: string }).message).toMatch(/Invalid API Key provided/);
    }
    const pk = await raw(emulator.url, 'GET', '/v1/customers', {
      headers: { authorization: 'Bearer pk_test_abc' },
    });
    expect(pk.status).toBe(401);
    expect((pk.json.error as { message: string }).message).toMatch(/publishable API key/);
  });

  it('surfaces as StripeAuthenticationError through the SDK', async () => {
    const { default: StripeSdk } = await import('stripe');
    const bad = new StripeSdk('sk_live_nope', { ...emulator.sdkConfig, maxNetworkRetries: 0 });
    const error = await expectStripeError(bad.customers.list());
    expect(error.type).toBe('StripeAuthenticationError');
    expect(error.statusCode).toBe(401);
  });

  it('accepts Stripe-Version, echoes it and a request id', async () => {
    const res = await raw(emulator.url, 'GET', '/v1/customers', {
      headers: { 'stripe-version': '2025-02-24.acacia' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('stripe-version')).toBe('2025-02-24.acacia');
    expect(res.headers.get('request-id')).toMatch(/^req_/);
  });

  it('404s unknown URLs and ids the way Stripe words them', async () => {
    const url = await raw(emulator.url, 'GET', '/v1/nope');
    expect(url.status).toBe(404);
    expect((url.json.error as { message: string }).message).toMatch(
      /^Unrecognized request URL \(GET: \/v1\/nope\)/,
    );
    const error = await expectStripeError(stripe.customers.retrieve('cus_missing'));
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe('resource_missing');
    expect(error.message).toBe("No such customer: 'cus_missing'");
    expect(error.param).toBe('id');
  });

  it('refuses unknown parameters instead of ignoring them', async () => {
    const error = await expectStripeError(
      stripe.customers.create({ emial: 'x@example.com' } as Stripe.CustomerCreateParams),
    );
    expect(error.code).toBe('parameter_unknown');
    expect(error.param).toBe('emial');
  });
});

describe('customers', () => {
  it('creates, retrieves, updates and lists by email', async () => {
    const customer = await stripe.customers.create({
      email: 'ada@example.com',
      name: 'Ada',
      metadata: { learner_id: 'l1' },
    });
    expect(customer).toMatchObject({
      object: 'customer',
      email: 'ada@example.com',
      livemode: false,
      created,
      metadata: { learner_id: 'l1' },
    });
    expect(customer.id).toMatch(/^cus_/);

    const updated = await stripe.customers.update(customer.id, {
      name: 'Ada Lovelace',
      metadata: { learner_id: '', plan: 'pro' },
    });
    expect(updated.name).toBe('Ada Lovelace');
    expect(updated.metadata).toEqual({ plan: 'pro' });

    await stripe.customers.create({ email: 'other@example.com' });
    const byEmail = await stripe.customers.list({ email: 'ada@example.com' });
    expect(byEmail.data.map((c) => c.id)).toEqual([customer.id]);
    expect(byEmail.url).toBe('/v1/customers');

    const retrieved = await stripe.customers.retrieve(customer.id);
    expect(retrieved).toEqual(updated);
  });

  it('paginates newest first with starting_after', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await stripe.customers.create({ email: `page${i}@example.com` })).id);
    const first = await stripe.customers.list({ limit: 2 });
    expect(first.has_more).toBe(true);
    expect(first.data.map((c) => c.id)).toEqual([ids[2], ids[1]]);
    const second = await stripe.customers.list({ limit: 2, starting_after: ids[1] });
    expect(second.data[0]?.id).toBe(ids[0]);
  });

  it('deletes', async () => {
    const customer = await stripe.customers.create({ email: 'gone@example.com' });
    expect(await stripe.customers.del(customer.id)).toEqual({
      id: customer.id,
      object: 'customer',
      deleted: true,
    });
    expect(await stripe.customers.retrieve(customer.id)).toEqual({
      id: customer.id,
      object: 'customer',
      deleted: true,
    });
  });
});

describe('products and prices', () => {
  it('round-trips recurring prices with lookup keys and expands the product', async () => {
    const product = await stripe.products.create({ name: 'Pro', metadata: { tier: 'pro' } });
    expect(product.id).toMatch(/^prod_/);
    const monthly = await stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount: 999,
      recurring: { interval: 'month' },
      lookup_key: 'pro_monthly',
      expand: ['product'],
    });
    expect(monthly).toMatchObject({
      object: 'price',
      type: 'recurring',
      unit_amount: 999,
      currency: 'usd',
      lookup_key: 'pro_monthly',
      recurring: { interval: 'month', interval_count: 1 },
    });
    expect((monthly.product as Stripe.Product).name).toBe('Pro');

    const clash = await expectStripeError(
      stripe.prices.create({
        product: product.id,
        currency: 'usd',
        unit_amount: 999,
        lookup_key: 'pro_monthly',
      }),
    );
    expect(clash.param).toBe('lookup_key');
    expect(clash.message).toContain(monthly.id);

    const moved = await stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount: 1099,
      recurring: { interval: 'month' },
      lookup_key: 'pro_monthly',
      transfer_lookup_key: true,
    });
    const found = await stripe.prices.list({
      lookup_keys: ['pro_monthly'],
      expand: ['data.product'],
    });
    expect(found.data.map((p) => p.id)).toEqual([moved.id]);
    expect((found.data[0]?.product as Stripe.Product).id).toBe(product.id);
    expect((await stripe.prices.retrieve(monthly.id)).lookup_key).toBeNull();

    const archived = await stripe.prices.update(monthly.id, { active: false });
    expect(archived.active).toBe(false);
    const active = await stripe.prices.list({ product: product.id, active: true });
    expect(active.data.map((p) => p.id)).toEqual([moved.id]);

    const renamed = await stripe.products.update(product.id, {
      name: 'Pro+',
      default_price: moved.id,
    });
    expect(renamed).toMatchObject({ name: 'Pro+', default_price: moved.id });
    expect((await stripe.products.list({ ids: [product.id] })).data).toHaveLength(1);
  });

  it('asks for a data. prefix when expanding a list', async () => {
    const error = await expectStripeError(stripe.prices.list({ expand: ['product'] }));
    expect(error.message).toBe(
      "This property cannot be expanded (product). You may want to try expanding 'data.product' instead.",
    );
  });

  it('rejects a non-expandable first segment before doing anything', async () => {
    const before = (await stripe.products.list({ limit: 100 })).data.length;
    const error = await expectStripeError(
      stripe.products.create({ name: 'X', expand: ['metadata'] }),
    );
    expect(error.message).toBe('This property cannot be expanded (metadata).');
    expect((await stripe.products.list({ limit: 100 })).data.length).toBe(before);
  });
});

describe('payment intents', () => {
  it('moves requires_payment_method → requires_confirmation → succeeded with a charge', async () => {
    const customer = await stripe.customers.create({ email: 'buyer@example.com' });
    const pi = await stripe.paymentIntents.create({
      amount: 4900,
      currency: 'usd',
      customer: customer.id,
      metadata: { course_id: 'c1' },
    });
    expect(pi).toMatchObject({
      object: 'payment_intent',
      status: 'requires_payment_method',
      amount: 4900,
      customer: customer.id,
      latest_charge: null,
      metadata: { course_id: 'c1' },
      automatic_payment_methods: { enabled: true },
    });
    expect(pi.client_secret).toMatch(new RegExp(`^${pi.id}_secret_`));

    const withCard = await stripe.paymentIntents.update(pi.id, { payment_method: 'pm_card_visa' });
    expect(withCard.status).toBe('requires_confirmation');
    const confirmed = await stripe.paymentIntents.confirm(pi.id, {
      expand: ['latest_charge', 'payment_method'],
    });
    expect(confirmed.status).toBe('succeeded');
    expect(confirmed.amount_received).toBe(4900);
    const charge = confirmed.latest_charge as Stripe.Charge;
    expect(charge).toMatchObject({
      object: 'charge',
      status: 'succeeded',
      paid: true,
      amount: 4900,
      amount_refunded: 0,
      payment_intent: pi.id,
    });
    expect(charge.id).toMatch(/^ch_/);
    expect((confirmed.payment_method as Stripe.PaymentMethod).card?.last4).toBe('4242');

    const again = await expectStripeError(stripe.paymentIntents.confirm(pi.id));
    expect(again.code).toBe('payment_intent_unexpected_state');
    const cancel = await expectStripeError(stripe.paymentIntents.cancel(pi.id));
    expect(cancel.message).toMatch(/status of succeeded/);

    const withFees = await stripe.charges.retrieve(charge.id, { expand: ['balance_transaction'] });
    const txn = withFees.balance_transaction as Stripe.BalanceTransaction;
    expect(txn.fee).toBe(Math.round(4900 * 0.029) + 30);
    expect(txn.net).toBe(4900 - txn.fee);
  });

  it('cancels an intent that has not been paid', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'eur' });
    const canceled = await stripe.paymentIntents.cancel(pi.id, {
      cancellation_reason: 'abandoned',
    });
    expect(canceled).toMatchObject({
      status: 'canceled',
      cancellation_reason: 'abandoned',
      canceled_at: created,
    });
  });

  it('checks amounts the way Stripe does', async () => {
    const small = await expectStripeError(
      stripe.paymentIntents.create({ amount: 10, currency: 'usd' }),
    );
    expect(small.code).toBe('amount_too_small');
    expect(small.param).toBe('amount');
    const missing = await expectStripeError(
      stripe.paymentIntents.create({ currency: 'usd' } as Stripe.PaymentIntentCreateParams),
    );
    expect(missing).toMatchObject({ code: 'parameter_missing', param: 'amount' });
  });
});

describe('test cards', () => {
  const pay = (paymentMethod: string) =>
    stripe.paymentIntents.create({
      amount: 2500,
      currency: 'usd',
      payment_method: paymentMethod,
      confirm: true,
    });

  it('pm_card_visa succeeds', async () => {
    expect((await pay('pm_card_visa')).status).toBe('succeeded');
  });

  it.each([
    ['pm_card_chargeDeclined', 'card_declined', 'generic_decline', 'Your card was declined.'],
    [
      'pm_card_chargeDeclinedInsufficientFunds',
      'card_declined',
      'insufficient_funds',
      'Your card has insufficient funds.',
    ],
  ])('%s is declined (%s / %s)', async (pm, code, declineCode, message) => {
    const error = await expectStripeError(pay(pm));
    expect(error.type).toBe('StripeCardError');
    expect(error.statusCode).toBe(402);
    expect(error).toMatchObject({ code, decline_code: declineCode, message });
    const intent = error.payment_intent as Stripe.PaymentIntent;
    expect(intent.status).toBe('requires_payment_method');
    expect(intent.last_payment_error).toMatchObject({
      code,
      decline_code: declineCode,
      type: 'card_error',
    });
    const charge = await stripe.charges.retrieve(intent.latest_charge as string);
    expect(charge).toMatchObject({ status: 'failed', failure_code: code, paid: false });
    const stored = await stripe.paymentIntents.retrieve(intent.id);
    expect(stored.last_payment_error?.decline_code).toBe(declineCode);
  });

  it('pm_card_authenticationRequired waits in requires_action until authenticated', async () => {
    const pi = await pay('pm_card_authenticationRequired');
    expect(pi.status).toBe('requires_action');
    expect(pi.next_action?.type).toBe('use_stripe_sdk');
    emulator.authenticate(pi.id, 'complete');
    const done = await stripe.paymentIntents.retrieve(pi.id);
    expect(done.status).toBe('succeeded');

    const failing = await pay('pm_card_authenticationRequired');
    emulator.authenticate(failing.id, 'fail');
    const failed = await stripe.paymentIntents.retrieve(failing.id);
    expect(failed.status).toBe('requires_payment_method');
    expect(failed.last_payment_error?.code).toBe('payment_intent_authentication_failure');
  });

  it('with return_url the action is a redirect to the emulator’s challenge page', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 2500,
      currency: 'usd',
      payment_method: 'pm_card_authenticationRequired',
      confirm: true,
      return_url: 'http://localhost/done',
    });
    expect(pi.next_action?.redirect_to_url?.url).toContain(
      `${emulator.url}/elements/authenticate?payment_intent=${pi.id}`,
    );
  });

  it.each([
    ['4242424242424242', 'succeeded'],
    ['4000000000000002', 'generic_decline'],
    ['4000000000009995', 'insufficient_funds'],
    ['4000002500003155', 'requires_action'],
  ])('card number %s as typed in the card form → %s', async (number, expected) => {
    const pi = await stripe.paymentIntents.create({ amount: 1500, currency: 'usd' });
    const res = await raw(emulator.url, 'POST', `/v1/payment_intents/${pi.id}/confirm`, {
      headers: { authorization: '' },
      body: new URLSearchParams({
        key: 'pk_test_emulator',
        client_secret: pi.client_secret ?? '',
        'payment_method_data[type]': 'card',
        'payment_method_data[card][number]': number,
        'payment_method_data[card][exp_month]': '12',
        'payment_method_data[card][exp_year]': '34',
        'payment_method_data[card][cvc]': '123',
      }).toString(),
    });
    if (expected === 'succeeded' || expected === 'requires_action') {
      expect(res.status).toBe(200);
      expect(res.json.status).toBe(expected);
      // A publishable key sees the client-safe view only.
      expect(res.json.metadata).toBeUndefined();
    } else {
      expect(res.status).toBe(402);
      expect(res.json.error).toMatchObject({ type: 'card_error', decline_code: expected });
    }
  });

  it('a publishable key needs the matching client secret', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 1500, currency: 'usd' });
    const res = await raw(
      emulator.url,
      'GET',
      `/v1/payment_intents/${pi.id}?key=pk_test_x&client_secret=${pi.id}_secret_wrong`,
      {
        headers: { authorization: '' },
      },
    );
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ param: 'client_secret' });
  });

  it('rejects a mistyped card number', async () => {
    const error = await expectStripeError(
      stripe.paymentIntents.create({
        amount: 1500,
        currency: 'usd',
        confirm: true,
        payment_method_data: {
          type: 'card',
          card: { number: '4242424242424241', exp_month: 1, exp_year: 2040, cvc: '123' },
        } as unknown as Stripe.PaymentIntentCreateParams.PaymentMethodData,
      }),
    );
    expect(error).toMatchObject({ type: 'StripeCardError', code: 'incorrect_number' });
  });
});

describe('idempotency', () => {
  it('replays the stored response for the same key and parameters', async () => {
    const key = `order-${Math.random()}`;
    const first = await stripe.paymentIntents.create(
      { amount: 3000, currency: 'usd' },
      { idempotencyKey: key },
    );
    const second = await stripe.paymentIntents.create(
      { amount: 3000, currency: 'usd' },
      { idempotencyKey: key },
    );
    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(first.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    const all = await stripe.paymentIntents.list({ limit: 100 });
    expect(all.data.filter((p) => p.id === first.id)).toHaveLength(1);
  });

  it('refuses the same key with different parameters', async () => {
    const key = `order-${Math.random()}`;
    await stripe.paymentIntents.create({ amount: 3000, currency: 'usd' }, { idempotencyKey: key });
    const error = await expectStripeError(
      stripe.paymentIntents.create({ amount: 3100, currency: 'usd' }, { idempotencyKey: key }),
    );
    expect(error.type).toBe('StripeIdempotencyError');
    expect(error.statusCode).toBe(400);
    expect(error.message).toBe(
      `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
    );
    const other = await expectStripeError(stripe.customers.create({}, { idempotencyKey: key }));
    expect(other.message).toMatch(/same endpoint/);
  });

  it('replays a decline instead of charging again', async () => {
    const key = `declined-${Math.random()}`;
    const params = {
      amount: 2000,
      currency: 'usd',
      payment_method: 'pm_card_chargeDeclined',
      confirm: true,
    };
    const first = await expectStripeError(
      stripe.paymentIntents.create(params, { idempotencyKey: key }),
    );
    const second = await expectStripeError(
      stripe.paymentIntents.create(params, { idempotencyKey: key }),
    );
    expect(second.headers?.['idempotent-replayed']).toBe('true');
    expect((second.payment_intent as Stripe.PaymentIntent).id).toBe(
      (first.payment_intent as Stripe.PaymentIntent).id,
    );
  });

  it('executes concurrent requests with one key once', async () => {
    const key = `burst-${Math.random()}`;
    const before = (await stripe.paymentIntents.list({ limit: 100 })).data.length;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        raw(emulator.url, 'POST', '/v1/payment_intents', {
          body: 'amount=2000&currency=usd',
          headers: { 'idempotency-key': key },
        }),
      ),
    );
    const ids = new Set(answers.filter((a) => a.status === 200).map((a) => a.json.id));
    expect(ids.size).toBe(1);
    for (const a of answers.filter((x) => x.status !== 200)) {
      expect(a.status).toBe(409);
      expect(a.json.error).toMatchObject({
        type: 'idempotency_error',
        code: 'idempotency_key_in_use',
      });
    }
    expect((await stripe.paymentIntents.list({ limit: 100 })).data.length).toBe(before + 1);
  });

  it('does not keep a validation failure, so a corrected retry runs', async () => {
    const key = `fix-${Math.random()}`;
    const res = await raw(emulator.url, 'POST', '/v1/customers', {
      body: 'emial=x',
      headers: { 'idempotency-key': key },
    });
    expect(res.status).toBe(400);
    const retry = await raw(emulator.url, 'POST', '/v1/customers', {
      body: 'emial=x',
      headers: { 'idempotency-key': key },
    });
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
  });
});

describe('refunds', () => {
  const paid = async (amount: number) =>
    stripe.paymentIntents.create({
      amount,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    });

  it('refunds partially, then the rest, then refuses', async () => {
    const pi = await paid(5000);
    const partial = await stripe.refunds.create({
      payment_intent: pi.id,
      amount: 1500,
      reason: 'requested_by_customer',
    });
    expect(partial).toMatchObject({
      object: 'refund',
      amount: 1500,
      status: 'succeeded',
      payment_intent: pi.id,
      charge: pi.latest_charge,
      reason: 'requested_by_customer',
    });
    expect(partial.id).toMatch(/^re_/);

    const over = await expectStripeError(
      stripe.refunds.create({ payment_intent: pi.id, amount: 4000 }),
    );
    expect(over).toMatchObject({ statusCode: 400, param: 'amount', code: 'amount_too_large' });
    expect(over.message).toBe(
      'Refund amount ($40.00) is greater than unrefunded amount on charge ($35.00)',
    );

    const rest = await stripe.refunds.create({ charge: pi.latest_charge as string });
    expect(rest.amount).toBe(3500);
    const charge = await stripe.charges.retrieve(pi.latest_charge as string, {
      expand: ['refunds'],
    });
    expect(charge).toMatchObject({ amount_refunded: 5000, refunded: true });
    expect(charge.refunds?.data.map((r) => r.id).sort()).toEqual([partial.id, rest.id].sort());

    const again = await expectStripeError(
      stripe.refunds.create({ payment_intent: pi.id, amount: 1 }),
    );
    expect(again.code).toBe('charge_already_refunded');

    expect((await stripe.refunds.retrieve(partial.id)).amount).toBe(1500);
    const listed = await stripe.refunds.list({ payment_intent: pi.id });
    expect(listed.data).toHaveLength(2);
  });

  it('refuses to refund an unpaid intent', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 5000, currency: 'usd' });
    const error = await expectStripeError(stripe.refunds.create({ payment_intent: pi.id }));
    expect(error.message).toContain('does not have a successful charge to refund');
  });
});

describe('events', () => {
  it('records every change with Stripe’s event shape', async () => {
    const customer = await stripe.customers.create({ email: 'evt@example.com' });
    const events = await stripe.events.list({ type: 'customer.created', limit: 100 });
    const event = events.data.find((e) => (e.data.object as Stripe.Customer).id === customer.id);
    expect(event).toMatchObject({
      object: 'event',
      type: 'customer.created',
      livemode: false,
      created,
      api_version: '2026-10-28.endive',
    });
    expect(event?.request?.id).toMatch(/^req_/);
    const updated = await stripe.customers.update(customer.id, { name: 'Eve' });
    const [change] = (await stripe.events.list({ type: 'customer.updated', limit: 1 })).data;
    expect((change?.data.object as Stripe.Customer).name).toBe(updated.name);
    expect(change?.data.previous_attributes).toEqual({ name: null });
    expect((await stripe.events.retrieve(change?.id ?? '')).id).toBe(change?.id);
  });
});
