import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { ApiError } from '../../server/errors.js';
import { createLogger } from '../../server/logger.js';
import { requireFeature } from '../../server/middleware/feature.js';
import { requireLearner } from '../../server/middleware/learner.js';
import { FeatureAccess, type Entitlement } from '../../server/modules/billing/features.js';
import { rewardFeatureGrants } from '../../server/modules/rewards/schema.js';
import { SteppableClock } from '../fixtures/clock.js';
import {
  confirm,
  featuresOf,
  learnerOf,
  startPayments,
  subscribe,
  type FeaturesBody,
  type Learner,
  type PaymentsHarness,
} from './helpers.js';

const MINUTE = 60_000;

describe('the feature cache', () => {
  function setup(initial: Entitlement) {
    const clock = new SteppableClock();
    let value: Entitlement | Error = initial;
    let reads = 0;
    const access = new FeatureAccess({
      clock,
      logger: createLogger('silent'),
      read: async () => {
        reads += 1;
        if (value instanceof Error) throw value;
        return value;
      },
    });
    return {
      clock,
      access,
      reads: () => reads,
      set: (next: Entitlement | Error) => {
        value = next;
      },
    };
  }
  const pro: Entitlement = { tier: 'pro', tierFeatures: ['certificates'], rewards: [] };
  const free: Entitlement = { tier: 'free', tierFeatures: ['course_catalog'], rewards: [] };

  it('reads a learner once per five minutes', async () => {
    const t = setup(pro);
    for (let i = 0; i < 5; i++) expect((await t.access.get('lic_a', 'lrn_1')).tier).toBe('pro');
    expect(t.reads()).toBe(1);
    t.set(free);
    t.clock.advance(5 * MINUTE - 1);
    expect((await t.access.get('lic_a', 'lrn_1')).tier).toBe('pro');
    t.clock.advance(1);
    expect((await t.access.get('lic_a', 'lrn_1')).tier).toBe('free');
    expect(t.reads()).toBe(2);
    // Another learner, or the same id in another license, is read on its own.
    await t.access.get('lic_b', 'lrn_1');
    expect(t.reads()).toBe(3);
  });

  it('an invalidation makes the next answer fresh', async () => {
    const t = setup(free);
    await t.access.get('lic_a', 'lrn_1');
    t.set(pro);
    t.access.invalidate('lic_a', 'lrn_1');
    expect(await t.access.get('lic_a', 'lrn_1')).toMatchObject({ tier: 'pro', stale: false });
  });

  it('answers the last known value, flagged stale, when the database fails', async () => {
    const t = setup(pro);
    const fresh = await t.access.get('lic_a', 'lrn_1');
    t.set(new Error('SQLITE_BUSY: database is locked'));
    t.clock.advance(10 * MINUTE);
    const stale = await t.access.get('lic_a', 'lrn_1');
    expect(stale).toEqual({ ...fresh, stale: true });
    // After an invalidation as well: the value is still the last one known.
    t.access.invalidate('lic_a', 'lrn_1');
    expect((await t.access.get('lic_a', 'lrn_1')).stale).toBe(true);
    t.set(free);
    expect(await t.access.get('lic_a', 'lrn_1')).toMatchObject({ tier: 'free', stale: false });
  });

  it('refuses with service_unavailable when it knows nothing and the database fails', async () => {
    const t = setup({ tier: null, tierFeatures: [], rewards: [] });
    t.set(new Error('disk I/O error'));
    let thrown: unknown;
    try {
      await t.access.get('lic_a', 'lrn_1');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ApiError);
    expect((thrown as ApiError).code).toBe('service_unavailable');
  });

  it('lists reward unlocks with their end, drops them once ended, and prefers the plan', async () => {
    const until = new Date(Date.parse('2030-01-15T12:30:00.000Z')).toISOString();
    const t = setup({
      tier: 'free',
      tierFeatures: ['course_catalog'],
      rewards: [
        { feature: 'offline_downloads', until },
        { feature: 'course_catalog', until },
      ],
    });
    expect((await t.access.get('lic_a', 'lrn_1')).grants).toEqual([
      { feature: 'course_catalog', source: 'plan', until: null },
      { feature: 'offline_downloads', source: 'reward', until },
    ]);
    t.clock.advance(31 * MINUTE);
    t.set(new Error('down'));
    expect((await t.access.get('lic_a', 'lrn_1')).features).toEqual(['course_catalog']);
  });
});

