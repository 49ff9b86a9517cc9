import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, jsonInit, operator } from '../fixtures/harness.js';
import {
  confirm,
  featuresOf,
  getJson,
  learnerOf,
  startPayments,
  subscribe,
  subscriptionOf,
  type Learner,
  type PaymentsHarness,
} from './helpers.js';

interface PlanList {
  plans: {
    id: string;
    name: string;
    current: boolean;
    prices: { amount: number; currency: string }[];
  }[];
  currentPlanId: string | null;
}

let h: PaymentsHarness;
let acme: Learner;
let globex: Learner;

const valid = {
  plans: [
    {
      id: 'free',
      name: 'Audit',
      description: 'Look around.',
      prices: [{ interval: 'month', amount: 0, currency: 'EUR' }],
      features: ['course_catalog'],
    },
    {
      id: 'plus',
      name: 'Plus',
      prices: [
        { interval: 'month', amount: 1200, currency: 'EUR' },
        { interval: 'month', amount: 1500, currency: 'USD' },
        { interval: 'year', amount: 12000, currency: 'EUR' },
        { interval: 'month', amount: 1800, currency: 'JPY' },
      ],
      features: ['course_catalog', 'certificates', 'offline_downloads'],
      recommended: true,
      trialDays: 7,
    },
  ],
};

const plansPath = (l: Learner) => `/v1/admin/billing/${l.license.id}/plans`;
const put = (l: Learner, body: unknown, headers: Record<string, string> = operator) =>
  h.fetch(plansPath(l), jsonInit('PUT', body, headers));
const publicPlans = (l: Learner, withToken = true) => {
  const headers = { ...l.headers };
  if (!withToken) delete headers.Authorization;
  return getJson<PlanList>(h, '/v1/plans', headers);
};

beforeAll(async () => {
  h = await startPayments();
  acme = await learnerOf(h, { sub: 'ada' });
  globex = await learnerOf(h, {
    name: 'Globex',
    origins: ['https://learn.globex.test'],
    sub: 'ada',
  });
});
afterAll(() => h.close());

