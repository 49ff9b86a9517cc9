import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenants, type Tenants } from '../fixtures/licenses.js';
import { startTestServer, widgetHeaders, type TestServer } from '../fixtures/server.js';

interface PlanList {
  plans: {
    id: string;
    name: string;
    description: string;
    prices: { interval: string; amount: number; currency: string }[];
    features: string[];
    recommended: boolean;
    trialDays: number;
    current: boolean;
  }[];
  features: { key: string; name: string }[];
  currentPlanId: string | null;
}

let server: TestServer;
let tenants: Tenants;
let list: PlanList;
let res: Response;

beforeAll(async () => {
  server = await startTestServer({
    seed: async (db, clock) => {
      tenants = await seedTenants(db, clock);
    },
  });
  res = await server.fetch('/v1/plans', {
    headers: widgetHeaders(tenants.acme.key, 'https://portal.acme.test'),
  });
  list = (await res.json()) as PlanList;
});
afterAll(() => server.close());

const plan = (id: string) => list.plans.find((p) => p.id === id)!;

describe('GET /v1/plans', () => {
  it('answers 200 JSON that clients revalidate', () => {
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('offers Free, Pro and Enterprise in that order, Pro recommended', () => {
    expect(list.plans.map((p) => [p.id, p.name, p.recommended])).toEqual([
      ['free', 'Free', false],
      ['pro', 'Pro', true],
      ['enterprise', 'Enterprise', false],
    ]);
  });

  it('prices in integer minor units: $0, $9.99/mo, $99/mo', () => {
    const monthly = (id: string) => plan(id).prices.find((p) => p.interval === 'month');
    expect(monthly('free')).toEqual({ interval: 'month', amount: 0, currency: 'USD' });
    expect(monthly('pro')).toEqual({ interval: 'month', amount: 999, currency: 'USD' });
    expect(monthly('enterprise')).toEqual({ interval: 'month', amount: 9900, currency: 'USD' });
    for (const p of list.plans) {
      expect(p.prices.map((price) => price.interval).sort()).toEqual(['month', 'year']);
      for (const price of p.prices) {
        expect(Number.isSafeInteger(price.amount)).toBe(true);
        expect(price.amount).toBeGreaterThanOrEqual(0);
        expect(price.currency).toMatch(/^[A-Z]{3}$/);
      }
    }
  });

  it('makes a year cheaper than twelve months on paid tiers', () => {
    for (const id of ['pro', 'enterprise']) {
      const amount = (interval: string) =>
        plan(id).prices.find((p) => p.interval === interval)!.amount;
      expect(amount('year')).toBeLessThan(12 * amount('month'));
    }
  });

  it('compares at least 20 features, each named once', () => {
    expect(list.features.length).toBeGreaterThanOrEqual(20);
    const keys = list.features.map((f) => f.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const feature of list.features) {
      expect(feature.key).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(feature.name.length).toBeGreaterThan(0);
    }
  });

  it('builds each tier on the one below, using only catalog features', () => {
    const catalog = new Set(list.features.map((f) => f.key));
    for (const p of list.plans) for (const f of p.features) expect(catalog).toContain(f);
    const [free, pro, enterprise] = ['free', 'pro', 'enterprise'].map((id) => plan(id).features);
    expect(pro).toEqual(expect.arrayContaining(free!));
    expect(enterprise).toEqual(expect.arrayContaining(pro!));
    expect(free!.length).toBeLessThan(pro!.length);
    expect(pro!.length).toBeLessThan(enterprise!.length);
    expect(enterprise!.length).toBe(catalog.size);
  });

  it('marks no tier as current without a learner token', () => {
    expect(list.currentPlanId).toBeNull();
    expect(list.plans.every((p) => p.current === false)).toBe(true);
  });

  it('offers a Pro trial', () => {
    expect(plan('pro').trialDays).toBe(14);
    expect(plan('free').trialDays).toBe(0);
  });
});
