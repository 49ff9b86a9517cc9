import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StripeEmulator } from '../../demo/stripe-emulator/index.js';
import { expectStripeError, SECRET_KEY, START, startEmulator } from './helpers.js';

let emulator: StripeEmulator;
let stripe: Stripe;
let monthly: Stripe.Price;
let premium: Stripe.Price;
let yearly: Stripe.Price;

const DAY = 86400;
const t0 = Math.floor(START.getTime() / 1000);
/** 15 Jan → 15 Feb 2026. */
const FIRST_PERIOD = 31 * DAY;

beforeAll(async () => {
  ({ emulator, stripe } = await startEmulator());
});

afterAll(async () => {
  await emulator.stop();
});

beforeEach(async () => {
  emulator.reset();
  // The clock only moves forward; a fresh emulator time base per test would need a restart,
  // so each test works relative to "now".
  const pro = await stripe.products.create({ name: 'Pro' });
  const enterprise = await stripe.products.create({ name: 'Enterprise' });
  monthly = await stripe.prices.create({
    product: pro.id,
    currency: 'usd',
    unit_amount: 1000,
    recurring: { interval: 'month' },
  });
  premium = await stripe.prices.create({
    product: enterprise.id,
    currency: 'usd',
    unit_amount: 3000,
    recurring: { interval: 'month' },
  });
  yearly = await stripe.prices.create({
    product: pro.id,
    currency: 'usd',
    unit_amount: 10000,
    recurring: { interval: 'year' },
  });
});

const now = (): number => Math.floor(emulator.now().getTime() / 1000);

async function customerWithCard(card = 'pm_card_visa'): Promise<Stripe.Customer> {
  return stripe.customers.create({
    email: 'learner@example.com',
    payment_method: card,
    invoice_settings: { default_payment_method: card },
  });
}

function typesSince(index: number): string[] {
  return emulator
    .events()
    .slice(index)
    .map((e) => e.type);
}

