import { expect } from '@esm-bundle/chai';
import { fixture, fixtureCleanup, html } from '@open-wc/testing-helpers';
import { apiFixtures, axeViolations, settled, until } from '../internal/test-support.js';
import type { LxRedeemEvent } from './redeem.event.js';
import type { LxTokenWallet } from './token-wallet.js';
import { register } from './token-wallet.js';

register();

async function wallet(token?: string): Promise<LxTokenWallet> {
  const { api, rewards } = await apiFixtures();
  return fixture<LxTokenWallet>(
    html`<lx-token-wallet
      license=${rewards.license}
      api=${api}
      user-token=${token ?? ''}
      page-size="2"
    ></lx-token-wallet>`,
  );
}

const text = (el: Element | null | undefined) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

describe('lx-token-wallet', () => {
  afterEach(() => fixtureCleanup());

  it('renders the balance in the license token name and is accessible', async () => {
    const { rewards } = await apiFixtures();
    const el = await wallet(rewards.tokens.bob);
    const balance = await settled(el, '[part="balance"]');
    expect(text(balance)).to.equal('60 Stars');
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('asks a signed-out visitor to sign in', async () => {
    const el = await wallet();
    await settled(el, '.state');
    expect(text(el.shadowRoot!.querySelector('.state'))).to.contain('Sign in');
  });

  it('pages history and filters it by type', async () => {
    const { rewards } = await apiFixtures();
    const el = await wallet(rewards.tokens.ada);
    await settled(el, '[part="history"]');
    const rows = () => el.shadowRoot!.querySelectorAll('[part="history"] li');
    expect(rows()).to.have.length(2);
    const more = [...el.shadowRoot!.querySelectorAll('button')].find(
      (b) => text(b) === 'Show more',
    )!;
    more.click();
    await until(() => rows().length === 4, 'the second page');
    const select = el.shadowRoot!.querySelector('select')!;
    select.value = 'bonus';
    select.dispatchEvent(new Event('change'));
    await until(() => rows().length === 1, 'the bonus filter');
    expect(text(rows()[0])).to.contain('Bonus');
  });

  it('redeems after a confirmation step, fires lx-redeem and shows the status', async () => {
    const { rewards } = await apiFixtures();
    const el = await wallet(rewards.tokens.bob);
    await settled(el, '[part="reward"]');
    const redeem = el.shadowRoot!.querySelector<HTMLButtonElement>('button[part="redeem"]')!;
    expect(redeem.getAttribute('aria-label')).to.equal('Redeem 10% off a course');
    redeem.click();
    const confirm = await settled(el, '[part="confirm"]');
    expect(text(confirm)).to.contain('Redeem 10% off a course for 50 Stars?');
    expect(el.shadowRoot!.activeElement?.textContent?.trim()).to.equal('Confirm');
    const seen: LxRedeemEvent[] = [];
    el.addEventListener('lx-redeem', (e) => seen.push(e));
    confirm.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await until(() => seen.length === 1, 'lx-redeem');
    expect(seen[0]!.detail).to.include({ kind: 'course_coupon', status: 'fulfilled', cost: 50 });
    expect(seen[0]!.detail.couponCode).to.match(/^LX-/);
    await until(
      () => text(el.shadowRoot!.querySelector('[part="balance"]')) === '10 Stars',
      'new balance',
    );
    expect(text(el.shadowRoot!.querySelector('[role="status"]'))).to.contain('Your code: LX-');
    expect(text(el.shadowRoot!.querySelector('.status'))).to.equal('Fulfilled');
  });

  it('disables rewards the balance does not cover', async () => {
    const { rewards } = await apiFixtures();
    const el = await wallet(rewards.tokens.poor);
    await settled(el, '[part="reward"]');
    const buttons = el.shadowRoot!.querySelectorAll<HTMLButtonElement>('button[part="redeem"]');
    expect([...buttons].every((b) => b.disabled)).to.equal(true);
  });

  it('asks for a shipping address for merchandise, and shows the request as pending', async () => {
    const { rewards } = await apiFixtures();
    const el = await wallet(rewards.tokens.ada);
    await settled(el, '[part="reward"]');
    const hoodie = [
      ...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('button[part="redeem"]'),
    ].find((b) => b.getAttribute('aria-label') === 'Redeem Hoodie')!;
    hoodie.click();
    const form = (await settled(el, '[part="confirm"]')) as HTMLFormElement;
    expect(form.querySelector('legend')!.textContent).to.equal('Shipping address');
    const values: Record<string, string> = {
      name: 'Ada Lovelace',
      line1: '12 St James Sq',
      city: 'London',
      postalCode: 'SW1Y 4JH',
      country: 'GB',
    };
    for (const input of form.querySelectorAll('input')) input.value = values[input.name]!;
    expect(await axeViolations(el)).to.deep.equal([]);
    form.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await until(() => !el.shadowRoot!.querySelector('[part="confirm"]'), 'the form to close');
    await until(() => text(el.shadowRoot!.querySelector('.status')) === 'Requested', 'the status');
  });
});
