import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import type { LxCheckout, LxCheckoutCompleteEvent } from '../checkout/checkout.js';
import { LxCheckoutCompleteEvent as CompleteEvent } from '../checkout/checkout.js';
import { openCheckout } from './open-checkout.js';
import { apiFixtures, axeViolations, settled, until } from './test-support.js';

/** A button standing for a widget: it carries the license, API and learner a widget would. */
async function opener(): Promise<HTMLButtonElement> {
  const { api, payments } = await apiFixtures();
  const button = Object.assign(document.createElement('button'), {
    textContent: 'Buy',
    license: payments.license,
    api,
    userToken: payments.tokens.dialog,
  });
  document.body.append(button);
  button.focus();
  return button;
}

describe('openCheckout', () => {
  afterEach(() => {
    for (const node of document.querySelectorAll('dialog[data-lx-checkout], body > button'))
      node.remove();
  });

  it('opens lx-checkout for a course in a dialog of the document, loading its code on demand', async () => {
    const { payments } = await apiFixtures();
    const from = await opener();
    const { checkout, dialog } = openCheckout(from, {
      kind: 'course',
      courseId: payments.courseId,
    });
    expect(dialog.parentElement).to.equal(document.body);
    expect(dialog.open).to.equal(true);
    expect(checkout.getRootNode()).to.equal(document);
    expect(checkout.getAttribute('course-id')).to.equal(payments.courseId);
    expect(checkout.hasAttribute('closable')).to.equal(true);
    await until(() => customElements.get('lx-checkout') !== undefined, 'the checkout code');
    await settled(checkout as LxCheckout, '[part="summary"]');
    expect(document.activeElement).to.equal(checkout);
    expect(dialog.getAttribute('aria-label')).to.equal('Checkout');
    expect(await axeViolations(dialog)).to.deep.equal([]);
    // A second click on the same buy button finds the open checkout.
    expect(openCheckout(from, { kind: 'course', courseId: payments.courseId }).dialog).to.equal(
      dialog,
    );
    expect(document.querySelectorAll('dialog[data-lx-checkout]')).to.have.length(1);
  });

  it('closes with its close button and gives focus back to the opener', async () => {
    const { payments } = await apiFixtures();
    const from = await opener();
    const opened = openCheckout(from, { kind: 'course', courseId: payments.courseId });
    await until(() => customElements.get('lx-checkout') !== undefined, 'the checkout code');
    const close = await settled(opened.checkout as LxCheckout, 'button[part="close"]');
    (close as HTMLButtonElement).focus();
    await sendKeys({ press: 'Enter' });
    await opened.closed;
    expect(opened.dialog.isConnected).to.equal(false);
    expect(document.activeElement).to.equal(from);
  });

  it('closes with Escape pressed inside the card form', async () => {
    const { payments } = await apiFixtures();
    const from = await opener();
    const opened = openCheckout(from, { kind: 'course', courseId: payments.courseId });
    await until(() => customElements.get('lx-checkout') !== undefined, 'the checkout code');
    const checkout = opened.checkout as LxCheckout;
    const start = await settled(checkout, 'button[part="pay"]');
    (start as HTMLButtonElement).click();
    await until(
      () =>
        checkout.shadowRoot!.querySelector('[data-phase]')?.getAttribute('data-phase') === 'paying',
      'the card form',
      8000,
    );
    // Focus is in Stripe's frame now: its keys never reach the page, Escape is reported.
    await sendKeys({ press: 'Escape' });
    await opened.closed;
    expect(document.activeElement).to.equal(from);
  });

  it("relays the checkout's events from the opener, once", async () => {
    const { payments } = await apiFixtures();
    const from = await opener();
    const { checkout } = openCheckout(from, { kind: 'course', courseId: payments.courseId });
    const seen: LxCheckoutCompleteEvent[] = [];
    const listener = (e: LxCheckoutCompleteEvent) => seen.push(e);
    document.addEventListener('lx-checkout-complete', listener);
    const detail = {
      kind: 'course' as const,
      item: payments.courseId,
      paymentId: 'pay_1',
      paymentIntentId: 'pi_1',
      amount: 4900,
      currency: 'USD',
      receiptUrl: null,
      mode: 'payment' as const,
    };
    checkout.dispatchEvent(new CompleteEvent(detail));
    document.removeEventListener('lx-checkout-complete', listener);
    expect(seen).to.have.length(1);
    expect(seen[0]!.target).to.equal(from);
    expect(seen[0]!.detail).to.deep.equal(detail);
    expect(seen[0]!.composed).to.equal(true);
  });
});
