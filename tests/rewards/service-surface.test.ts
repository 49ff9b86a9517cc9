import { like } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../server/errors.js';
import {
  CourseCoupon,
  RedemptionEvent,
  ShareReversal,
} from '../../server/modules/rewards/contract.js';
import { outboxEvents } from '../../server/modules/outbox/schema.js';
import { decodeCursor, encodeCursor } from '../../server/modules/rewards/cursor.js';
import { Redemptions } from '../../server/modules/rewards/redemptions.js';
import { ledgerFixture, type LedgerFixture } from './helpers.js';

let f: LedgerFixture;
afterEach(async () => {
  await f?.cleanup();
});

describe('the keyset cursor', () => {
  it('round-trips numeric keys and an id that contains the separator', () => {
    const cursor = encodeCursor([42, 1_700_000_000_000], 'learner|with|bars');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, 2)).toEqual({
      keys: [42, 1_700_000_000_000],
      id: 'learner|with|bars',
    });
  });

  it('refuses cursors it did not hand out as a 400 on query.cursor', () => {
    for (const bad of ['@@', encodeCursor([1], ''), encodeCursor([], 'x'), 'bm90YQ']) {
      let error: unknown;
      try {
        decodeCursor(bad, 2);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).code).toBe('validation_failed');
    }
  });
});

describe('what other modules read through the rewards services', () => {
  it('ruleIn reads one earning rule inside a transaction, null without one', async () => {
    f = await ledgerFixture();
    await f.ledger.setRule('lic_a', { activity: 'purchase.completed', amount: 2, dailyCap: null });
    const db = f.store.db;
    expect(await f.ledger.ruleIn(db, 'lic_a', 'purchase.completed')).toEqual({
      activity: 'purchase.completed',
      amount: 2,
      dailyCap: null,
    });
    expect(await f.ledger.ruleIn(db, 'lic_b', 'purchase.completed')).toBeNull();
    expect(
      await f.store.write((tx) => f.ledger.ruleIn(tx, 'lic_a', 'purchase.completed')),
    ).toMatchObject({ amount: 2 });
  });

  it('newestFeatureGrant changes exactly when a feature is unlocked', async () => {
    f = await ledgerFixture();
    const r = new Redemptions(f.store, f.clock, f.ledger);
    expect(await r.newestFeatureGrant('lic_a', 'u1')).toBe(0);
    await f.ledger.bonus('lic_a', { learnerId: 'u1', amount: 100, reason: 'x' });
    const item = await r.createItem('lic_a', {
      kind: 'feature_unlock',
      title: 'Dark mode',
      cost: 10,
      details: { feature: 'dark_mode', days: 7 },
    });
    await r.redeem('lic_a', 'u1', { itemId: item.id, idempotencyKey: 'r1' });
    const first = await r.newestFeatureGrant('lic_a', 'u1');
    expect(first).toBeGreaterThan(0);
    expect(await r.newestFeatureGrant('lic_a', 'u1')).toBe(first);
    expect(await r.newestFeatureGrant('lic_b', 'u1')).toBe(0);
    await r.redeem('lic_a', 'u1', { itemId: item.id, idempotencyKey: 'r2' });
    expect(await r.newestFeatureGrant('lic_a', 'u1')).toBeGreaterThan(first);
  });

  it('coupons, share reversals and redemption events have the contract shapes', async () => {
    f = await ledgerFixture();
    const r = new Redemptions(f.store, f.clock, f.ledger);
    await f.ledger.setRule('lic_a', { activity: 'purchase.completed', amount: 10, dailyCap: null });
    const earned = await f.ledger.earn('lic_a', {
      learnerId: 'u1',
      activity: 'purchase.completed',
      idempotencyKey: 'p1',
    });
    const item = await r.createItem('lic_a', {
      kind: 'course_coupon',
      title: '20% off',
      cost: 5,
      details: { percentOff: 20 },
    });
    const done = await r.redeem('lic_a', 'u1', { itemId: item.id, idempotencyKey: 'c1' });
    expect(CourseCoupon.strict().parse(await r.coupon('lic_a', done.couponCode!))).toMatchObject({
      code: done.couponCode,
      learnerId: 'u1',
      redemptionId: done.id,
      percentOff: 20,
      amountOff: null,
    });
    const share = await f.store.write((tx) =>
      f.ledger.reverseShareIn(tx, 'lic_a', earned.transaction!.id, {
        part: 1,
        whole: 2,
        key: 'refund:re_1',
        reason: 'refund',
      }),
    );
    expect(ShareReversal.strict().parse(share)).toMatchObject({ tokens: 5, reversed: 5 });
    const events = await f.store.db
      .select({ type: outboxEvents.type, payload: outboxEvents.payload })
      .from(outboxEvents)
      .where(like(outboxEvents.type, 'redemption.%'));
    expect(events.map((e) => e.type)).toEqual(['redemption.fulfilled']);
    expect(RedemptionEvent.strict().parse(events[0]!.payload)).toMatchObject({
      redemptionId: done.id,
      status: 'fulfilled',
      partner: null,
    });
  });
});
