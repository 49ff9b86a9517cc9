import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRewardsApi, type RewardsApi } from './api.js';

let api: RewardsApi;
beforeAll(async () => {
  api = await startRewardsApi();
});
afterAll(() => api.server.close());

const post = (body: unknown, key?: string): RequestInit => ({
  method: 'POST',
  body: JSON.stringify(body),
  ...(key ? { headers: { 'Idempotency-Key': key } } : {}),
});

describe('rewards API: happy paths', () => {
  it('earns from reported activity, shows the wallet and history, redeems and ranks', async () => {
    const { acme } = api;
    let res = await api.backend(acme, '/v1/rewards/rules/lesson.completed', {
      method: 'PUT',
      body: JSON.stringify({ amount: 25, dailyCap: 100 }),
    });
    expect(res.status).toBe(200);
    res = await api.backend(acme, '/v1/rewards/settings', {
      method: 'PATCH',
      body: JSON.stringify({ tokenName: 'Acme Coins', timeZone: 'Europe/Berlin' }),
    });
    expect(await res.json()).toMatchObject({ tokenName: 'Acme Coins', timeZone: 'Europe/Berlin' });

    for (const [sub, lessons] of [
      ['ada', 3],
      ['bob', 2],
    ] as const) {
      for (let i = 0; i < lessons; i++) {
        res = await api.backend(
          acme,
          '/v1/rewards/activities',
          post(
            { learnerId: sub, activity: 'lesson.completed', displayName: sub.toUpperCase() },
            `${sub}-lesson-${i}`,
          ),
        );
        expect(res.status).toBe(200);
      }
    }
    // A retried report returns the first result and credits nothing more.
    res = await api.backend(
      acme,
      '/v1/rewards/activities',
      post({ learnerId: 'ada', activity: 'lesson.completed', displayName: 'ADA' }, 'ada-lesson-0'),
    );
    expect(await res.json()).toMatchObject({ awarded: 25, balance: 25 });

    const ada = await api.token(acme, { sub: 'ada', name: 'Ada Lovelace', classes: ['bio'] });
    res = await api.learner(acme, ada, '/v1/rewards/wallet');
    expect(await res.json()).toMatchObject({ balance: 75, tokenName: 'Acme Coins' });

    res = await api.backend(
      acme,
      '/v1/rewards/catalog',
      post({ kind: 'course_coupon', title: '10% off', cost: 50, details: { percentOff: 10 } }),
    );
    expect(res.status).toBe(201);
    const item = (await res.json()) as { id: string };

    res = await api.learner(acme, ada, '/v1/rewards/catalog');
    expect(((await res.json()) as { items: unknown[] }).items).toHaveLength(1);
    res = await api.learner(acme, ada, '/v1/rewards/redemptions', post({ itemId: item.id }, 'r-1'));
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ status: 'fulfilled', couponCode: expect.any(String) });

    res = await api.learner(acme, ada, '/v1/rewards/transactions?type=spend');
    expect(await res.json()).toMatchObject({ items: [{ type: 'spend', amount: -50 }] });

    res = await api.learner(acme, ada, '/v1/rewards/leaderboard?window=all&around=1');
    const board = (await res.json()) as {
      entries: { rank: number; displayName: string; score: number; me: boolean }[];
      me: { rank: number };
    };
    expect(board.entries).toEqual([
      { rank: 1, displayName: 'Ada Lovelace', score: 75, me: true },
      { rank: 2, displayName: 'BOB', score: 50, me: false },
    ]);
    expect(board.me.rank).toBe(1);
    expect(JSON.stringify(board)).not.toContain('"learnerId"');
  });

  it('lets the customer set friends, grant bonuses and reverse a refunded purchase', async () => {
    const { acme } = api;
    await api.backend(acme, '/v1/rewards/rules/purchase.completed', {
      method: 'PUT',
      body: JSON.stringify({ amount: 1, dailyCap: null }),
    });
    let res = await api.backend(
      acme,
      '/v1/rewards/activities',
      post({ learnerId: 'cy', activity: 'purchase.completed', units: 40 }, 'order-9'),
    );
    const earned = (await res.json()) as { transaction: { id: string } };
    res = await api.backend(
      acme,
      '/v1/rewards/grants',
      post({ learnerId: 'cy', amount: 5, reason: 'welcome' }, 'g1'),
    );
    expect(res.status).toBe(201);
    res = await api.backend(acme, `/v1/rewards/transactions/${earned.transaction.id}/reverse`, {
      method: 'POST',
      body: JSON.stringify({ reason: 'refund' }),
    });
    expect(await res.json()).toMatchObject({ shortfall: 0, balance: 5 });

    res = await api.backend(acme, '/v1/rewards/friends/cy', {
      method: 'PUT',
      body: JSON.stringify({ friends: ['ada'] }),
    });
    expect(await res.json()).toEqual({ friends: ['ada'] });
    const cy = await api.token(acme, { sub: 'cy', name: 'Cy' });
    res = await api.learner(acme, cy, '/v1/rewards/leaderboard?scope=friends&window=all');
    const board = (await res.json()) as { entries: { displayName: string }[] };
    expect(board.entries.map((e) => e.displayName)).toEqual(['Ada Lovelace', 'Cy']);
  });

  it('merchandise waits for the operator, who fulfils or rejects it; the learner sees the status', async () => {
    const { acme } = api;
    await api.operator(
      `/v1/admin/rewards/${acme.id}/grants`,
      post({ learnerId: 'dee', amount: 100, reason: 'prize' }, 'op-1'),
    );
    let res = await api.backend(
      acme,
      '/v1/rewards/catalog',
      post({ kind: 'merchandise', title: 'Mug', cost: 30, stock: 5 }),
    );
    const mug = (await res.json()) as { id: string };
    const dee = await api.token(acme, { sub: 'dee' });
    const shipping = {
      name: 'Dee',
      line1: '1 Main St',
      city: 'Springfield',
      postalCode: '12345',
      country: 'US',
    };
    const ids: string[] = [];
    for (const key of ['m1', 'm2']) {
      res = await api.learner(
        acme,
        dee,
        '/v1/rewards/redemptions',
        post({ itemId: mug.id, shipping }, key),
      );
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { id: string }).id);
    }
    res = await api.operator(`/v1/admin/rewards/${acme.id}/redemptions?status=requested`);
    expect(((await res.json()) as { items: { learnerId: string }[] }).items[0]!.learnerId).toBe(
      'dee',
    );
    res = await api.operator(
      `/v1/admin/rewards/${acme.id}/redemptions/${ids[0]}/fulfil`,
      post({ note: 'Shipped' }),
    );
    expect(await res.json()).toMatchObject({ status: 'fulfilled', note: 'Shipped' });
    res = await api.operator(`/v1/admin/rewards/${acme.id}/redemptions/${ids[1]}/reject`, {
      method: 'POST',
    });
    expect(await res.json()).toMatchObject({ status: 'rejected' });
    res = await api.learner(acme, dee, '/v1/rewards/wallet');
    expect(await res.json()).toMatchObject({ balance: 70 });
    res = await api.learner(acme, dee, '/v1/rewards/redemptions');
    const mine = (await res.json()) as { items: { status: string }[] };
    expect(mine.items.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    res = await api.operator('/v1/admin/rewards/check');
    expect(await res.json()).toMatchObject({ ok: true, problems: [] });
  });

  it('opting out hides the learner from others but not from themselves', async () => {
    const { acme } = api;
    const ada = await api.token(acme, { sub: 'ada', name: 'Ada Lovelace', classes: ['bio'] });
    let res = await api.learner(acme, ada, '/v1/rewards/leaderboard/opt-out', {
      method: 'PUT',
      body: JSON.stringify({ optedOut: true }),
    });
    expect(await res.json()).toEqual({ optedOut: true });
    res = await api.learner(acme, ada, '/v1/rewards/leaderboard?window=all');
    expect(await res.json()).toMatchObject({ me: { rank: 2, optedOut: true } });
    const bob = await api.token(acme, { sub: 'bob', name: 'Bob' });
    res = await api.learner(acme, bob, '/v1/rewards/leaderboard?window=all');
    const names = ((await res.json()) as { entries: { displayName: string }[] }).entries.map(
      (e) => e.displayName,
    );
    expect(names).not.toContain('Ada Lovelace');
  });

  it('is described in the OpenAPI document', async () => {
    const res = await api.server.fetch('/v1/openapi.json');
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    for (const path of [
      '/v1/rewards/wallet',
      '/v1/rewards/activities',
      '/v1/rewards/leaderboard',
      '/v1/rewards/redemptions',
      '/v1/admin/rewards/{licenseId}/redemptions/{id}/fulfil',
    ]) {
      expect(doc.paths).toHaveProperty([path]);
    }
  });

  it('keeps weekly boards apart across a week boundary on the services clock', async () => {
    const { globex } = api;
    const clock = api.server.clock;
    const start = clock.now();
    try {
      await api.backend(globex, '/v1/rewards/settings', {
        method: 'PATCH',
        body: JSON.stringify({ timeZone: 'America/New_York' }),
      });
      await api.backend(globex, '/v1/rewards/rules/streak.day', {
        method: 'PUT',
        body: JSON.stringify({ amount: 3, dailyCap: null }),
      });
      // Sunday 23:30 in New York is already Monday in UTC; the license's zone decides the week.
      clock.set(new Date('2030-01-21T04:30:00Z'));
      await api.backend(
        globex,
        '/v1/rewards/activities',
        post({ learnerId: 'sun', activity: 'streak.day', displayName: 'Sunday' }, 'w1'),
      );
      clock.set(new Date('2030-01-21T05:30:00Z'));
      await api.backend(
        globex,
        '/v1/rewards/activities',
        post({ learnerId: 'mon', activity: 'streak.day', displayName: 'Monday' }, 'w2'),
      );
      const token = await api.token(globex, { sub: 'mon', name: 'Monday' });
      let res = await api.learner(globex, token, '/v1/rewards/leaderboard?window=week');
      let board = (await res.json()) as { period: string; entries: { displayName: string }[] };
      expect(board.period).toBe('week:2030-01-21');
      expect(board.entries.map((e) => e.displayName)).toEqual(['Monday']);
      res = await api.learner(globex, token, '/v1/rewards/leaderboard?window=week&offset=1');
      board = (await res.json()) as typeof board;
      expect(board.period).toBe('week:2030-01-14');
      expect(board.entries.map((e) => e.displayName)).toEqual(['Sunday']);
    } finally {
      clock.set(start);
    }
  });
});