describe('tier overrides', () => {
  it('needs the operator token and an existing license', async () => {
    await expectProblem(await put(acme, valid, {}), 'unauthenticated');
    await expectProblem(
      await put(acme, valid, { Authorization: 'Bearer nope' }),
      'unauthenticated',
    );
    await expectProblem(
      await h.fetch('/v1/admin/billing/lic_missing/plans', jsonInit('PUT', valid, operator)),
      'not_found',
    );
  });

  it.each([
    ['an unknown feature key', { features: ['teleportation'] }, 'body.plans.1.features.0'],
    [
      'a fractional amount',
      { prices: [{ interval: 'month', amount: 9.99, currency: 'EUR' }] },
      'body.plans.1.prices.0.amount',
    ],
    [
      'a negative amount',
      { prices: [{ interval: 'month', amount: -1, currency: 'EUR' }] },
      'body.plans.1.prices.0.amount',
    ],
    [
      'a lowercase currency',
      { prices: [{ interval: 'month', amount: 100, currency: 'eur' }] },
      'body.plans.1.prices.0.currency',
    ],
    [
      'an unknown currency',
      { prices: [{ interval: 'month', amount: 100, currency: 'XYZ' }] },
      'body.plans.1.prices.0.currency',
    ],
    [
      'a weekly interval',
      { prices: [{ interval: 'week', amount: 100, currency: 'EUR' }] },
      'body.plans.1.prices.0.interval',
    ],
    [
      'two prices for one interval and currency',
      {
        prices: [
          { interval: 'month', amount: 1, currency: 'EUR' },
          { interval: 'month', amount: 2, currency: 'EUR' },
        ],
      },
      'body.plans.1.prices',
    ],
    [
      'a duplicate feature',
      { features: ['certificates', 'certificates'] },
      'body.plans.1.features',
    ],
    ['an id with capitals', { id: 'Plus' }, 'body.plans.1.id'],
    ['negative trial days', { trialDays: -3 }, 'body.plans.1.trialDays'],
    ['an unknown field', { color: 'red' }, 'body.plans.1'],
    [
      'a price below Stripe’s minimum charge in USD',
      { prices: [{ interval: 'month', amount: 49, currency: 'USD' }] },
      'body.plans.1.prices.0.amount',
    ],
    [
      'a price below Stripe’s minimum charge in GBP',
      {
        prices: [
          { interval: 'month', amount: 30, currency: 'EUR' },
          { interval: 'month', amount: 29, currency: 'GBP' },
        ],
      },
      'body.plans.1.prices.1.amount',
    ],
    [
      'a price below Stripe’s minimum charge in JPY',
      { prices: [{ interval: 'year', amount: 49, currency: 'JPY' }] },
      'body.plans.1.prices.0.amount',
    ],
  ])('refuses %s and changes nothing', async (_what, patch, path) => {
    const body = { plans: [valid.plans[0], { ...valid.plans[1], ...patch }] };
    const problem = await expectProblem(await put(acme, body), 'validation_failed');
    expect(problem.errors?.map((e) => e.path)).toContain(path);
    expect((await publicPlans(acme)).plans.map((p) => p.id)).toEqual(['free', 'pro', 'enterprise']);
  });

  it('refuses duplicate ids and two recommended tiers', async () => {
    const twice = { plans: [valid.plans[1], valid.plans[1]] };
    const problem = await expectProblem(await put(acme, twice), 'validation_failed');
    expect(problem.errors?.map((e) => e.path)).toEqual(
      expect.arrayContaining(['body.plans.1.id', 'body.plans']),
    );
    await expectProblem(await put(acme, { plans: [] }), 'validation_failed');
  });

  it('serves the license its own tiers, other licenses keep the defaults, and clearing restores them', async () => {
    const res = await put(acme, valid);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      overridden: true,
      plans: [{ id: 'free' }, { id: 'plus', trialDays: 7 }],
    });
    const list = await publicPlans(acme, false);
    expect(list.plans.map((p) => [p.id, p.name, p.current])).toEqual([
      ['free', 'Audit', false],
      ['plus', 'Plus', false],
    ]);
    expect(list.currentPlanId).toBeNull();
    expect((await publicPlans(globex)).plans.map((p) => p.id)).toEqual([
      'free',
      'pro',
      'enterprise',
    ]);

    const cleared = await h.fetch(plansPath(acme), { method: 'DELETE', headers: operator });
    expect(await cleared.json()).toMatchObject({ overridden: false });
    expect((await publicPlans(acme)).plans.map((p) => p.id)).toEqual(['free', 'pro', 'enterprise']);
  });
});

describe('Stripe prices', () => {
  const sync = async (l: Learner) => {
    const res = await h.fetch(`${plansPath(l)}/sync`, { method: 'POST', headers: operator });
    expect(res.status).toBe(200);
    return (
      (await res.json()) as {
        prices: {
          planId: string;
          interval: string;
          currency: string;
          amount: number;
          priceId: string;
          productId: string;
        }[];
      }
    ).prices;
  };

  it('syncs idempotently: twice, or at once, gives the same prices', async () => {
    await put(acme, valid);
    const [first, ...concurrent] = await Promise.all([sync(acme), sync(acme), sync(acme)]);
    const again = await sync(acme);
    expect(first.map((p) => [p.planId, p.interval, p.currency, p.amount])).toEqual([
      ['plus', 'month', 'EUR', 1200],
      ['plus', 'month', 'USD', 1500],
      ['plus', 'year', 'EUR', 12000],
      ['plus', 'month', 'JPY', 1800],
    ]);
    for (const other of [...concurrent, again]) expect(other).toEqual(first);
    const product = await h.stripe.products.retrieve(first[0]!.productId);
    expect(product.name).toBe('Plus');
    const prices = await h.stripe.prices.list({ product: product.id, limit: 100 });
    expect(prices.data).toHaveLength(4);
    const eur = await h.stripe.prices.retrieve(first[0]!.priceId);
    expect(eur).toMatchObject({
      unit_amount: 1200,
      currency: 'eur',
      recurring: { interval: 'month' },
    });
  });

  it('a changed amount makes a new price and leaves the old one as it was', async () => {
    const before = await sync(acme);
    const raised = structuredClone(valid);
    raised.plans[1]!.prices[0]!.amount = 1400;
    await put(acme, raised);
    const after = await sync(acme);
    expect(after[0]).toMatchObject({ amount: 1400 });
    expect(after[0]!.priceId).not.toBe(before[0]!.priceId);
    expect(after.slice(1)).toEqual(before.slice(1));
    const old = await h.stripe.prices.retrieve(before[0]!.priceId);
    expect(old.unit_amount).toBe(1200);
    const lookup = await h.stripe.prices.list({
      lookup_keys: [`lx_${acme.license.id}_plus_month_eur`],
    });
    expect(lookup.data.map((p) => p.id)).toEqual([after[0]!.priceId]);
    await put(acme, valid);
  });
});

