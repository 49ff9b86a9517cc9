import { expect } from '@esm-bundle/chai';
import { defineElement } from './define.js';
import { LxPricingTable } from '../pricing-table/pricing-table.js';

describe('defineElement', () => {
  it('importing a widget does not register it', () => {
    expect(customElements.get('lx-pricing-table-unregistered')).to.equal(undefined);
    expect(LxPricingTable).to.be.a('function');
  });

  it('registers under any tag, once, and refuses a clash with a warning', () => {
    class Other extends HTMLElement {}
    const warn = console.warn;
    const warnings: unknown[] = [];
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      expect(defineElement('lx-define-test', Other)).to.equal(true);
      expect(defineElement('lx-define-test', Other)).to.equal(true);
      expect(warnings).to.have.length(0);
      class Clash extends HTMLElement {}
      expect(defineElement('lx-define-test', Clash)).to.equal(false);
      expect(warnings).to.have.length(1);
      expect(customElements.get('lx-define-test')).to.equal(Other);
    } finally {
      console.warn = warn;
    }
  });
});
