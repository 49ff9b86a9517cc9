import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRewardsApi, type RewardsApi } from './api.js';

let api: RewardsApi;
let acmeTx: string;
let acmeItem: string;
let acmeRedemption: string;
beforeAll(async () => {
  api = await startRewardsApi();
  const { acme } = api;
  let res = await api.backend(acme, '/v1/rewards/grants', {
    method: 'POST',
    headers: { 'Idempotency-Key': 'seed' },
    body: JSON.stringify({ learnerId: 'ada', amount: 100, reason: 'seed' }),
  });
  acmeTx = ((await res.json()) as { transaction: { id: string } }).transaction.id;
  res = await api.backend(acme, '/v1/rewards/catalog', {
    method: 'POST',
    body: JSON.stringify({ kind: 'partner', title: 'Acme prize', cost: 10 }),
  });
  acmeItem = ((await res.json()) as { id: string }).id;
  const ada = await api.token(acme, { sub: 'ada', classes: ['bio'] });
  res = await api.learner(acme, ada, '/v1/rewards/redemptions', {
    method: 'POST',
    headers: { 'Idempotency-Key': 'r' },
    body: JSON.stringify({ itemId: acmeItem }),
  });
  acmeRedemption = ((await res.json()) as { id: string }).id;
});
afterAll(() => api.server.close());

describe('rewards API: nothing crosses tenants', () => {
  it("another tenant's learner with the same id sees their own (empty) wallet, not this one", async () => {
    const ada = await api.token(api.globex, { sub: 'ada' });
    const res = await api.learner(api.globex, ada, '/v1/rewards/wallet');
    expect(await res.json()).toMatchObject({ balance: 0 });
    const history = await api.learner(api.globex, ada, '/v1/rewards/transactions');
    expect(await history.json()).toEqual({ items: [], nextCursor: null });
  });

  it("a token signed for one license is refused with another's publishable key", async () => {
    const acmeToken = await api.token(api.acme, { sub: 'ada' });
    const res = await api.learner(api.globex, acmeToken, '/v1/rewards/wallet');
    expect(res.status).toBe(401);
  });

  it("another tenant's secret key cannot reverse, redeem or act on this tenant's records", async () => {
    let res = await api.backend(api.globex, `/v1/rewards/transactions/${acmeTx}/reverse`, {
      method: 'POST',
      body: JSON.stringify({ reason: 'steal' }),
    });
    expect(res.status).toBe(404);
    const ada = await api.token(api.globex, { sub: 'ada' });
    res = await api.learner(api.globex, ada, '/v1/rewards/redemptions', {
      method: 'POST',
      headers: { 'Idempotency-Key': 'x' },
      body: JSON.stringify({ itemId: acmeItem }),
    });
    expect(res.status).toBe(404);
    res = await api.learner(api.globex, ada, `/v1/rewards/redemptions/${acmeRedemption}/cancel`, {
      method: 'POST',
    });
    expect(res.status).toBe(404);
    res = await api.backend(api.globex, '/v1/rewards/catalog/all');
    expect(await res.json()).toEqual({ items: [] });
    expect(await api.server.services.rewards.ledger.balance(api.acme.id, 'ada')).toBe(90);
  });

  it('learners cannot use server or admin endpoints; secret keys are refused from browsers', async () => {
    const ada = await api.token(api.acme, { sub: 'ada' });
    let res = await api.learner(api.acme, ada, '/v1/rewards/grants', {
      method: 'POST',
      headers: { 'Idempotency-Key': 'self' },
      body: JSON.stringify({ learnerId: 'ada', amount: 1000, reason: 'self' }),
    });
    expect(res.status).toBe(403);
    res = await api.learner(api.acme, ada, '/v1/rewards/activities', {
      method: 'POST',
      headers: { 'Idempotency-Key': 'self' },
      body: JSON.stringify({ learnerId: 'ada', activity: 'quiz.passed' }),
    });
    expect([401, 403]).toContain(res.status);
    res = await api.backend(api.acme, '/v1/rewards/activities', {
      method: 'POST',
      headers: { 'Idempotency-Key': 'browser', Origin: api.acme.origin },
      body: JSON.stringify({ learnerId: 'ada', activity: 'quiz.passed' }),
    });
    expect(res.status).toBe(403);
    expect(await api.server.services.rewards.ledger.balance(api.acme.id, 'ada')).toBe(90);
  });

  it('the operator API needs the operator token', async () => {
    let res = await api.server.fetch(`/v1/admin/rewards/${api.acme.id}/redemptions`);
    expect(res.status).toBe(401);
    res = await api.backend(api.acme, `/v1/admin/rewards/${api.acme.id}/redemptions`);
    expect(res.status).toBe(401);
  });

  it('class boards show only members of a class the token names', async () => {
    const eve = await api.token(api.acme, { sub: 'eve', classes: ['chem'] });
    let res = await api.learner(
      api.acme,
      eve,
      '/v1/rewards/leaderboard?scope=class&classId=bio&window=all',
    );
    expect(res.status).toBe(403);
    res = await api.learner(api.acme, eve, '/v1/rewards/leaderboard?scope=class&window=all');
    const board = (await res.json()) as { entries: unknown[]; classId: string };
    expect(board).toMatchObject({ classId: 'chem', entries: [] });
  });
});
