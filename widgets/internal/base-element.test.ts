import { expect } from '@esm-bundle/chai';
import { fixture, fixtureCleanup, html } from '@open-wc/testing-helpers';
import type { LxErrorEvent } from './events.js';
import { axeViolations, apiFixtures, settled, until } from './test-support.js';
import type { LxPricingTable } from '../pricing-table/pricing-table.js';
import { register } from '../pricing-table/pricing-table.js';

register();

async function stateOf(license: string, api?: string) {
  const f = await apiFixtures();
  const errors: LxErrorEvent[] = [];
  const listener = (e: LxErrorEvent) => errors.push(e);
  document.addEventListener('lx-error', listener);
  const el = await fixture<LxPricingTable>(
    html`<lx-pricing-table license=${license} api=${api ?? f.api}></lx-pricing-table>`,
  );
  const state = (await settled(el, '[part~="state"]')) as HTMLElement;
  await until(() => errors.length > 0, 'lx-error');
  document.removeEventListener('lx-error', listener);
  return { el, state, errors };
}

describe('widget states', () => {
  afterEach(() => fixtureCleanup());

  const licenseCases = [
    ['revoked', 'license_revoked', 403],
    ['suspended', 'license_suspended', 403],
    ['expired', 'license_expired', 403],
    ['unknown', 'license_unknown', 401],
    ['malformed', 'license_malformed', 401],
  ] as const;

  for (const [name, code, status] of licenseCases) {
    it(`explains a ${name} license without breaking the page`, async () => {
      const { keys } = await apiFixtures();
      const { state, errors } = await stateOf(keys[name]);
      expect(state.dataset.code).to.equal(code);
      expect(state.querySelector('h2')!.textContent).to.equal('This feature is unavailable');
      expect(state.getAttribute('role')).to.equal('status');
      expect(state.querySelector('button')).to.equal(null);
      expect(errors[0]!.detail).to.include({ code, status });
      expect(errors[0]!.detail.requestId).to.match(/^req_/);
    });
  }

  it('explains an origin that the license does not allow', async () => {
    const { keys } = await apiFixtures();
    const { el, state } = await stateOf(keys.foreignOrigin);
    expect(state.dataset.code).to.equal('origin_not_allowed');
    expect(state.querySelector('h2')!.textContent).to.equal('Not available on this site');
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('says politely that the service is temporarily unavailable when the plan limit is used up', async () => {
    const { keys } = await apiFixtures();
    const { el, state, errors } = await stateOf(keys.overLimit);
    expect(state.dataset.code).to.equal('usage_limit_exceeded');
    expect(state.dataset.kind).to.equal('limit');
    expect(state.querySelector('h2')!.textContent).to.equal('Temporarily unavailable');
    expect(errors[0]!.detail).to.include({ code: 'usage_limit_exceeded', status: 429 });
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('explains a missing key without asking the server', async () => {
    const el = await fixture<LxPricingTable>(
      html`<lx-pricing-table api="http://127.0.0.1:9"></lx-pricing-table>`,
    );
    const state = (await settled(el, '[part~="state"]')) as HTMLElement;
    expect(state.dataset.code).to.equal('license_missing');
  });

  it('offers a retry when the server is unreachable, and recovers', async () => {
    const { keys, api } = await apiFixtures();
    // Nothing listens on port 9 of the loopback address: the request fails at the network.
    const { el, state } = await stateOf(keys.valid, 'http://127.0.0.1:9');
    expect(state.dataset.code).to.equal('network_error');
    expect(state.getAttribute('role')).to.equal('alert');
    expect(state.querySelector('h2')!.textContent).to.equal('Can’t reach the server');
    expect(await axeViolations(el)).to.deep.equal([]);
    el.api = api;
    await settled(el, '.plan');
  });

  it('fetches the embed configuration once per license, however many widgets', async () => {
    const { keys, api } = await apiFixtures();
    const original = window.fetch;
    const urls: string[] = [];
    window.fetch = (input, init) => {
      urls.push(String(input instanceof Request ? input.url : input));
      return original(input, init);
    };
    try {
      // A fresh API string keeps this test independent of stores other tests created.
      const fresh = `${api}/`;
      const wrapper = await fixture<HTMLElement>(
        html`<div>
          <lx-pricing-table license=${keys.valid} api=${fresh}></lx-pricing-table>
          <lx-pricing-table license=${keys.valid} api=${fresh}></lx-pricing-table>
          <lx-pricing-table license=${keys.valid} api=${fresh}></lx-pricing-table>
        </div>`,
      );
      const tables = [...wrapper.querySelectorAll<LxPricingTable>('lx-pricing-table')];
      for (const t of tables) await settled(t, '.plan');
      expect(urls.filter((u) => u.endsWith('/v1/embed/config'))).to.have.length(1);
    } finally {
      window.fetch = original;
    }
  });

  it('applies the license theme as --lx-* custom properties, and host CSS still wins', async () => {
    const { keys, api } = await apiFixtures();
    const el = await fixture<LxPricingTable>(
      html`<lx-pricing-table license=${keys.valid} api=${api}></lx-pricing-table>`,
    );
    await settled(el, '.plan');
    expect(getComputedStyle(el).getPropertyValue('--lx-color-brand').trim()).to.equal('#4f46e5');
    el.style.setProperty('--lx-color-brand', 'rgb(200, 0, 0)');
    const cta = el.shadowRoot!.querySelector('button[part="cta"]')!;
    expect(getComputedStyle(cta).backgroundColor).to.equal('rgb(200, 0, 0)');
  });
});

describe('configuring a widget from script', () => {
  afterEach(() => fixtureCleanup());

  it('picks up a key set after the element was connected', async () => {
    const { keys, api } = await apiFixtures();
    const el = document.createElement('lx-pricing-table') as LxPricingTable;
    document.body.append(el);
    try {
      await settled(el, '[part~="state"]');
      el.api = api;
      el.license = keys.valid;
      await settled(el, '.plan');
    } finally {
      el.remove();
    }
  });
});
