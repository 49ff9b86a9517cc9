import { expect } from '@esm-bundle/chai';
import { fixture, fixtureCleanup, html } from '@open-wc/testing-helpers';
import { sendKeys } from '@web/test-runner-commands';
import type { SubscriptionView } from '../../server/modules/billing/contract.js';
import {
  LxCheckoutErrorEvent,
  register as registerCheckout,
  type LxCheckout,
} from '../checkout/checkout.js';
import { ApiClient } from '../internal/api-client.js';
import { axeViolations, apiFixtures, settled, until } from '../internal/test-support.js';
import type { LxPlanChangeEvent } from './plan-change.event.js';
import type { LxPlanSelectEvent } from './plan-select.event.js';
import type { LxPricingTable } from './pricing-table.js';
import { register } from './pricing-table.js';

register();

async function table(license: string, api?: string): Promise<LxPricingTable> {
  const f = await apiFixtures();
  return fixture<LxPricingTable>(
    html`<lx-pricing-table license=${license} api=${api ?? f.api}></lx-pricing-table>`,
  );
}

/** Closes checkouts a selection opened, so each test starts with none. */
function closeCheckouts(): void {
  for (const dialog of document.querySelectorAll('dialog[data-lx-checkout]')) dialog.remove();
}

describe('lx-pricing-table', () => {
  afterEach(() => {
    closeCheckouts();
    fixtureCleanup();
  });

  it('renders the tiers from the server and is accessible', async () => {
    const { keys } = await apiFixtures();
    const el = await table(keys.valid);
    await settled(el, '.plan');
    const plans = [...el.shadowRoot!.querySelectorAll('.plan h3')].map((h) => h.textContent);
    expect(plans).to.deep.equal(['Free', 'Pro', 'Enterprise']);
    // Nobody signed in: no tier is anyone's own.
    expect(el.shadowRoot!.querySelector('[aria-current]')).to.equal(null);
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('shows monthly prices formatted for the locale, and yearly after the switch', async () => {
    const { keys } = await apiFixtures();
    const el = await table(keys.valid);
    await settled(el, '.plan');
    const proPrice = () =>
      el.shadowRoot!.querySelectorAll('.price')[1]!.textContent.replace(/\s+/g, ' ').trim();
    expect(proPrice()).to.equal('$9.99 / month');
    const yearly = el.shadowRoot!.querySelector<HTMLInputElement>('input[value="year"]')!;
    yearly.click();
    await el.updateComplete;
    expect(el.interval).to.equal('year');
    expect(proPrice()).to.equal('$99.90 / year');
  });

  it('formats prices for the locale attribute', async () => {
    const { keys, api } = await apiFixtures();
    const el = await fixture<LxPricingTable>(
      html`<lx-pricing-table license=${keys.valid} api=${api} locale="de-DE"></lx-pricing-table>`,
    );
    await settled(el, '.plan');
    expect(el.shadowRoot!.querySelectorAll('.price')[1]!.textContent).to.contain('9,99');
  });

  it('fires a cancelable lx-plan-select with the chosen price', async () => {
    const { keys } = await apiFixtures();
    const el = await table(keys.valid);
    await settled(el, '.plan');
    const seen: LxPlanSelectEvent[] = [];
    // Canceled, as a host that signs the visitor in first does: no checkout opens.
    const listener = (e: LxPlanSelectEvent) => {
      seen.push(e);
      e.preventDefault();
    };
    document.addEventListener('lx-plan-select', listener, { once: true });
    el.shadowRoot!.querySelectorAll<HTMLButtonElement>('button[part="cta"]')[1]!.click();
    expect(seen).to.have.length(1);
    const event = seen[0]!;
    expect(event.detail).to.deep.equal({
      planId: 'pro',
      interval: 'month',
      amount: 999,
      currency: 'USD',
    });
    expect(event.cancelable).to.equal(true);
    expect(event.composed).to.equal(true);
  });

  it('is operable from the keyboard: the period switch is a radio group', async () => {
    const { keys } = await apiFixtures();
    const el = await table(keys.valid);
    await settled(el, '.plan');
    const radios = el.shadowRoot!.querySelectorAll<HTMLInputElement>('input[type="radio"]');
    expect(radios).to.have.length(2);
    expect(el.shadowRoot!.querySelector('fieldset legend')!.textContent).to.equal('Billing period');
    radios[0]!.focus();
    expect(el.shadowRoot!.activeElement).to.equal(radios[0]);
  });
});

describe('lx-pricing-table → lx-checkout', () => {
  afterEach(() => {
    closeCheckouts();
    fixtureCleanup();
  });

  /** The table for a learner of the payments fixture (opening Pro's checkout starts a trial). */
  async function signedInTable(who = 'plan'): Promise<LxPricingTable> {
    const { api, payments } = await apiFixtures();
    const el = await fixture<LxPricingTable>(
      html`<lx-pricing-table
        license=${payments.license}
        api=${api}
        user-token=${payments.tokens[who]!}
      ></lx-pricing-table>`,
    );
    await settled(el, '.plan');
    return el;
  }

  /** Chooses Pro from the keyboard, as a learner would. */
  async function choosePro(el: LxPricingTable): Promise<HTMLButtonElement> {
    const cta = el.shadowRoot!.querySelectorAll<HTMLButtonElement>('button[part="cta"]')[1]!;
    cta.focus();
    await sendKeys({ press: 'Enter' });
    return cta;
  }

  it('opens the checkout for the chosen plan in the document, and Escape returns to the table', async () => {
    const el = await signedInTable();
    const cta = await choosePro(el);
    await until(() => !!document.querySelector('dialog[data-lx-checkout] lx-checkout'), 'checkout');
    const checkout = document.querySelector('dialog[data-lx-checkout] lx-checkout')!;
    // Outside any shadow root, so Stripe can mount its Payment Element there.
    expect(checkout.getRootNode()).to.equal(document);
    expect(checkout.getAttribute('plan')).to.equal('pro');
    expect(checkout.getAttribute('interval')).to.equal('month');
    expect(checkout.getAttribute('user-token')).to.equal(el.userToken);
    await until(() => customElements.get('lx-checkout') !== undefined, 'the checkout code');
    const summary = await settled(checkout as LxCheckout, '[part="summary"]');
    expect(summary.querySelector('dt')!.textContent.trim()).to.equal('Pro plan');
    // Subscription mode: Pro's trial is paid nothing today, then the plan's price.
    const lines = [...summary.querySelectorAll('dl > div')].map((d) =>
      d.textContent.replace(/\s+/g, ' ').trim(),
    );
    expect(lines[0]).to.equal('Pro plan $9.99 Billed monthly');
    expect(lines[1]).to.match(/^Free trial until /);
    expect(lines[2]).to.equal('Due today $0.00');
    expect(document.activeElement).to.equal(checkout);
    expect(checkout.closest('dialog')!.getAttribute('aria-label')).to.equal('Checkout');

    await sendKeys({ press: 'Escape' });
    expect(document.querySelector('dialog[data-lx-checkout]')).to.equal(null);
    expect(el.shadowRoot!.activeElement).to.equal(cta);
  });

  it("marks the signed-in learner's current tier", async () => {
    const el = await signedInTable('tier');
    const current = el.shadowRoot!.querySelector('.plan[aria-current="true"]')!;
    expect(current.querySelector('h3')!.textContent).to.equal('Free');
    expect(current.querySelector('.badge')!.textContent).to.equal('Your plan');
    const cta = current.querySelector<HTMLButtonElement>('button[part="cta"]')!;
    expect(cta.disabled).to.equal(true);
    expect(cta.textContent.trim()).to.equal('Your plan');
    expect(el.shadowRoot!.querySelectorAll('.plan[aria-current]')).to.have.length(1);
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('relays the checkout events from the table, and opens nothing when the host cancels', async () => {
    const el = await signedInTable('relay');
    el.addEventListener('lx-plan-select', (e) => e.preventDefault(), { once: true });
    await choosePro(el);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(document.querySelector('dialog[data-lx-checkout]')).to.equal(null);

    await choosePro(el);
    await until(() => !!document.querySelector('dialog[data-lx-checkout] lx-checkout'), 'checkout');
    const checkout = document.querySelector<LxCheckout>('dialog[data-lx-checkout] lx-checkout')!;
    const seen: Event[] = [];
    document.addEventListener('lx-checkout-error', (e) => seen.push(e), { once: true });
    checkout.dispatchEvent(
      new LxCheckoutErrorEvent({ code: 'card_declined', message: 'Your card was declined.' }),
    );
    expect(seen).to.have.length(1);
    expect(seen[0]!.target).to.equal(el);
    expect((seen[0] as LxCheckoutErrorEvent).detail.code).to.equal('card_declined');
  });
});

describe('lx-pricing-table: changing a paid plan', () => {
  afterEach(() => {
    closeCheckouts();
    fixtureCleanup();
  });

  const WHO = 'changer';
  const text = (el: Element | null | undefined) =>
    el?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

  async function learnerClient(): Promise<ApiClient> {
    const { api, payments } = await apiFixtures();
    return new ApiClient(api, payments.license, payments.tokens[WHO]);
  }

  async function subscription(): Promise<SubscriptionView> {
    const { subscription } = await (
      await learnerClient()
    ).get<{ subscription: SubscriptionView }>('v1/me/subscription');
    return subscription;
  }

  // The learner subscribes to Enterprise through the checkout first, paying by card.
  before(async function () {
    this.timeout(30000);
    registerCheckout();
    const { api, payments } = await apiFixtures();
    const checkout = await fixture<LxCheckout>(
      html`<lx-checkout
        license=${payments.license}
        api=${api}
        user-token=${payments.tokens[WHO]!}
        plan="enterprise"
        interval="month"
      ></lx-checkout>`,
    );
    const phase = () =>
      checkout.shadowRoot!.querySelector('[data-phase]')?.getAttribute('data-phase');
    const start = await settled(checkout, 'button[part="pay"]');
    (start as HTMLButtonElement).click();
    await until(() => phase() === 'paying', 'the Payment Element', 8000);
    await sendKeys({ type: '4242424242424242' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: '1234' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: '123' });
    checkout.shadowRoot!.querySelector<HTMLButtonElement>('form button[part="pay"]')!.click();
    await until(() => phase() === 'succeeded', 'the subscription', 8000);
    const client = await learnerClient();
    for (let i = 0; i < 100; i++) {
      const { tier } = await client.get<{ tier: string | null }>('v1/me/features');
      if (tier === 'enterprise') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    fixtureCleanup();
  });

  async function changerTable(): Promise<LxPricingTable> {
    const { api, payments } = await apiFixtures();
    const el = await fixture<LxPricingTable>(
      html`<lx-pricing-table
        license=${payments.license}
        api=${api}
        user-token=${payments.tokens[WHO]!}
      ></lx-pricing-table>`,
    );
    await settled(el, '.plan');
    return el;
  }

  const currentTier = (el: LxPricingTable) =>
    text(el.shadowRoot!.querySelector('.plan[aria-current="true"] h3'));
  const panel = (el: LxPricingTable) =>
    el.shadowRoot!.querySelector<HTMLElement>('[part~="change"]');
  const confirmButton = (el: LxPricingTable) =>
    el.shadowRoot!.querySelector<HTMLButtonElement>('button[part="change-confirm"]');

  /** Chooses the tier at `index` from the keyboard and waits for its confirmation to be ready. */
  async function choose(el: LxPricingTable, index: number): Promise<HTMLButtonElement> {
    const cta = el.shadowRoot!.querySelectorAll<HTMLButtonElement>('button[part="cta"]')[index]!;
    cta.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => !!confirmButton(el) && !confirmButton(el)!.disabled, 'the confirmation');
    return cta;
  }

  const usd = (minor: number) =>
    new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(minor / 100);

  it('previews the prorated change, and Escape or "Keep my plan" leave everything as it was', async () => {
    const el = await changerTable();
    expect(currentTier(el)).to.equal('Enterprise');
    const changes: Event[] = [];
    el.addEventListener('lx-plan-change', (e) => changes.push(e));

    const cta = await choose(el, 1);
    // No checkout: the subscription is changed in place.
    expect(document.querySelector('dialog[data-lx-checkout]')).to.equal(null);
    const dialog = panel(el)!;
    expect(dialog.getAttribute('role')).to.equal('dialog');
    expect(text(dialog.querySelector('h3'))).to.equal('Switch to Pro?');
    // Focus is inside the confirmation.
    expect(dialog.contains(el.shadowRoot!.activeElement)).to.equal(true);
    // Enterprise ($99.00) to Pro ($9.99) a moment into the month: the unused part is credited.
    const body = text(dialog.querySelector('#change-body'));
    expect(body).to.match(
      /^Nothing to pay now: \$[\d,]+\.\d\d is credited to your next invoices\.$/,
    );
    expect(await axeViolations(el)).to.deep.equal([]);

    await sendKeys({ press: 'Escape' });
    expect(panel(el)).to.equal(null);
    expect(el.shadowRoot!.activeElement).to.equal(cta);

    await choose(el, 1);
    el.shadowRoot!.querySelector<HTMLButtonElement>('button[part="change-cancel"]')!.click();
    expect(panel(el)).to.equal(null);

    expect(changes).to.have.length(0);
    expect(currentTier(el)).to.equal('Enterprise');
    expect(await subscription()).to.deep.include({
      planId: 'enterprise',
      interval: 'month',
      cancelAtPeriodEnd: false,
    });
  });

  it('confirms the change: the amount shown is charged or credited, and the current mark moves', async () => {
    const el = await changerTable();
    await choose(el, 1);
    const shown = text(panel(el)!.querySelector('#change-body'));
    const changed = new Promise<LxPlanChangeEvent>((resolve) =>
      el.addEventListener('lx-plan-change', resolve, { once: true }),
    );
    confirmButton(el)!.click();
    const { detail } = await changed;
    expect(detail).to.deep.include({ planId: 'pro', interval: 'month', currency: 'USD' });
    expect(detail.amountDue).to.be.below(0);
    expect(shown).to.contain(usd(-detail.amountDue));

    await until(() => currentTier(el) === 'Pro', 'the current mark on Pro');
    expect(el.shadowRoot!.querySelectorAll('.plan[aria-current]')).to.have.length(1);
    expect(panel(el)).to.equal(null);
    const status = el.shadowRoot!.querySelector('[part="change-status"]')!;
    expect(status.getAttribute('role')).to.equal('status');
    expect(text(status)).to.equal('You are now on Pro.');
    expect(await subscription()).to.deep.include({ planId: 'pro', interval: 'month' });
    expect(document.querySelector('dialog[data-lx-checkout]')).to.equal(null);
  });

  it('choosing the free tier cancels at the period end, and offers to resume', async () => {
    const el = await changerTable();
    expect(currentTier(el)).to.equal('Pro');
    await choose(el, 0);
    expect(panel(el)!.dataset.step).to.equal('cancel');
    expect(text(panel(el)!.querySelector('h3'))).to.equal('Move to Free?');
    expect(text(panel(el)!.querySelector('#change-body'))).to.match(
      /^Your Pro plan is cancelled at the end of its period: you keep it until .+\.$/,
    );
    const canceled = new Promise<LxPlanChangeEvent>((resolve) =>
      el.addEventListener('lx-plan-change', resolve, { once: true }),
    );
    confirmButton(el)!.click();
    expect((await canceled).detail).to.deep.equal({
      planId: 'free',
      interval: 'month',
      amountDue: 0,
      currency: 'USD',
    });
    await until(() => panel(el)?.dataset.step === 'resume', 'the offer to resume');
    const status = el.shadowRoot!.querySelector('[part="change-status"]')!;
    expect(text(status)).to.match(/^Your Pro plan ends on .+\.$/);
    // Still Pro until the period ends.
    expect(currentTier(el)).to.equal('Pro');
    expect((await subscription()).cancelAtPeriodEnd).to.equal(true);
    expect(text(confirmButton(el))).to.equal('Resume Pro');
    expect(await axeViolations(el)).to.deep.equal([]);

    const resumed = new Promise<LxPlanChangeEvent>((resolve) =>
      el.addEventListener('lx-plan-change', resolve, { once: true }),
    );
    confirmButton(el)!.click();
    expect((await resumed).detail).to.deep.include({ planId: 'pro', amountDue: 0 });
    await until(() => text(status) === 'Your Pro plan continues.', 'the resumption');
    expect(panel(el)).to.equal(null);
    expect((await subscription()).cancelAtPeriodEnd).to.equal(false);
    expect(currentTier(el)).to.equal('Pro');
  });
});
