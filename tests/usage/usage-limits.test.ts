import { asc } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { outboxEvents } from '../../server/db/schema.js';
import {
  bearer,
  createLicense,
  expectProblem,
  learnerHeaders,
  signToken,
  startHarness,
  TestClock,
  type Harness,
} from '../fixtures/harness.js';
import { oldestFirst } from '../fixtures/usage-events.js';

const warningOf = (res: Response) => res.headers.get('liberation-usage-warning');

describe('usage limits: 80 % warning, 100 % refusal, soft limits, month rollover', () => {
  let h: Harness;
  afterEach(() => h?.close());

  const embed = (key: string) =>
    h.fetch('/v1/embed/config', {
      headers: { 'Liberation-Key': key, Origin: 'https://portal.acme.test' },
    });

  it('warns from 80 %, queues one event per threshold, refuses past a hard limit with the reset time', async () => {
    h = await startHarness();
    const acme = await createLicense(h.services, { plan: 'pro', limits: { api_requests: 10 } });
    const key = acme.license.publishableKey;
    for (let i = 1; i <= 7; i++) {
      const res = await embed(key);
      expect(res.status).toBe(200);
      expect(warningOf(res)).toBeNull();
    }
    const eighth = await embed(key);
    expect(eighth.status).toBe(200);
    expect(warningOf(eighth)).toBe(
      'api_requests; used=8; limit=10; percent=80; enforcement=hard; reset="2030-02-01T00:00:00.000Z"',
    );
    expect((await embed(key)).status).toBe(200);
    const tenth = await embed(key);
    expect(tenth.status).toBe(200);
    expect(warningOf(tenth)).toContain('used=10; limit=10; percent=100');

    const refused = await embed(key);
    const problem = await expectProblem(refused, 'usage_limit_exceeded');
    expect(problem).toMatchObject({
      metric: 'api_requests',
      limit: 10,
      used: 10,
      resetsAt: '2030-02-01T00:00:00.000Z',
    });
    // From 2030-01-16T12:00Z to 2030-02-01T00:00Z.
    expect(refused.headers.get('retry-after')).toBe(String(15.5 * 86400));
    expect(warningOf(refused)).toContain('percent=100');

    // Refused requests are not counted, and the events are queued once each.
    await embed(key);
    await h.services.usage.flush();
    const events = oldestFirst(
      await h.store.db.select().from(outboxEvents).orderBy(asc(outboxEvents.createdAt)),
    );
    expect(events.map((e) => [e.type, e.payload.threshold, e.payload.used])).toEqual([
      ['usage.warning', 80, 8],
      ['usage.limit_reached', 100, 10],
    ]);
    expect(events[0]).toMatchObject({ licenseId: acme.license.id, deliveredAt: null });
    expect(
      (await h.services.usage.snapshot((await h.services.licenses.getById(acme.license.id))!))
        .metrics[0]!.used,
    ).toBe(10);
  });

  it('lets a soft limit pass with a warning past 100 %', async () => {
    h = await startHarness();
    const acme = await createLicense(h.services, {
      plan: 'pro',
      limits: { api_requests: 5 },
      limitEnforcement: { api_requests: 'soft' },
    });
    for (let i = 0; i < 7; i++) {
      const res = await embed(acme.license.publishableKey);
      expect(res.status).toBe(200);
      if (i >= 3) expect(warningOf(res)).toContain('enforcement=soft');
    }
    expect(warningOf(await embed(acme.license.publishableKey))).toContain(
      'used=8; limit=5; percent=160',
    );
  });

  it('enterprise limits are soft by default', async () => {
    h = await startHarness();
    const acme = await createLicense(h.services, {
      plan: 'enterprise',
      limits: { api_requests: 1 },
    });
    expect((await embed(acme.license.publishableKey)).status).toBe(200);
    expect((await embed(acme.license.publishableKey)).status).toBe(200);
  });

  it('starts a new allowance at the first instant of the next month (UTC)', async () => {
    const clock = new TestClock(new Date('2030-01-31T23:59:58.000Z'));
    h = await startHarness({ clock });
    const acme = await createLicense(h.services, { plan: 'pro', limits: { api_requests: 2 } });
    expect((await embed(acme.license.publishableKey)).status).toBe(200);
    expect((await embed(acme.license.publishableKey)).status).toBe(200);
    const refused = await embed(acme.license.publishableKey);
    expect(refused.headers.get('retry-after')).toBe('2');
    await expectProblem(refused, 'usage_limit_exceeded');

    clock.set('2030-01-31T23:59:59.999Z');
    await expectProblem(await embed(acme.license.publishableKey), 'usage_limit_exceeded');
    clock.set('2030-02-01T00:00:00.000Z');
    const fresh = await embed(acme.license.publishableKey);
    expect(fresh.status).toBe(200);
    expect(warningOf(fresh)).toBeNull();

    await h.services.usage.flush();
    const report = await (
      await h.fetch('/v1/usage?from=2030-01-30&to=2030-02-01', { headers: bearer(acme.secretKey) })
    ).json();
    expect(report.period).toMatchObject({ month: '2030-02', resetsAt: '2030-03-01T00:00:00.000Z' });
    // This request and the one before it, in February.
    expect(report.metrics[0]).toMatchObject({ metric: 'api_requests', used: 2 });
    expect(
      report.daily.map((d: { day: string; metrics: { api_requests: number } }) => [
        d.day,
        d.metrics.api_requests,
      ]),
    ).toEqual([
      ['2030-01-30', 0],
      ['2030-01-31', 2],
      ['2030-02-01', 2],
    ]);
  });

  it('refuses a new learner past a hard active-learner limit; learners already counted keep working', async () => {
    h = await startHarness();
    const acme = await createLicense(h.services, { plan: 'pro', limits: { active_learners: 2 } });
    const me = async (sub: string) =>
      h.fetch('/v1/me', {
        headers: learnerHeaders(
          acme.license.publishableKey,
          await signToken(acme.signingSecret!, acme.license.id, h.clock, { sub }),
        ),
      });
    expect((await me('one')).status).toBe(200);
    const second = await me('two');
    expect(second.status).toBe(200);
    expect(warningOf(second)).toContain('active_learners; used=2; limit=2; percent=100');
    const third = await me('three');
    const problem = await expectProblem(third, 'usage_limit_exceeded');
    expect(problem).toMatchObject({ metric: 'active_learners', limit: 2 });
    expect((await me('one')).status).toBe(200);
  });

  it('lets other modules count and be refused through the same meter', async () => {
    h = await startHarness();
    const acme = await createLicense(h.services, { plan: 'free' });
    const license = (await h.services.licenses.getById(acme.license.id))!;
    await h.services.usage.load(license.id);
    h.services.usage.consume(license, 'courses', 7);
    expect(h.services.usage.consume(license, 'courses', 1)[0]).toMatchObject({
      metric: 'courses',
      used: 8,
      limit: 10,
    });
    expect(() => h.services.usage.consume(license, 'courses', 3)).toThrow(
      /courses allowance of 10/,
    );
    expect(h.services.usage.consume(license, 'courses', 2)[0]).toMatchObject({ used: 10 });
    expect(() => h.services.usage.consume(license, 'courses', 0)).toThrow(RangeError);
  });

  it('gives back a count whose write did not commit, with the threshold event it queued', async () => {
    h = await startHarness();
    const acme = await createLicense(h.services, { plan: 'free' });
    const license = (await h.services.licenses.getById(acme.license.id))!;
    await h.services.usage.load(license.id);
    h.services.usage.consume(license, 'courses', 7);
    expect(h.services.usage.consume(license, 'courses')).toHaveLength(1);
    h.services.usage.release(license, 'courses');
    expect(await h.services.usage.warnings(license)).toEqual([]);
    await h.services.usage.flush();
    const written = async () =>
      oldestFirst(await h.store.db.select().from(outboxEvents)).map((e) => [
        e.type,
        e.payload.used,
      ]);
    expect(await written()).toEqual([]);
    expect((await h.services.usage.snapshot(license)).metrics[2]).toMatchObject({
      metric: 'courses',
      used: 7,
    });
    // Reached again for real, the event is queued once.
    h.services.usage.consume(license, 'courses');
    await h.services.usage.flush();
    expect(await written()).toEqual([['usage.warning', 8]]);
  });
});
