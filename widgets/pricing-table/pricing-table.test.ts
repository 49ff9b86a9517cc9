import { expect } from '@esm-bundle/chai';
import { fixture, fixtureCleanup, html } from '@open-wc/testing-helpers';
import { axeViolations, apiFixtures, settled } from '../internal/test-support.js';
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

describe('lx-pricing-table', () => {
  afterEach(() => fixtureCleanup());

  it('renders the tiers from the server and is accessible', async () => {
    const { keys } = await apiFixtures();
    const el = await table(keys.valid);
    await settled(el, '.plan');
    const plans = [...el.shadowRoot!.querySelectorAll('.plan h3')].map((h) => h.textContent);
    expect(plans).to.deep.equal(['Free', 'Pro', 'Enterprise']);
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
    document.addEventListener('lx-plan-select', (e) => seen.push(e), { once: true });
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
