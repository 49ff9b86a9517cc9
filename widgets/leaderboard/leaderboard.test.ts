import { expect } from '@esm-bundle/chai';
import { fixture, fixtureCleanup, html } from '@open-wc/testing-helpers';
import { apiFixtures, axeViolations, settled, until } from '../internal/test-support.js';
import type { LxLeaderboard } from './leaderboard.js';
import { register } from './leaderboard.js';

register();

async function board(token: string | undefined, attrs: { limit?: number } = {}) {
  const { api, rewards } = await apiFixtures();
  return fixture<LxLeaderboard>(
    html`<lx-leaderboard
      license=${rewards.license}
      api=${api}
      user-token=${token ?? ''}
      window="all"
      limit=${attrs.limit ?? 10}
      refresh-interval="0"
    ></lx-leaderboard>`,
  );
}

const text = (el: Element | null | undefined) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
const rows = (el: LxLeaderboard, selector = 'ol') =>
  [...el.shadowRoot!.querySelectorAll(`${selector} li`)].map((li) =>
    [...li.children].map((c) => text(c)),
  );

describe('lx-leaderboard', () => {
  afterEach(() => fixtureCleanup());

  it('renders ranks, initials and the learner highlighted, and is accessible', async () => {
    const { rewards } = await apiFixtures();
    const el = await board(rewards.tokens.bob);
    await settled(el, 'ol li');
    const top = rows(el);
    expect(top[0]).to.deep.equal(['1', 'AL', 'Ada Lovelace', '180 pts']);
    const me = el.shadowRoot!.querySelector('li[aria-current="true"]')!;
    expect(text(me)).to.contain('Bob Stone (you)');
    expect(top.map((r) => r[2])).to.not.include('Hedy Hidden');
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('pins the learner’s own row when they are not in the top list', async () => {
    const { rewards } = await apiFixtures();
    const el = await board(rewards.tokens.poor, { limit: 1 });
    await settled(el, 'ol li');
    const lists = el.shadowRoot!.querySelectorAll('ol');
    expect(lists).to.have.length(2);
    expect(lists[1]!.getAttribute('aria-label')).to.equal('Around you');
    expect(text(lists[1]!.querySelector('[aria-current]'))).to.contain('Pat Poor');
  });

  it('an opted-out learner still sees their own rank and can opt back in', async () => {
    const { rewards } = await apiFixtures();
    const el = await board(rewards.tokens.hidden);
    await settled(el, 'ol li');
    expect(text(el.shadowRoot!.querySelector('p[role="status"]'))).to.contain('hidden from others');
    expect(text(el.shadowRoot!.querySelector('[aria-current]'))).to.contain('Hedy Hidden');
    expect(rows(el, 'ol[aria-label="Your rank"]')[0]![0]).to.equal('2');
  });

  it('switches scope and window from the keyboard-operable radio groups, showing empty states', async () => {
    const { rewards } = await apiFixtures();
    const el = await board(rewards.tokens.bob);
    await settled(el, 'ol li');
    const friends = el.shadowRoot!.querySelector<HTMLInputElement>('input[value="friends"]')!;
    friends.focus();
    expect(el.shadowRoot!.activeElement).to.equal(friends);
    friends.click();
    await until(() => el.scope === 'friends', 'the friends scope');
    await until(() => rows(el).length === 1, 'only Bob on his friends board');
    expect(rows(el)[0]![2]).to.contain('Bob Stone');
    el.shadowRoot!.querySelector<HTMLInputElement>('input[value="class"]')!.click();
    await until(() => rows(el).length === 3, 'the class board');
  });

  it('asks a signed-out visitor to sign in', async () => {
    const el = await board(undefined);
    await settled(el, '.state');
    expect(text(el.shadowRoot!.querySelector('.state'))).to.contain('Sign in');
  });
});
