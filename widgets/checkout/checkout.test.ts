import { expect } from '@esm-bundle/chai';
import { fixture, fixtureCleanup, html } from '@open-wc/testing-helpers';
import { sendKeys } from '@web/test-runner-commands';
import { ApiClient } from '../internal/api-client.js';
import { checkoutFlowMessages } from '../messages/checkout-flow.js';
import { checkoutMessages } from '../messages/checkout.js';
import { axeViolations, apiFixtures, settled, until } from '../internal/test-support.js';
import type { LxCheckoutCompleteEvent, LxCheckoutErrorEvent, LxCheckout } from './checkout.js';
import { register } from './checkout.js';
import ar from './locales/ar.js';
import de from './locales/de.js';
import fr from './locales/fr.js';

register();

const text = (el: Element | null | undefined) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

/**
 * A checkout by the learner `who` (signed out without one): for the fixture's $49.00 course, or
 * for a plan paid monthly.
 */
async function checkout(who?: string, plan?: string): Promise<LxCheckout> {
  const { api, payments } = await apiFixtures();
  const token = who ? payments.tokens[who]! : '';
  return fixture<LxCheckout>(
    plan
      ? html`<lx-checkout
          license=${payments.license}
          api=${api}
          user-token=${token}
          plan=${plan}
          interval="month"
        ></lx-checkout>`
      : html`<lx-checkout
          license=${payments.license}
          api=${api}
          user-token=${token}
          course-id=${payments.courseId}
        ></lx-checkout>`,
  );
}

const shadow = (el: LxCheckout) => el.shadowRoot!;
const phase = (el: LxCheckout) =>
  shadow(el).querySelector('[data-phase]')?.getAttribute('data-phase');
const status = (el: LxCheckout) => text(shadow(el).querySelector('[part="status"]'));

/** Whether the page has asked for the emulator's Stripe.js, by script tag or by any request. */
async function stripeJsRequested(): Promise<boolean> {
  const { payments } = await apiFixtures();
  const origin = new URL(payments.stripeJsUrl).origin;
  return (
    [...document.scripts].some((s) => s.src.startsWith(origin)) ||
    performance.getEntriesByType('resource').some((r) => r.name.startsWith(origin))
  );
}

/** Presses "Continue to payment" and waits for the Payment Element to be ready and focused. */
async function startPaying(el: LxCheckout): Promise<void> {
  const start = await settled(el, 'button[part="pay"]');
  expect(text(start)).to.equal('Continue to payment');
  (start as HTMLButtonElement).click();
  await until(() => phase(el) === 'paying', 'the Payment Element', 8000);
}

/**
 * Types a card into the emulator's card frame the way a learner does with a keyboard: the
 * checkout focuses the card number when the form is ready; Tab moves to expiry, then CVC.
 */
async function typeCard(number: string): Promise<void> {
  await sendKeys({ type: number });
  await sendKeys({ press: 'Tab' });
  await sendKeys({ type: '1234' });
  await sendKeys({ press: 'Tab' });
  await sendKeys({ type: '123' });
}

function pay(el: LxCheckout): void {
  const button = shadow(el).querySelector<HTMLButtonElement>('form button[part="pay"]')!;
  expect(button.disabled).to.equal(false);
  button.click();
}

interface Recorded {
  status: string;
  amount: number;
  receiptUrl?: string | null;
}

/** What the server recorded for a payment intent, or for the learner's open course payment. */
async function recorded(who: string, paymentIntentId?: string): Promise<Recorded> {
  const { api, payments } = await apiFixtures();
  const client = new ApiClient(api, payments.license, payments.tokens[who]);
  const id =
    paymentIntentId ??
    (
      await client.post<{ paymentIntentId: string }>('v1/checkout/sessions', {
        kind: 'course',
        courseId: payments.courseId,
      })
    ).paymentIntentId;
  return client.get(`v1/checkout/sessions/${id}`);
}

