import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../server/errors.js';
import { Leaderboards } from '../../server/modules/rewards/leaderboard.js';
import { DAY, ledgerFixture, type LedgerFixture } from './helpers.js';

let f: LedgerFixture;
let boards: Leaderboards;
afterEach(async () => {
  await f?.cleanup();
});

async function setup(start?: Date) {
  f = await ledgerFixture(start);
  boards = new Leaderboards(f.store, f.clock, async (id) => (await f.ledger.settings(id)).timeZone);
}

const viewer = (learnerId: string, classes: string[] = []) => ({
  learnerId,
  displayName: `Learner ${learnerId}`,
  classes,
});

async function give(
  tenant: string,
  learnerId: string,
  amount: number,
  name = `Learner ${learnerId}`,
) {
  await boards.touchProfile(tenant, learnerId, { displayName: name, classes: [] });
  await f.ledger.bonus(tenant, { learnerId, amount, reason: 'test' });
  f.clock.advance(1000);
}

describe('leaderboards', () => {
  it('ranks ties by competition ranking, equal scores in the order they were reached', async () => {
    await setup();
    await give('lic_a', 'a', 50);
    await give('lic_a', 'b', 30);
    await give('lic_a', 'c', 30);
    await give('lic_a', 'd', 10);
    await give('lic_a', 'e', 30);
    const page = await boards.board('lic_a', viewer('d'), {
      scope: 'global',
      window: 'all',
      limit: 10,
    });
    expect(page.entries.map((e) => [e.rank, e.displayName, e.score])).toEqual([
      [1, 'Learner a', 50],
      [2, 'Learner b', 30],
      [2, 'Learner c', 30],
      [2, 'Learner e', 30],
      [5, 'Learner d', 10],
    ]);
    expect(page.me).toMatchObject({ rank: 5, score: 10 });
    expect(page.entries.find((e) => e.me)?.displayName).toBe('Learner d');
  });

  it('pages with a cursor and keeps ranks across pages and mid-tie', async () => {
    await setup();
    for (const [id, score] of [
      ['a', 9],
      ['b', 7],
      ['c', 7],
      ['d', 7],
      ['e', 5],
      ['f', 3],
    ] as const) {
      await give('lic_a', id, score);
    }
    const v = viewer('f');
    const one = await boards.board('lic_a', v, { scope: 'global', window: 'all', limit: 2 });
    const two = await boards.board('lic_a', v, {
      scope: 'global',
      window: 'all',
      limit: 2,
      cursor: one.nextCursor!,
    });
    const three = await boards.board('lic_a', v, {
      scope: 'global',
      window: 'all',
      limit: 2,
      cursor: two.nextCursor!,
    });
    expect([...one.entries, ...two.entries, ...three.entries].map((e) => e.rank)).toEqual([
      1, 2, 2, 2, 5, 6,
    ]);
    expect(three.nextCursor).toBeNull();
  });

  it('shows k learners around me with their ranks', async () => {
    await setup();
    for (let i = 1; i <= 20; i++) await give('lic_a', `u${i}`, i * 10);
    const page = await boards.board('lic_a', viewer('u10'), {
      scope: 'global',
      window: 'all',
      limit: 3,
      around: 2,
    });
    expect(page.me.rank).toBe(11);
    expect(page.around.map((e) => [e.rank, e.score, e.me])).toEqual([
      [9, 120, false],
      [10, 110, false],
      [11, 100, true],
      [12, 90, false],
      [13, 80, false],
    ]);
  });

  it('keeps weeks apart across a week boundary in the license time zone, and past weeks viewable', async () => {
    // Sunday 2030-01-13 22:00 UTC is Monday 2030-01-14 07:00 in Tokyo: a new week there.
    await setup(new Date('2030-01-13T14:00:00Z'));
    await f.ledger.updateSettings('lic_a', { timeZone: 'Asia/Tokyo' });
    await give('lic_a', 'early', 40); // Sunday 23:00 in Tokyo: week of Jan 7
    f.clock.set(new Date('2030-01-13T22:00:00Z'));
    await give('lic_a', 'late', 5); // Monday in Tokyo: week of Jan 14
    const thisWeek = await boards.board('lic_a', viewer('late'), {
      scope: 'global',
      window: 'week',
      limit: 10,
    });
    expect(thisWeek.period).toBe('week:2030-01-14');
    expect(thisWeek.entries.map((e) => e.displayName)).toEqual(['Learner late']);
    const lastWeek = await boards.board('lic_a', viewer('late'), {
      scope: 'global',
      window: 'week',
      limit: 10,
      offset: 1,
    });
    expect(lastWeek.period).toBe('week:2030-01-07');
    expect(lastWeek.entries.map((e) => e.displayName)).toEqual(['Learner early']);
    expect(lastWeek.me.rank).toBeNull();
    const month = await boards.board('lic_a', viewer('late'), {
      scope: 'global',
      window: 'month',
      limit: 10,
    });
    expect(month.entries.map((e) => e.score)).toEqual([40, 5]);
    f.clock.advance(7 * DAY);
    const past = await boards.board('lic_a', viewer('late'), {
      scope: 'global',
      window: 'week',
      period: 'week:2030-01-14',
      limit: 10,
    });
    expect(past.entries.map((e) => e.displayName)).toEqual(['Learner late']);
    await expect(
      boards.board('lic_a', viewer('late'), {
        scope: 'global',
        window: 'week',
        period: 'week:2030-01-15',
        limit: 10,
      }),
    ).rejects.toThrow(ApiError);
  });

  it('hides opted-out learners from others, closes the rank gap, and still shows them their rank', async () => {
    await setup();
    await give('lic_a', 'top', 100);
    await give('lic_a', 'mid', 50);
    await give('lic_a', 'low', 10);
    await boards.setOptOut('lic_a', 'top', true);
    const seen = await boards.board('lic_a', viewer('low'), {
      scope: 'global',
      window: 'all',
      limit: 10,
    });
    expect(seen.entries.map((e) => [e.rank, e.displayName])).toEqual([
      [1, 'Learner mid'],
      [2, 'Learner low'],
    ]);
    const own = await boards.board('lic_a', viewer('top'), {
      scope: 'global',
      window: 'all',
      limit: 10,
      around: 2,
    });
    expect(own.me).toMatchObject({ rank: 1, score: 100, optedOut: true });
    expect(own.around).toEqual([]);
    // Earning while opted out keeps them hidden.
    await give('lic_a', 'top', 1);
    expect(
      (await boards.board('lic_a', viewer('low'), { scope: 'global', window: 'all', limit: 10 }))
        .entries,
    ).toHaveLength(2);
    await boards.setOptOut('lic_a', 'top', false);
    expect(
      (await boards.board('lic_a', viewer('low'), { scope: 'global', window: 'all', limit: 10 }))
        .entries[0],
    ).toMatchObject({ rank: 1, score: 101 });
  });

  it('friends boards show only me and my friends; class boards only members of my class', async () => {
    await setup();
    await give('lic_a', 'me', 10);
    await give('lic_a', 'pal', 20);
    await give('lic_a', 'stranger', 99);
    await give('lic_b', 'pal', 500); // same id, other tenant
    await boards.setFriends('lic_a', 'me', ['pal', 'ghost']);
    const friends = await boards.board('lic_a', viewer('me'), {
      scope: 'friends',
      window: 'all',
      limit: 10,
    });
    expect(friends.entries.map((e) => [e.rank, e.displayName, e.score])).toEqual([
      [1, 'Learner pal', 20],
      [2, 'Learner me', 10],
    ]);

    await boards.touchProfile('lic_a', 'me', { displayName: 'Me', classes: ['bio-101'] });
    await boards.touchProfile('lic_a', 'pal', { displayName: 'Pal', classes: ['chem-200'] });
    await boards.touchProfile('lic_a', 'stranger', { displayName: 'S', classes: ['bio-101'] });
    await boards.touchProfile('lic_b', 'pal', { displayName: 'Other', classes: ['bio-101'] });
    const klass = await boards.board('lic_a', viewer('me', ['bio-101']), {
      scope: 'class',
      window: 'all',
      limit: 10,
    });
    expect(klass.classId).toBe('bio-101');
    expect(klass.entries.map((e) => [e.rank, e.displayName, e.score])).toEqual([
      [1, 'S', 99],
      [2, 'Learner me', 10],
    ]);
    await expect(
      boards.board('lic_a', viewer('me', ['bio-101']), {
        scope: 'class',
        classId: 'chem-200',
        window: 'all',
        limit: 10,
      }),
    ).rejects.toThrow(/not a member/);
  });

  it('lowers the score when earned tokens are reversed', async () => {
    await setup();
    await boards.touchProfile('lic_a', 'a', { displayName: 'A', classes: [] });
    const tx = (await f.ledger.bonus('lic_a', { learnerId: 'a', amount: 40, reason: 'x' }))
      .transaction;
    await give('lic_a', 'b', 30);
    await f.ledger.reverse('lic_a', tx.id, 'refund');
    const page = await boards.board('lic_a', viewer('b'), {
      scope: 'global',
      window: 'all',
      limit: 10,
    });
    expect(page.entries.map((e) => e.displayName)).toEqual(['Learner b']);
  });

  it('never shows a learner id: a learner with no known name has a null display name', async () => {
    await setup();
    await f.ledger.bonus('lic_a', { learnerId: 'ada@example.edu', amount: 10, reason: 'x' });
    await boards.touchProfile('lic_a', 'cy', { displayName: null, classes: ['bio'] });
    await f.ledger.bonus('lic_a', { learnerId: 'cy', amount: 5, reason: 'x' });
    const page = await boards.board('lic_a', viewer('z'), {
      scope: 'global',
      window: 'all',
      limit: 10,
    });
    expect(page.entries.map((e) => e.displayName)).toEqual([null, null]);
    expect(JSON.stringify(page)).not.toContain('ada@example.edu');
  });
});
