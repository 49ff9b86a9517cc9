import { expect } from '@esm-bundle/chai';
import { fixture, fixtureCleanup, html } from '@open-wc/testing-helpers';
import type { LxLeaderboard } from '../leaderboard/leaderboard.js';
import { register as registerLeaderboard } from '../leaderboard/leaderboard.js';
import type { LxPricingTable } from '../pricing-table/pricing-table.js';
import { register } from '../pricing-table/pricing-table.js';
import { catalogReady, isRtl, languageOf, messagesFor, t } from './i18n.js';
import { apiFixtures, axeViolations, settled } from './test-support.js';

register();
registerLeaderboard();

const fetchedCatalogs = () =>
  performance
    .getEntriesByType('resource')
    .map((entry) => entry.name)
    .filter((name) => /\/locales\/\w+\.ts/.test(name));

async function table(locale?: string, key?: string): Promise<LxPricingTable> {
  const { api, keys } = await apiFixtures();
  const el = await fixture<LxPricingTable>(
    html`<lx-pricing-table
      license=${key ?? keys.valid}
      api=${api}
      locale=${locale ?? ''}
    ></lx-pricing-table>`,
  );
  if (!locale) el.removeAttribute('locale');
  await settled(el, '.plan');
  return el;
}

const title = (el: LxPricingTable) => el.shadowRoot!.querySelector('h2')!.textContent;

describe('localization', () => {
  afterEach(() => fixtureCleanup());

  it('ships English in the widget and fetches another language only when a widget shows it', async () => {
    expect(fetchedCatalogs()).to.deep.equal([]);
    const el = await table();
    expect(title(el)).to.equal('Choose your plan');
    expect(fetchedCatalogs()).to.deep.equal([]);
    const fr = await table('fr');
    expect(title(fr)).to.equal('Choisissez votre formule');
    // The French of the states every widget shares, and the table's own French: nothing else.
    expect(fetchedCatalogs().map((name) => new URL(name).pathname)).to.have.members([
      '/widgets/internal/locales/fr.ts',
      '/widgets/pricing-table/locales/fr.ts',
    ]);
  });

  it('prefers the locale attribute, then the license default, then the browser', async () => {
    const { keys } = await apiFixtures();
    // The fr-CA license, no attribute: the license's default wins over the browser's English.
    const byLicense = await table(undefined, keys.french);
    expect(title(byLicense)).to.equal('Choisissez votre formule');
    expect(byLicense.shadowRoot!.querySelectorAll('.price')[1]!.textContent).to.contain('9,99');
    // The attribute wins over the license.
    const byAttribute = await table('de-DE', keys.french);
    expect(title(byAttribute)).to.equal('Wählen Sie Ihren Tarif');
    // Before the license is known, the browser's language is all there is.
    expect(navigator.language).to.match(/^en/);
  });

  it('formats money for the locale with Intl', async () => {
    const el = await table('fr-FR');
    expect(
      el.shadowRoot!.querySelectorAll('.price')[1]!.textContent.replace(/\s+/g, ' '),
    ).to.contain('9,99 $US');
  });

  it('lays Arabic out right to left, and stays accessible', async () => {
    const el = await table('ar');
    expect(el.getAttribute('dir')).to.equal('rtl');
    expect(title(el)).to.equal('اختر خطتك');
    el.style.width = '960px';
    const cards = [...el.shadowRoot!.querySelectorAll<HTMLElement>('.plan')];
    // The first tier sits on the right, the last on the left.
    const first = cards[0]!.getBoundingClientRect();
    const last = cards[cards.length - 1]!.getBoundingClientRect();
    expect(first.top).to.equal(last.top);
    expect(first.left).to.be.greaterThan(last.left);
    const feature = el.shadowRoot!.querySelector('.features li')!;
    expect(getComputedStyle(feature).direction).to.equal('rtl');
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('translates the other learner widgets from their own lazy catalogs', async () => {
    const { api, rewards } = await apiFixtures();
    const el = await fixture<LxLeaderboard>(
      html`<lx-leaderboard
        license=${rewards.license}
        api=${api}
        user-token=${rewards.tokens.bob}
        locale="ar"
        window="all"
        refresh-interval="0"
      ></lx-leaderboard>`,
    );
    await settled(el, 'ol li');
    expect(el.shadowRoot!.querySelector('h2')!.textContent).to.equal('لوحة المتصدرين');
    expect(el.getAttribute('dir')).to.equal('rtl');
    expect(el.shadowRoot!.textContent).to.contain('(أنت)');
  });

  it('keeps a direction the page set on the element', async () => {
    const { api, keys } = await apiFixtures();
    const el = await fixture<LxPricingTable>(
      html`<lx-pricing-table
        dir="ltr"
        license=${keys.valid}
        api=${api}
        locale="ar"
      ></lx-pricing-table>`,
    );
    await settled(el, '.plan');
    expect(el.getAttribute('dir')).to.equal('ltr');
  });

  it('lays the license’s white-label copy over the catalog, per locale', async () => {
    const el = await table('en-GB');
    el.theme = {
      mode: 'light',
      tokens: {},
      messages: {
        en: { 'pricing.title': 'Pick an Academy plan', 'pricing.choose': 'Join {plan}' },
        'en-GB': { 'pricing.choose': 'Enrol in {plan}' },
        fr: { 'pricing.title': 'Choisissez votre parcours' },
      },
    };
    await el.updateComplete;
    expect(title(el)).to.equal('Pick an Academy plan');
    expect(el.shadowRoot!.querySelector('button[part="cta"]')!.textContent.trim()).to.equal(
      'Enrol in Free',
    );
    el.locale = 'fr';
    await el.updateComplete;
    expect(title(el)).to.equal('Choisissez votre parcours');
  });
});

describe('i18n helpers', () => {
  it('resolves languages, directions and placeholders', async () => {
    expect(languageOf('fr-CA')).to.equal('fr');
    expect(languageOf('ja-JP')).to.equal('en');
    expect(isRtl('ar-EG')).to.equal(true);
    expect(isRtl('he')).to.equal(true);
    expect(isRtl('en')).to.equal(false);
    await catalogReady('de');
    expect(t('state.reference', { id: 'r1' }, messagesFor('de-AT'))).to.equal('Referenz: r1');
    expect(t('state.reference', {}, messagesFor('en'))).to.equal('Reference: {id}');
  });

  it('lets a license supply copy for a language the kit does not ship, over English', () => {
    const messages = messagesFor('ja-JP', {
      en: { 'action.retry': 'Retry' },
      ja: { 'state.loading': '読み込み中…' },
    });
    expect(messages['state.loading']).to.equal('読み込み中…');
    expect(messages['action.retry']).to.equal('Retry');
    expect(messages['state.error.title']).to.equal('Something went wrong');
  });
});