describe('GET /v1/me/features and requireFeature', () => {
  let h: PaymentsHarness;
  let app: ReturnType<typeof createApp>;
  let ada: Learner;
  let learnerId: string;

  beforeAll(async () => {
    h = await startPayments();
    app = createApp(h.services);
    app.get('/v1/test/certificates', requireLearner(), requireFeature('certificates'), (c) =>
      c.json({ ok: true }),
    );
    ada = await learnerOf(h, { sub: 'ada' });
    const me = await (await h.fetch('/v1/me', { headers: ada.headers })).json();
    learnerId = me.learner.id;
  });
  afterAll(() => h.close());

  const guarded = () => app.request('/v1/test/certificates', { headers: ada.headers });

  it('the guard refuses a feature outside the tier with feature_required', async () => {
    const res = await guarded();
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(await res.json()).toMatchObject({
      code: 'feature_required',
      feature: 'certificates',
      tier: 'free',
    });
    const anonymous = await app.request('/v1/test/certificates', {
      headers: { 'Liberation-Key': ada.license.publishableKey, Origin: ada.headers.Origin! },
    });
    expect(anonymous.status).toBe(401);
  });

  it('a reward unlock counts at once, from the source it came from', async () => {
    expect((await featuresOf(h, ada)).features).not.toContain('certificates');
    const until = h.clock.now().getTime() + 20 * MINUTE;
    await h.store.write(async (tx) => {
      await tx.insert(rewardFeatureGrants).values({
        licenseId: ada.license.id,
        learnerId,
        feature: 'certificates',
        redemptionId: 'rdm_test',
        expiresAt: new Date(until),
      });
    });
    const features = await featuresOf(h, ada);
    expect(features.grants).toContainEqual({
      feature: 'certificates',
      source: 'reward',
      until: new Date(until).toISOString(),
    });
    expect((await guarded()).status).toBe(200);
    // It ends at its time, cache or not.
    h.clock.advance(20 * MINUTE);
    expect((await guarded()).status).toBe(403);
    await h.store.write(async (tx) => {
      await tx.delete(rewardFeatureGrants);
    });
  });

  it('a tier change from Stripe is visible on the next request', async () => {
    expect((await featuresOf(h, ada)).tier).toBe('free');
    const session = await subscribe(h, ada, { planId: 'enterprise', interval: 'month' });
    await confirm(h, session);
    const features = await featuresOf(h, ada);
    expect(features).toMatchObject({ tier: 'enterprise', stale: false });
    expect(features.grants.every((g) => g.source === 'plan')).toBe(true);
    expect((await guarded()).status).toBe(200);
  });

  it('when the database fails, answers from the last value and says so', async () => {
    const before = await featuresOf(h, ada);
    h.services.billing.features.useReader(() => {
      throw new Error('SQLITE_BUSY: database is locked');
    });
    try {
      h.clock.advance(6 * MINUTE);
      const res = await h.fetch('/v1/me/features', { headers: ada.headers });
      expect(res.status).toBe(200);
      const stale = (await res.json()) as FeaturesBody;
      expect(stale).toEqual({ ...before, stale: true });
      expect((await guarded()).status).toBe(200);
      // Nobody known: 503, not a guess.
      const bob = await learnerOf(h, { sub: 'bob' });
      const res2 = await h.fetch('/v1/me/features', { headers: bob.headers });
      expect(res2.status).toBe(503);
    } finally {
      h.services.billing.features.useReader((licenseId, id) =>
        h.services.billing.entitlement(licenseId, id),
      );
    }
    expect((await featuresOf(h, ada)).stale).toBe(false);
  });
});