/** Asks until Stripe's webhook has reached the server and it recorded `status`. */
async function recordedAs(who: string, paymentIntentId: string, status: string) {
  let last: Recorded | undefined;
  for (let i = 0; i < 100 && last?.status !== status; i++) {
    if (i) await new Promise((resolve) => setTimeout(resolve, 50));
    last = await recorded(who, paymentIntentId);
  }
  expect(last?.status).to.equal(status);
  return last!;
}

describe('lx-checkout', () => {
  afterEach(() => fixtureCleanup());

  // First in the file: once a test has paid, Stripe.js stays in the page.
  it('renders the order summary, is accessible, and does not load Stripe.js before paying', async () => {
    const el = await checkout('lazy');
    await settled(el, '[part="summary"]');
    expect(text(shadow(el).querySelector('dt'))).to.equal('Compilers from scratch by Grace Hopper');
    expect(text(shadow(el).querySelector('[part~="total"]'))).to.equal('Total $49.00');
    expect(shadow(el).querySelector('label[for="coupon"]')!.textContent).to.equal('Coupon code');
    expect(await axeViolations(el)).to.deep.equal([]);
    expect(await stripeJsRequested()).to.equal(false);
    expect(el.querySelector('[slot="payment"]')).to.equal(null);

    await startPaying(el);
    expect(await stripeJsRequested()).to.equal(true);
    // The Payment Element lives in the element's light DOM, slotted into its form.
    const node = el.querySelector('[slot="payment"]')!;
    expect(node.querySelector('iframe')).to.not.equal(null);
    expect(node.getRootNode()).to.equal(document);
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('asks a signed-out learner to sign in, without starting a payment', async () => {
    const el = await checkout();
    const state = await settled(el, '.state');
    expect(text(state)).to.equal('Sign in to buy.');
    expect(state.getAttribute('role')).to.equal('status');
    expect(shadow(el).querySelector('button[part="pay"]')).to.equal(null);
  });

  it('starts once a learner signs in, whenever the token arrives', async () => {
    const { payments } = await apiFixtures();
    const early = await checkout();
    early.userToken = payments.tokens.lazy;
    await settled(early, '[part="summary"]');
    const late = await checkout();
    await settled(late, '.state');
    late.userToken = payments.tokens.lazy;
    await settled(late, '[part="summary"]');
  });

  it('takes a payment with 4242 4242 4242 4242: lx-checkout-complete, then the receipt', async () => {
    const el = await checkout('paid');
    const completed = new Promise<LxCheckoutCompleteEvent>((resolve) =>
      el.addEventListener('lx-checkout-complete', resolve, { once: true }),
    );
    await startPaying(el);
    await typeCard('4242424242424242');
    pay(el);
    await until(() => phase(el) === 'succeeded', 'success', 8000);
    // Focus moves to the outcome, which the live region also announces.
    expect(shadow(el).activeElement?.textContent).to.equal('Payment received');
    expect(status(el)).to.equal('Payment received');
    const event = await completed;
    expect(event.composed).to.equal(true);
    const { payments } = await apiFixtures();
    expect(event.detail).to.deep.include({
      kind: 'course',
      item: payments.courseId,
      amount: 4900,
      currency: 'USD',
      mode: 'payment',
    });
    expect(event.detail.paymentIntentId).to.match(/^pi_/);
    const record = await recordedAs('paid', event.detail.paymentIntentId, 'succeeded');
    // The receipt: the server's path on the API origin (its access token is signed afresh on
    // each read, so only the page is compared), opened in a new tab.
    const { api } = await apiFixtures();
    const page = (url: string) => {
      const { origin, pathname } = new URL(url, api);
      return origin + pathname;
    };
    const receipt = page(record.receiptUrl!);
    expect(receipt).to.match(/\/v1\/receipts\/rcp_\w+\/html$/);
    expect(page(event.detail.receiptUrl!)).to.equal(receipt);
    const link = shadow(el).querySelector<HTMLAnchorElement>('a[part="receipt"]')!;
    expect(link.href).to.equal(event.detail.receiptUrl);
    expect(page(link.href)).to.equal(receipt);
    expect(link.target).to.equal('_blank');
    expect(link.rel).to.equal('noopener noreferrer');
    expect(text(link)).to.equal('View your receipt (opens in a new tab)');
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('shows the decline of 4000 0000 0000 0002, records nothing as paid, and lets the learner retry', async () => {
    const el = await checkout('declined');
    const errors: LxCheckoutErrorEvent[] = [];
    el.addEventListener('lx-checkout-error', (e) => errors.push(e));
    await startPaying(el);
    await typeCard('4000000000000002');
    pay(el);
    await until(() => phase(el) === 'declined', 'the decline', 8000);
    const failure = shadow(el).querySelector('.failure')!;
    expect(text(failure)).to.contain('Your payment was declined');
    expect(text(failure)).to.contain('Your card was declined.');
    expect(shadow(el).activeElement).to.equal(failure.querySelector('h3'));
    expect(status(el)).to.contain('Your card was declined.');
    expect(await axeViolations(el)).to.deep.equal([]);
    expect(errors).to.have.length(1);
    expect(errors[0]!.detail).to.deep.equal({
      code: 'card_declined',
      message: 'Your card was declined.',
      declineCode: 'generic_decline',
    });
    const after = await recorded('declined');
    expect(after.status).to.not.equal('succeeded');

    // Retry from the keyboard: Tab from the message into the card number, replace it, pay.
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Control+A' });
    await typeCard('4242424242424242');
    pay(el);
    await until(() => phase(el) === 'succeeded', 'success on retry', 8000);
  });

  it('shows the authentication step of 4000 0025 0000 3155, then succeeds', async () => {
    const el = await checkout('authenticated');
    const completed = new Promise<LxCheckoutCompleteEvent>((resolve) =>
      el.addEventListener('lx-checkout-complete', resolve, { once: true }),
    );
    await startPaying(el);
    await typeCard('4000002500003155');
    pay(el);
    await until(() => phase(el) === 'authenticating', 'the authentication step', 8000);
    expect(status(el)).to.equal('Your bank asks you to confirm this payment in its window.');
    const challenge = document.querySelector('[data-stripe-emulator="challenge"] iframe');
    expect(challenge).to.not.equal(null);
    // The bank's page takes focus on its "complete" choice.
    await until(() => document.activeElement === challenge, 'focus in the challenge', 8000);
    await sendKeys({ press: 'Enter' });
    await until(() => phase(el) === 'succeeded', 'success', 8000);
    expect((await completed).detail.amount).to.equal(4900);
  });

  it('says why a checkout cannot start, and tells the page', async () => {
    const { api, payments } = await apiFixtures();
    const errors: LxCheckoutErrorEvent[] = [];
    document.addEventListener('lx-checkout-error', (e) => errors.push(e), { once: true });
    const el = await fixture<LxCheckout>(
      html`<lx-checkout
        license=${payments.license}
        api=${api}
        user-token=${payments.tokens.refused!}
        course-id="crs_missing"
      ></lx-checkout>`,
    );
    const state = await settled(el, '.state');
    expect(text(state.querySelector('h2'))).to.equal('This checkout cannot start');
    expect(state.getAttribute('role')).to.equal('alert');
    expect(errors).to.have.length(1);
    expect(errors[0]!.detail.code).to.equal('not_found');
    expect(text(state.querySelector('p'))).to.equal(errors[0]!.detail.message);
  });

  it('shows why a coupon is refused, at the coupon field', async () => {
    const el = await checkout('refused');
    const input = (await settled(el, '#coupon')) as HTMLInputElement;
    input.value = 'NOT-A-COUPON';
    shadow(el).querySelector<HTMLButtonElement>('[part="coupon"] button')!.click();
    await until(() => !!shadow(el).querySelector('#coupon-error'), 'the refusal');
    expect(text(shadow(el).querySelector('#coupon-error'))).to.equal(
      'The coupon cannot be used: unknown, used, or issued to someone else',
    );
    const field = shadow(el).querySelector('#coupon')!;
    expect(field.getAttribute('aria-invalid')).to.equal('true');
    expect(field.getAttribute('aria-describedby')).to.equal('coupon-error');
    expect(shadow(el).activeElement).to.equal(field);
    expect(text(shadow(el).querySelector('[part~="total"]'))).to.equal('Total $49.00');
  });

  it('applies a coupon by asking the server for a new price', async () => {
    const { payments } = await apiFixtures();
    const el = await checkout('coupon');
    const input = (await settled(el, '#coupon')) as HTMLInputElement;
    input.focus();
    await sendKeys({ type: payments.coupon });
    await sendKeys({ press: 'Enter' });
    await until(() => status(el).startsWith('Coupon'), 'the coupon');
    expect(status(el)).to.equal(`Coupon ${payments.coupon} applied.`);
    const lines = [...shadow(el).querySelectorAll('dl > div')].map(text);
    expect(lines).to.deep.equal([
      'Compilers from scratch by Grace Hopper $49.00',
      `Coupon ${payments.coupon} -$4.90`,
      'Total $44.10',
    ]);
  });

  it('starts a subscription with a free trial: saves the card, pays nothing today', async () => {
    const el = await checkout('trial', 'pro');
    const completed = new Promise<LxCheckoutCompleteEvent>((resolve) =>
      el.addEventListener('lx-checkout-complete', resolve, { once: true }),
    );
    await settled(el, '[part="summary"]');
    const lines = [...shadow(el).querySelectorAll('dl > div')].map(text);
    expect(lines[0]).to.equal('Pro plan $9.99 Billed monthly');
    expect(lines[1]).to.match(/^Free trial until \w+ \d+, \d{4}$/);
    expect(lines[2]).to.equal('Due today $0.00');
    await startPaying(el);
    expect(text(shadow(el).querySelector('form button[part="pay"]'))).to.equal('Start free trial');
    await typeCard('4242424242424242');
    pay(el);
    await until(() => phase(el) === 'succeeded', 'the trial', 8000);
    expect(text(shadow(el).querySelector('[part="result"] h2'))).to.equal(
      'Your free trial has started',
    );
    const { detail } = await completed;
    expect(detail).to.deep.include({ kind: 'plan', item: 'pro:month', mode: 'subscription' });
    expect(detail.amount).to.equal(0);
    expect(detail.receiptUrl).to.equal(null);
  });

  it('starts a paid subscription with the first invoice paid by card', async () => {
    const el = await checkout('subscriber', 'enterprise');
    const completed = new Promise<LxCheckoutCompleteEvent>((resolve) =>
      el.addEventListener('lx-checkout-complete', resolve, { once: true }),
    );
    await startPaying(el);
    expect(text(shadow(el).querySelector('form button[part="pay"]'))).to.equal(
      'Subscribe for $99.00',
    );
    await typeCard('4242424242424242');
    pay(el);
    await until(() => phase(el) === 'succeeded', 'the subscription', 8000);
    expect(text(shadow(el).querySelector('[part="result"]'))).to.contain(
      'Your Enterprise plan subscription is active.',
    );
    const { detail } = await completed;
    expect(detail).to.deep.include({
      kind: 'plan',
      item: 'enterprise:month',
      mode: 'subscription',
    });
    expect(detail.amount).to.equal(9900);
  });

  it('ships translations with the same keys and placeholders as the English copy', () => {
    const english: Record<string, string> = { ...checkoutMessages, ...checkoutFlowMessages };
    const names = (copy: string) => [...copy.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [language, catalog] of Object.entries({ fr, de, ar })) {
      expect(Object.keys(catalog).sort(), language).to.deep.equal(Object.keys(english).sort());
      for (const [key, copy] of Object.entries(catalog as Record<string, string>)) {
        expect(names(copy), `${language} ${key}`).to.deep.equal(names(english[key]!));
      }
    }
  });
});