describe('the learner’s tier', () => {
  it('follows a change of the license’s tiers on the next request', async () => {
    await h.fetch(plansPath(acme), { method: 'DELETE', headers: operator });
    expect((await featuresOf(h, acme)).features).toContain('leaderboards');
    await put(acme, valid);
    expect(await featuresOf(h, acme)).toMatchObject({ tier: 'free', features: ['course_catalog'] });
  });

  it('is marked in GET /v1/plans and checkout uses the license currency or the one asked for', async () => {
    await put(acme, valid);
    expect((await publicPlans(acme)).currentPlanId).toBe('free');
    const bad = await h.fetch('/v1/plans', {
      headers: { ...acme.headers, Authorization: 'Bearer not-a-token' },
    });
    expect(bad.status).toBe(200);
    expect(((await bad.json()) as PlanList).currentPlanId).toBeNull();

    const usd = await subscribe(h, acme, { planId: 'plus', interval: 'month' });
    expect(usd).toMatchObject({ currency: 'USD', intentType: 'setup', amount: 0 });
    await confirm(h, usd);
    const list = await publicPlans(acme);
    expect(list.currentPlanId).toBe('plus');
    expect(list.plans.find((p) => p.current)?.id).toBe('plus');
    expect(await subscriptionOf(h, acme)).toMatchObject({
      planId: 'plus',
      currency: 'USD',
      amount: 1500,
      status: 'trialing',
    });
  });

  it('stays inside its license', async () => {
    // Globex's learner has the same subject as Acme's, and nothing of theirs.
    expect(await subscriptionOf(h, globex)).toBeNull();
    expect((await featuresOf(h, globex)).tier).toBe('free');
    expect((await publicPlans(globex)).currentPlanId).toBe('free');
    const billing = await getJson<{ invoices: unknown[] }>(h, '/v1/me/billing', globex.headers);
    expect(billing.invoices).toEqual([]);
    const acmeMe = await getJson<{ learner: { id: string } }>(h, '/v1/me', acme.headers);
    const crossed = await getJson<{ subscriptions: unknown[] }>(
      h,
      `/v1/admin/billing/${globex.license.id}/learners/${acmeMe.learner.id}/subscriptions`,
      operator,
    );
    expect(crossed.subscriptions).toEqual([]);
    // Globex's learner cannot act on Acme's subscription either.
    const res = await h.fetch('/v1/me/subscription/cancel', {
      method: 'POST',
      headers: globex.headers,
    });
    expect(res.status).toBe(404);
    expect((await subscriptionOf(h, acme))?.cancelAtPeriodEnd).toBe(false);
  });

  it('takes an explicit currency, and refuses one the tier is not sold in', async () => {
    const eur = await learnerOf(h, { sub: 'eve' });
    await put(eur, valid);
    const session = await subscribe(h, eur, { planId: 'plus', interval: 'year', currency: 'EUR' });
    expect(session).toMatchObject({ currency: 'EUR', interval: 'year' });
    const res = await h.fetch(
      '/v1/checkout/sessions',
      jsonInit(
        'POST',
        { kind: 'plan', planId: 'plus', interval: 'year', currency: 'GBP' },
        eur.headers,
      ),
    );
    await expectProblem(res, 'validation_failed');
  });
});