describe('subscription lifecycle', () => {
  it('create → active → renewal paid → renewal failed → past_due → canceled', async () => {
    const start = now();
    const customer = await customerWithCard();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      expand: ['latest_invoice.payments'],
    });
    expect(sub.status).toBe('active');
    expect(sub.id).toMatch(/^sub_/);
    const item = sub.items.data[0];
    expect(start).toBe(t0);
    expect(item?.current_period_start).toBe(start);
    expect(item?.current_period_end).toBe(start + FIRST_PERIOD);
    const first = sub.latest_invoice as Stripe.Invoice;
    expect(first).toMatchObject({
      status: 'paid',
      amount_paid: 1000,
      billing_reason: 'subscription_create',
    });
    expect(first.parent?.subscription_details?.subscription).toBe(sub.id);
    expect(first.payments?.data[0]?.payment.payment_intent).toMatch(/^pi_/);

    // Renewal, paid with the saved card.
    let mark = emulator.events().length;
    const periodEnd = item!.current_period_end;
    const renewal = emulator.advanceTime({ to: new Date(periodEnd * 1000 + 1000) });
    expect(renewal.actions.map((a) => a.kind)).toEqual(['renewal']);
    const renewed = await stripe.subscriptions.retrieve(sub.id, { expand: ['latest_invoice'] });
    expect(renewed.status).toBe('active');
    expect(renewed.items.data[0]?.current_period_start).toBe(periodEnd);
    const second = renewed.latest_invoice as Stripe.Invoice;
    expect(second).toMatchObject({
      status: 'paid',
      billing_reason: 'subscription_cycle',
      amount_paid: 1000,
    });
    expect(typesSince(mark)).toEqual(
      expect.arrayContaining([
        'customer.subscription.updated',
        'invoice.created',
        'invoice.finalized',
        'invoice.paid',
        'invoice.payment_succeeded',
      ]),
    );

    // Next renewal: the card now fails (Stripe's "attaches, then every charge fails" card).
    const failing = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', {
      customer: customer.id,
    });
    await stripe.subscriptions.update(sub.id, { default_payment_method: failing.id });
    mark = emulator.events().length;
    const secondEnd = renewed.items.data[0]!.current_period_end;
    emulator.advanceTime({ to: new Date(secondEnd * 1000 + 1000) });
    const pastDue = await stripe.subscriptions.retrieve(sub.id, { expand: ['latest_invoice'] });
    expect(pastDue.status).toBe('past_due');
    const unpaid = pastDue.latest_invoice as Stripe.Invoice;
    expect(unpaid).toMatchObject({ status: 'open', attempt_count: 1, attempted: true });
    expect(unpaid.next_payment_attempt).toBe(secondEnd + 3 * DAY);
    expect(typesSince(mark)).toEqual(
      expect.arrayContaining([
        'invoice.payment_failed',
        'payment_intent.payment_failed',
        'charge.failed',
        'customer.subscription.updated',
      ]),
    );
    const updated = emulator
      .events()
      .slice(mark)
      .find((e) => e.type === 'customer.subscription.updated' && e.objectId === sub.id);
    expect(updated).toBeDefined();

    // Retries on days 3, 5 and 7 after each failure, then the subscription is canceled.
    mark = emulator.events().length;
    const report = emulator.advanceTime({ days: 20 });
    expect(report.actions.map((a) => a.kind)).toEqual([
      'payment_retry',
      'payment_retry',
      'payment_retry',
    ]);
    const canceled = await stripe.subscriptions.retrieve(sub.id);
    expect(canceled.status).toBe('canceled');
    expect(canceled.cancellation_details?.reason).toBe('payment_failed');
    expect(canceled.ended_at).toBe(secondEnd + 15 * DAY);
    expect(typesSince(mark).filter((t) => t === 'invoice.payment_failed')).toHaveLength(3);
    expect(typesSince(mark)).toContain('customer.subscription.deleted');
    const finalInvoice = await stripe.invoices.retrieve(unpaid.id);
    expect(finalInvoice).toMatchObject({
      attempt_count: 4,
      next_payment_attempt: null,
      status: 'open',
    });
  });

  it('a forced decline on renewal, then a successful retry, returns to active', async () => {
    const customer = await customerWithCard();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
    });
    const end = sub.items.data[0]!.current_period_end;
    emulator.advanceTime({ to: new Date(end * 1000), invoicePayments: 'insufficient_funds' });
    const pastDue = await stripe.subscriptions.retrieve(sub.id, {
      expand: ['latest_invoice.payments.data.payment.payment_intent'],
    });
    expect(pastDue.status).toBe('past_due');
    const intent = (pastDue.latest_invoice as Stripe.Invoice).payments?.data[0]?.payment
      .payment_intent as Stripe.PaymentIntent;
    expect(intent.last_payment_error?.decline_code).toBe('insufficient_funds');
    emulator.advanceTime({ days: 3 });
    const recovered = await stripe.subscriptions.retrieve(sub.id, { expand: ['latest_invoice'] });
    expect(recovered.status).toBe('active');
    expect((recovered.latest_invoice as Stripe.Invoice).status).toBe('paid');
  });

  it('a past_due subscription recovers when the open invoice is paid with a new card', async () => {
    const customer = await customerWithCard('pm_card_chargeCustomerFail');
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      trial_period_days: 3,
    });
    emulator.advanceTime({ days: 3 });
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('past_due');
    const [open] = (await stripe.invoices.list({ subscription: sub.id, status: 'open' })).data;
    expect(open?.attempt_count).toBe(1);
    const declined = await expectStripeError(stripe.invoices.pay(open?.id ?? ''));
    expect(declined.code).toBe('card_declined');
    const visa = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const paid = await stripe.invoices.pay(open?.id ?? '', { payment_method: visa.id });
    expect(paid).toMatchObject({ status: 'paid', amount_paid: 1000, attempt_count: 3 });
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('active');
  });

  it('voids an open invoice and cancels its payment', async () => {
    const customer = await stripe.customers.create({ email: 'void@example.com' });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      payment_behavior: 'default_incomplete',
      expand: ['latest_invoice.payments.data.payment.payment_intent'],
    });
    const invoice = sub.latest_invoice as Stripe.Invoice;
    const voided = await stripe.invoices.voidInvoice(invoice.id);
    expect(voided).toMatchObject({ status: 'void', amount_remaining: 0 });
    const intent = invoice.payments?.data[0]?.payment.payment_intent as Stripe.PaymentIntent;
    expect((await stripe.paymentIntents.retrieve(intent.id)).status).toBe('canceled');
    const again = await expectStripeError(stripe.invoices.voidInvoice(invoice.id));
    expect(again.statusCode).toBe(400);
  });

  it('deleting the customer cancels their subscriptions', async () => {
    const customer = await customerWithCard();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
    });
    await stripe.customers.del(customer.id);
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('canceled');
  });

  it('default_incomplete hands out the invoice’s client secret; paying it activates and saves the card', async () => {
    const customer = await stripe.customers.create({ email: 'new@example.com' });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      payment_behavior: 'default_incomplete',
      payment_settings: { save_default_payment_method: 'on_subscription' },
      expand: ['latest_invoice.confirmation_secret'],
    });
    expect(sub.status).toBe('incomplete');
    const invoice = sub.latest_invoice as Stripe.Invoice;
    expect(invoice.status).toBe('open');
    const secret = invoice.confirmation_secret?.client_secret ?? '';
    expect(invoice.confirmation_secret?.type).toBe('payment_intent');
    const piId = secret.split('_secret_')[0] ?? '';
    const declined = await expectStripeError(
      stripe.paymentIntents.confirm(piId, { payment_method: 'pm_card_chargeDeclined' }),
    );
    expect(declined.code).toBe('card_declined');
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('incomplete');
    const paid = await stripe.paymentIntents.confirm(piId, { payment_method: 'pm_card_visa' });
    expect(paid.status).toBe('succeeded');
    const active = await stripe.subscriptions.retrieve(sub.id, {
      expand: ['default_payment_method'],
    });
    expect(active.status).toBe('active');
    expect((active.default_payment_method as Stripe.PaymentMethod).customer).toBe(customer.id);
    expect(
      emulator
        .events()
        .some((e) => e.type === 'customer.subscription.updated' && e.objectId === sub.id),
    ).toBe(true);
  });

  it('an unpaid first invoice expires the subscription after 23 hours', async () => {
    const customer = await stripe.customers.create({ email: 'late@example.com' });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      payment_behavior: 'default_incomplete',
    });
    emulator.advanceTime({ days: 1 });
    const expired = await stripe.subscriptions.retrieve(sub.id, { expand: ['latest_invoice'] });
    expect(expired.status).toBe('incomplete_expired');
    expect((expired.latest_invoice as Stripe.Invoice).status).toBe('void');
  });

  it('error_if_incomplete refuses a declining card and creates nothing', async () => {
    const customer = await stripe.customers.create({
      email: 'x@example.com',
      payment_method: 'pm_card_chargeCustomerFail',
      invoice_settings: { default_payment_method: 'pm_card_chargeCustomerFail' },
    });
    const error = await expectStripeError(
      stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: monthly.id }],
        payment_behavior: 'error_if_incomplete',
      }),
    );
    expect(error).toMatchObject({ statusCode: 402, code: 'card_declined' });
    expect(
      (await stripe.subscriptions.list({ customer: customer.id, status: 'all' })).data,
    ).toHaveLength(0);
  });

  it('allow_incomplete with a declining card leaves the subscription incomplete', async () => {
    const customer = await customerWithCard('pm_card_chargeCustomerFail');
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
    });
    expect(sub.status).toBe('incomplete');
  });

  it('trials: trialing, a warning three days before the end, then the first charge', async () => {
    const customer = await customerWithCard();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      trial_period_days: 14,
      expand: ['latest_invoice'],
    });
    expect(sub.status).toBe('trialing');
    expect(sub.trial_end).toBe(now() + 14 * DAY);
    expect(sub.latest_invoice as Stripe.Invoice).toMatchObject({ status: 'paid', amount_due: 0 });
    const report = emulator.advanceTime({ days: 15 });
    expect(report.actions.map((a) => a.kind)).toEqual(['trial_will_end', 'trial_end']);
    const active = await stripe.subscriptions.retrieve(sub.id, { expand: ['latest_invoice'] });
    expect(active.status).toBe('active');
    expect(active.latest_invoice as Stripe.Invoice).toMatchObject({
      status: 'paid',
      amount_paid: 1000,
    });
    expect(active.billing_cycle_anchor).toBe(sub.trial_end);
  });

  it('a trial without a card can pause at its end and resume', async () => {
    const customer = await stripe.customers.create({ email: 'trial@example.com' });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      trial_period_days: 7,
      payment_behavior: 'default_incomplete',
      trial_settings: { end_behavior: { missing_payment_method: 'pause' } },
    });
    expect(sub.pending_setup_intent).toMatch(/^seti_/);
    emulator.advanceTime({ days: 8 });
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('paused');
    await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id }).then((pm) =>
      stripe.customers.update(customer.id, {
        invoice_settings: { default_payment_method: pm.id },
      }),
    );
    const resumed = await stripe.subscriptions.resume(sub.id, {
      billing_cycle_anchor: { type: 'now' },
    });
    expect(resumed.status).toBe('active');
  });
});

