import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { exec } from '../../server/db/store.js';
import { usageEvents } from '../fixtures/usage-events.js';
import {
  createLicense,
  expectProblem,
  jsonInit,
  learnerHeaders,
  signToken,
  startHarness,
  type Harness,
} from '../fixtures/harness.js';
import { onPostgres } from '../fixtures/store.js';

/**
 * A redemption uses one unit of the license's monthly `redemptions` allowance: a hard limit
 * refuses it and nothing moves (no tokens spent, no stock taken, the idempotency key still
 * free), a soft one warns from 80 %.
 */
describe('the redemptions allowance', () => {
  let h: Harness;
  afterEach(() => h?.close());

  /** Makes every insert into reward_redemptions fail (a broken disk), or undoes that. */
  async function failRedemptionInserts(fail: boolean) {
    const statements = onPostgres
      ? fail
        ? [
            sql`create function fail_redemption() returns trigger language plpgsql
              as $$ begin raise exception 'disk on fire'; end $$`,
            sql`create trigger fail_redemption before insert on reward_redemptions
              for each row execute function fail_redemption()`,
          ]
        : [
            sql`drop trigger fail_redemption on reward_redemptions`,
            sql`drop function fail_redemption()`,
          ]
      : fail
        ? [
            sql`create trigger fail_redemption before insert on reward_redemptions
              begin select raise(abort, 'disk on fire'); end`,
          ]
        : [sql`drop trigger fail_redemption`];
    await h.store.write(async (tx) => {
      for (const statement of statements) await exec(tx, statement);
    });
  }

  async function tenant(license: Parameters<typeof createLicense>[1]) {
    const created = await createLicense(h.services, license);
    const server = { Authorization: `Bearer ${created.secretKey}` };
    const grant = await h.fetch(
      '/v1/rewards/grants',
      jsonInit(
        'POST',
        { learnerId: 'ada', amount: 1000, reason: 'welcome' },
        { ...server, 'Idempotency-Key': 'welcome-ada' },
      ),
    );
    expect(grant.status).toBe(201);
    const item = (await (
      await h.fetch(
        '/v1/rewards/catalog',
        jsonInit(
          'POST',
          {
            kind: 'course_coupon',
            title: '10% off',
            cost: 10,
            stock: 100,
            details: { percentOff: 10 },
          },
          server,
        ),
      )
    ).json()) as { id: string };
    const redeem = async (key: string) => {
      const ada = learnerHeaders(
        created.license.publishableKey,
        await signToken(created.signingSecret!, created.license.id, h.clock, { sub: 'ada' }),
      );
      return h.fetch(
        '/v1/rewards/redemptions',
        jsonInit('POST', { itemId: item.id }, { ...ada, 'Idempotency-Key': key }),
      );
    };
    const used = async () =>
      (
        await h.services.usage.snapshot((await h.services.licenses.getById(created.license.id))!)
      ).metrics.find((m) => m.metric === 'redemptions')!.used;
    const state = async () => ({
      balance: await h.services.rewards.ledger.balance(created.license.id, 'ada'),
      redemptions: (await h.services.rewards.redemptions.redemptions(created.license.id)).length,
      stock: (await h.services.rewards.redemptions.items(created.license.id))[0]!.stock,
    });
    return { created, redeem, used, state };
  }

  it('counts each redemption once, a repeated request not again', async () => {
    h = await startHarness();
    const t = await tenant({ plan: 'pro' });
    expect((await t.redeem('r-1')).status).toBe(201);
    expect((await t.redeem('r-1')).status).toBe(201);
    expect((await t.redeem('r-2')).status).toBe(201);
    expect(await t.used()).toBe(2);
  });

  it('refuses past a hard limit with 429 usage_limit_exceeded, spending nothing', async () => {
    h = await startHarness();
    const t = await tenant({
      plan: 'pro',
      limits: { redemptions: 2 },
      limitEnforcement: { redemptions: 'hard' },
    });
    expect((await t.redeem('r-1')).status).toBe(201);
    const second = await t.redeem('r-2');
    expect(second.status).toBe(201);
    expect(second.headers.get('liberation-usage-warning')).toContain(
      'redemptions; used=2; limit=2; percent=100; enforcement=hard',
    );
    const before = await t.state();
    expect(before).toEqual({ balance: 980, redemptions: 2, stock: 98 });

    const refused = await t.redeem('r-3');
    const problem = await expectProblem(refused, 'usage_limit_exceeded');
    expect(problem).toMatchObject({
      metric: 'redemptions',
      limit: 2,
      used: 2,
      resetsAt: '2030-02-01T00:00:00.000Z',
    });
    expect(refused.headers.get('retry-after')).toBe(String(15.5 * 86400));
    expect(await t.state()).toEqual(before);
    expect(await t.used()).toBe(2);

    // The refused request did not use up its key: next month it goes through.
    h.clock.set('2030-02-01T00:00:00.000Z');
    expect((await t.redeem('r-3')).status).toBe(201);
    expect(await t.state()).toEqual({ balance: 970, redemptions: 3, stock: 97 });
  });

  it('warns from 80 % of a soft limit with the header and one usage.warning event', async () => {
    h = await startHarness();
    const t = await tenant({ plan: 'pro', limits: { redemptions: 5 } });
    for (let i = 1; i <= 3; i++) {
      const res = await t.redeem(`r-${i}`);
      expect(res.status).toBe(201);
      expect(res.headers.get('liberation-usage-warning')).toBeNull();
    }
    const fourth = await t.redeem('r-4');
    expect(fourth.headers.get('liberation-usage-warning')).toBe(
      'redemptions; used=4; limit=5; percent=80; enforcement=soft; reset="2030-02-01T00:00:00.000Z"',
    );
    for (let i = 5; i <= 6; i++) expect((await t.redeem(`r-${i}`)).status).toBe(201);
    expect(await t.used()).toBe(6);
    await h.services.usage.flush();
    expect(await usageEvents(h.services.store.db, t.created.license.id)).toEqual([
      ['usage.warning', 4],
      ['usage.limit_reached', 5],
    ]);
  });

  it('gives the unit back when the write that redeems fails', async () => {
    h = await startHarness();
    const t = await tenant({ plan: 'pro', limits: { redemptions: 1 } });
    await failRedemptionInserts(true);
    expect((await t.redeem('r-1')).status).toBe(500);
    expect(await t.used()).toBe(0);
    expect(await t.state()).toMatchObject({ balance: 1000, redemptions: 0 });
    await failRedemptionInserts(false);
    expect((await t.redeem('r-1')).status).toBe(201);
    expect(await t.used()).toBe(1);
  });
});
