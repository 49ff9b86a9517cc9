import { expect } from '@esm-bundle/chai';
import { fixture, fixtureCleanup, html } from '@open-wc/testing-helpers';
import { sendKeys } from '@web/test-runner-commands';
import { LxCheckoutErrorEvent, type LxCheckout } from '../checkout/checkout.js';
import { axeViolations, apiFixtures, settled, until } from '../internal/test-support.js';
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
      el.shadowRoot!.querySelectorAll('.price')[1]!.textContent!.replace(/\s+/g, ' ').trim();
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
    expect(summary.querySelector('dt')!.textContent!.trim()).to.equal('Pro plan');
    // Subscription mode: Pro's trial is paid nothing today, then the plan's price.
    const lines = [...summary.querySelectorAll('dl > div')].map((d) =>
      d.textContent!.replace(/\s+/g, ' ').trim(),
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
    expect(cta.textContent!.trim()).to.equal('Your plan');
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