describe('changes', () => {
  it('prorates an upgrade: credit for unused time, charge for the rest', async () => {
    const customer = await customerWithCard();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
    });
    const item = sub.items.data[0]!;
    const half =
      item.current_period_start + (item.current_period_end - item.current_period_start) / 2;
    emulator.advanceTime({ to: new Date(half * 1000) });

    const preview = await stripe.invoices.createPreview({
      customer: customer.id,
      subscription: sub.id,
      subscription_details: {
        items: [{ id: item.id, price: premium.id }],
        proration_behavior: 'always_invoice',
      },
    });
    expect(preview.lines.data.map((l) => l.amount)).toEqual([-500, 1500]);

    const upgraded = await stripe.subscriptions.update(sub.id, {
      items: [{ id: item.id, price: premium.id }],
      proration_behavior: 'always_invoice',
      expand: ['latest_invoice'],
    });
    expect(upgraded.items.data[0]?.price.id).toBe(premium.id);
    const invoice = upgraded.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({
      billing_reason: 'subscription_update',
      status: 'paid',
      amount_paid: 1000,
    });
    const lines = invoice.lines.data.map((l) => [l.amount, l.description]);
    expect(lines).toEqual([
      [-500, `Unused time on Pro after ${dateLabel(half)}`],
      [1500, `Remaining time on Enterprise after ${dateLabel(half)}`],
    ]);
    expect(invoice.lines.data.every((l) => l.parent?.subscription_item_details?.proration)).toBe(
      true,
    );
    // The period does not move on a same-interval change.
    expect(upgraded.items.data[0]?.current_period_end).toBe(item.current_period_end);
  });

  it('create_prorations defers the difference to the next renewal', async () => {
    const customer = await customerWithCard();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: premium.id }],
    });
    const item = sub.items.data[0]!;
    const half =
      item.current_period_start + (item.current_period_end - item.current_period_start) / 2;
    emulator.advanceTime({ to: new Date(half * 1000) });
    const downgraded = await stripe.subscriptions.update(sub.id, {
      items: [{ id: item.id, price: monthly.id }],
    });
    expect(downgraded.latest_invoice).toBe(sub.latest_invoice);
    const pending = await stripe.invoiceItems.list({ customer: customer.id, pending: true });
    expect(pending.data.map((i) => i.amount).sort((a, b) => a - b)).toEqual([-1500, 500]);
    emulator.advanceTime({ to: new Date(item.current_period_end * 1000) });
    const renewed = await stripe.subscriptions.retrieve(sub.id, { expand: ['latest_invoice'] });
    const invoice = renewed.latest_invoice as Stripe.Invoice;
    expect(invoice.total).toBe(1000 - 1500 + 500);
    expect(invoice.amount_paid).toBe(0);
    expect(invoice.status).toBe('paid');
    expect(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).balance).toBe(0);
  });

  it('a change of interval starts a new period and bills it now', async () => {
    const customer = await customerWithCard();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
    });
    emulator.advanceTime({ days: 10 });
    const changed = await stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, price: yearly.id }],
      expand: ['latest_invoice'],
    });
    const at = now();
    expect(changed.items.data[0]?.current_period_start).toBe(at);
    expect(changed.billing_cycle_anchor).toBe(at);
    const invoice = changed.latest_invoice as Stripe.Invoice;
    expect(invoice.lines.data.map((l) => l.amount)).toEqual([expect.any(Number), 10000]);
    expect(invoice.lines.data[0]!.amount).toBeLessThan(0);
    expect(invoice.status).toBe('paid');
  });

  it('cancel at period end, resume, cancel again, and the period end cancels it', async () => {
    const customer = await customerWithCard();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
    });
    const end = sub.items.data[0]!.current_period_end;
    const scheduled = await stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
    expect(scheduled).toMatchObject({
      status: 'active',
      cancel_at_period_end: true,
      cancel_at: end,
      canceled_at: now(),
    });
    const resumed = await stripe.subscriptions.update(sub.id, { cancel_at_period_end: false });
    expect(resumed).toMatchObject({
      status: 'active',
      cancel_at_period_end: false,
      cancel_at: null,
      canceled_at: null,
    });
    await stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
    const mark = emulator.events().length;
    emulator.advanceTime({ to: new Date(end * 1000) });
    const ended = await stripe.subscriptions.retrieve(sub.id);
    expect(ended).toMatchObject({ status: 'canceled', ended_at: end });
    expect(typesSince(mark)).toEqual(['customer.subscription.deleted']);
  });

  it('cancels immediately', async () => {
    const customer = await customerWithCard();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
    });
    const canceled = await stripe.subscriptions.cancel(sub.id, {
      cancellation_details: { feedback: 'too_expensive' },
    });
    expect(canceled).toMatchObject({
      status: 'canceled',
      canceled_at: now(),
      cancellation_details: { reason: 'cancellation_requested', feedback: 'too_expensive' },
    });
    const again = await expectStripeError(stripe.subscriptions.cancel(sub.id));
    expect(again.statusCode).toBe(404);
    const update = await expectStripeError(
      stripe.subscriptions.update(sub.id, { items: [{ price: premium.id }] }),
    );
    expect(update.message).toMatch(/canceled subscription/);
  });
});

