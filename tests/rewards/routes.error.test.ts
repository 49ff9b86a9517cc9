import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRewardsApi, type RewardsApi } from './api.js';

let api: RewardsApi;
beforeAll(async () => {
  api = await startRewardsApi();
  await api.backend(api.acme, '/v1/rewards/rules/quiz.passed', {
    method: 'PUT',
    body: JSON.stringify({ amount: 10, dailyCap: null }),
  });
});
afterAll(() => api.server.close());

async function problem(res: Response) {
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  return (await res.json()) as {
    code: string;
    reason?: string;
    errors?: { path: string }[];
  };
}

const post = (body: unknown, key?: string): RequestInit => ({
  method: 'POST',
  body: JSON.stringify(body),
  ...(key ? { headers: { 'Idempotency-Key': key } } : {}),
});

describe('rewards API: bad input is refused, naming the field, changing nothing', () => {
  it('requires an idempotency key for earning', async () => {
    const res = await api.backend(
      api.acme,
      '/v1/rewards/activities',
      post({ learnerId: 'a', activity: 'quiz.passed' }),
    );
    expect(res.status).toBe(400);
    expect((await problem(res)).errors?.map((e) => e.path)).toEqual(['header.idempotency-key']);
  });

  it('refuses fractional, negative and missing amounts', async () => {
    for (const amount of [1.5, -3, 0, '10']) {
      const res = await api.backend(
        api.acme,
        '/v1/rewards/grants',
        post({ learnerId: 'a', amount, reason: 'x' }, `g-${amount}`),
      );
      expect(res.status).toBe(400);
      expect((await problem(res)).errors?.map((e) => e.path)).toEqual(['body.amount']);
    }
    expect(await api.server.services.rewards.ledger.balance(api.acme.id, 'a')).toBe(0);
  });

  it('names an unknown activity, a bad time zone and a bad leaderboard period', async () => {
    let res = await api.backend(
      api.acme,
      '/v1/rewards/activities',
      post({ learnerId: 'a', activity: 'never.seen' }, 'x1'),
    );
    expect((await problem(res)).errors?.[0]?.path).toBe('body.activity');
    res = await api.backend(api.acme, '/v1/rewards/settings', {
      method: 'PATCH',
      body: JSON.stringify({ timeZone: 'Mars/Olympus' }),
    });
    expect((await problem(res)).errors?.[0]?.path).toBe('body.timeZone');
    const token = await api.token(api.acme, { sub: 'a' });
    res = await api.learner(
      api.acme,
      token,
      '/v1/rewards/leaderboard?window=week&period=month:2030-01',
    );
    expect((await problem(res)).errors?.[0]?.path).toBe('query.period');
    res = await api.learner(api.acme, token, '/v1/rewards/leaderboard?scope=everyone');
    expect((await problem(res)).errors?.[0]?.path).toBe('query.scope');
  });

  it('same idempotency key with different parameters is a conflict', async () => {
    let res = await api.backend(
      api.acme,
      '/v1/rewards/activities',
      post({ learnerId: 'k', activity: 'quiz.passed' }, 'dup'),
    );
    expect(res.status).toBe(200);
    res = await api.backend(
      api.acme,
      '/v1/rewards/activities',
      post({ learnerId: 'k', activity: 'quiz.passed', units: 3 }, 'dup'),
    );
    expect(res.status).toBe(409);
    expect((await problem(res)).reason).toBe('idempotency_key_reused');
    expect(await api.server.services.rewards.ledger.balance(api.acme.id, 'k')).toBe(10);
  });

  it('a redemption the balance does not cover is a clear 409', async () => {
    let res = await api.backend(
      api.acme,
      '/v1/rewards/catalog',
      post({ kind: 'partner', title: 'Trip', cost: 1000 }),
    );
    const item = (await res.json()) as { id: string };
    const token = await api.token(api.acme, { sub: 'poor' });
    res = await api.learner(
      api.acme,
      token,
      '/v1/rewards/redemptions',
      post({ itemId: item.id }, 'r'),
    );
    expect(res.status).toBe(409);
    expect(await problem(res)).toMatchObject({ code: 'conflict', reason: 'insufficient_balance' });
  });

  it('merchandise without shipping, and incomplete reward details, name the field', async () => {
    let res = await api.backend(
      api.acme,
      '/v1/rewards/catalog',
      post({ kind: 'feature_unlock', title: 'X', cost: 1, details: { feature: 'x' } }),
    );
    expect((await problem(res)).errors?.map((e) => e.path)).toEqual(['body.details.days']);
    res = await api.backend(
      api.acme,
      '/v1/rewards/catalog',
      post({ kind: 'merchandise', title: 'Cap', cost: 1 }),
    );
    const cap = (await res.json()) as { id: string };
    const token = await api.token(api.acme, { sub: 'k' });
    res = await api.learner(
      api.acme,
      token,
      '/v1/rewards/redemptions',
      post({ itemId: cap.id }, 'cap'),
    );
    expect((await problem(res)).errors?.map((e) => e.path)).toEqual(['body.shipping']);
    expect(await api.server.services.rewards.ledger.balance(api.acme.id, 'k')).toBe(10);
  });

  it('a closed redemption cannot be fulfilled again', async () => {
    await api.backend(
      api.acme,
      '/v1/rewards/grants',
      post({ learnerId: 'z', amount: 10, reason: 'x' }, 'gz'),
    );
    let res = await api.backend(
      api.acme,
      '/v1/rewards/catalog',
      post({ kind: 'partner', title: 'P', cost: 5 }),
    );
    const item = (await res.json()) as { id: string };
    const token = await api.token(api.acme, { sub: 'z' });
    res = await api.learner(
      api.acme,
      token,
      '/v1/rewards/redemptions',
      post({ itemId: item.id }, 'p'),
    );
    const { id } = (await res.json()) as { id: string };
    res = await api.learner(api.acme, token, `/v1/rewards/redemptions/${id}/cancel`, {
      method: 'POST',
    });
    expect(await res.json()).toMatchObject({ status: 'canceled' });
    res = await api.operator(`/v1/admin/rewards/${api.acme.id}/redemptions/${id}/fulfil`, {
      method: 'POST',
    });
    expect(res.status).toBe(409);
    expect((await problem(res)).reason).toBe('redemption_closed');
  });
});