describe('API versions', () => {
  it('older versions get invoice.payment_intent and subscription periods at the top', async () => {
    const legacy = new Stripe(SECRET_KEY, {
      ...emulator.sdkConfig,
      apiVersion: '2025-02-24.acacia' as Stripe.LatestApiVersion,
    });
    const customer = await stripe.customers.create({ email: 'legacy@example.com' });
    const sub = (await legacy.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      payment_behavior: 'default_incomplete',
      expand: ['latest_invoice.payment_intent'],
    })) as unknown as {
      current_period_end: number;
      latest_invoice: { payment_intent: { client_secret: string } };
    };
    expect(sub.current_period_end).toBeGreaterThan(now());
    expect(sub.latest_invoice.payment_intent.client_secret).toMatch(/^pi_.+_secret_/);
  });

  it('the SDK’s own version ignores the removed invoice.payment_intent, as Stripe does', async () => {
    const customer = await stripe.customers.create({ email: 'modern@example.com' });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      payment_behavior: 'default_incomplete',
      expand: ['latest_invoice.payment_intent'],
    });
    const invoice = sub.latest_invoice as Stripe.Invoice & { payment_intent?: unknown };
    expect(invoice.id).toMatch(/^in_/);
    expect(invoice.payment_intent).toBeUndefined();
  });
});

function dateLabel(unix: number): string {
  const d = new Date(unix * 1000);
  const months = [
    'Jan',
    'Feb',
    'Mar',
    'Apr',
    'May',
    'Jun',
    'Jul',
    'Aug',
    'Sep',
    'Oct',
    'Nov',
    'Dec',
  ];
  return `${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}
