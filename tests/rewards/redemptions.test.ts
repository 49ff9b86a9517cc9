import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../server/errors.js';
import { Redemptions } from '../../server/modules/rewards/redemptions.js';
import { DAY, ledgerFixture, type LedgerFixture } from './helpers.js';

let f: LedgerFixture;
let r: Redemptions;
afterEach(async () => {
  await f?.cleanup();
});

async function setup() {
  f = await ledgerFixture();
  r = new Redemptions(f.store, f.clock, f.ledger);
}

async function reason(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof ApiError) return String(error.extensions.reason ?? error.code);
    throw error;
  }
  throw new Error('expected a refusal');
}

const shipping = {
  name: 'Ada Lovelace',
  line1: '1 Analytical St',
  city: 'London',
  postalCode: 'N1 9GU',
  country: 'GB',
};

describe('redemptions', () => {
  it('unlocks a feature for a period, at once', async () => {
    await setup();
    await f.ledger.bonus('lic_a', { learnerId: 'u1', amount: 100, reason: 'x' });
    const item = await r.createItem('lic_a', {
      kind: 'feature_unlock',
      title: 'Dark mode',
      cost: 40,
      details: { feature: 'dark_mode', days: 7 },
    });
    const done = await r.redeem('lic_a', 'u1', { itemId: item.id, idempotencyKey: 'r1' });
    expect(done.status).toBe('fulfilled');
    expect(await r.activeFeatures('lic_a', 'u1')).toEqual([
      { feature: 'dark_mode', until: new Date(f.clock.now().getTime() + 7 * DAY).toISOString() },
    ]);
    expect(await f.ledger.balance('lic_a', 'u1')).toBe(60);
    f.clock.advance(8 * DAY);
    expect(await r.activeFeatures('lic_a', 'u1')).toEqual([]);
  });

  it('issues a course coupon code the checkout can look up', async () => {
    await setup();
    await f.ledger.bonus('lic_a', { learnerId: 'u1', amount: 100, reason: 'x' });
    const item = await r.createItem('lic_a', {
      kind: 'course_coupon',
      title: '20% off',
      cost: 50,
      details: { percentOff: 20 },
    });
    const done = await r.redeem('lic_a', 'u1', { itemId: item.id, idempotencyKey: 'r1' });
    expect(done.couponCode).toMatch(/^LX-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(await r.coupon('lic_a', done.couponCode!)).toMatchObject({
      percentOff: 20,
      learnerId: 'u1',
    });
    expect(await r.coupon('lic_b', done.couponCode!)).toBeNull();
  });

  it('merchandise needs shipping, waits for the operator, and a rejection returns tokens and stock', async () => {
    await setup();
    await f.ledger.bonus('lic_a', { learnerId: 'u1', amount: 100, reason: 'x' });
    const item = await r.createItem('lic_a', {
      kind: 'merchandise',
      title: 'Hoodie',
      cost: 80,
      stock: 1,
    });
    expect(
      await reason(() => r.redeem('lic_a', 'u1', { itemId: item.id, idempotencyKey: 'a' })),
    ).toBe('validation_failed');
    const asked = await r.redeem('lic_a', 'u1', { itemId: item.id, shipping, idempotencyKey: 'b' });
    expect(asked.status).toBe('requested');
    expect((await r.items('lic_a'))[0]!.stock).toBe(0);
    expect(
      await reason(() =>
        r.redeem('lic_a', 'u1', { itemId: item.id, shipping, idempotencyKey: 'c' }),
      ),
    ).toBe('out_of_stock');
    const rejected = await r.reject('lic_a', asked.id, 'Out of that size');
    expect(rejected).toMatchObject({ status: 'rejected', note: 'Out of that size' });
    expect(await f.ledger.balance('lic_a', 'u1')).toBe(100);
    expect((await r.items('lic_a'))[0]!.stock).toBe(1);
    expect(await reason(() => r.fulfil('lic_a', asked.id))).toBe('redemption_closed');
    expect((await f.ledger.check()).ok).toBe(true);
  });

  it('partner rewards are fulfilled by the operator; learners can cancel only their own requests', async () => {
    await setup();
    await f.ledger.bonus('lic_a', { learnerId: 'u1', amount: 100, reason: 'x' });
    const item = await r.createItem('lic_a', {
      kind: 'partner',
      title: 'Museum ticket',
      cost: 10,
      details: { partner: 'City Museum' },
    });
    const one = await r.redeem('lic_a', 'u1', { itemId: item.id, idempotencyKey: '1' });
    const two = await r.redeem('lic_a', 'u1', { itemId: item.id, idempotencyKey: '2' });
    expect((await r.fulfil('lic_a', one.id, 'Ticket sent')).status).toBe('fulfilled');
    expect(await reason(() => r.cancel('lic_a', 'u2', two.id))).toBe('not_found');
    expect(await reason(() => r.cancel('lic_b', 'u1', two.id))).toBe('not_found');
    expect((await r.cancel('lic_a', 'u1', two.id)).status).toBe('canceled');
    expect(await f.ledger.balance('lic_a', 'u1')).toBe(90);
  });

  it('enforces per-learner limits, not counting rejected ones', async () => {
    await setup();
    await f.ledger.bonus('lic_a', { learnerId: 'u1', amount: 100, reason: 'x' });
    const item = await r.createItem('lic_a', {
      kind: 'partner',
      title: 'Sticker',
      cost: 1,
      perLearnerLimit: 1,
    });
    const first = await r.redeem('lic_a', 'u1', { itemId: item.id, idempotencyKey: '1' });
    expect(
      await reason(() => r.redeem('lic_a', 'u1', { itemId: item.id, idempotencyKey: '2' })),
    ).toBe('limit_reached');
    await r.reject('lic_a', first.id);
    expect((await r.redeem('lic_a', 'u1', { itemId: item.id, idempotencyKey: '3' })).status).toBe(
      'requested',
    );
  });

  it('a repeated idempotency key returns the first redemption and spends once', async () => {
    await setup();
    await f.ledger.bonus('lic_a', { learnerId: 'u1', amount: 100, reason: 'x' });
    const item = await r.createItem('lic_a', { kind: 'partner', title: 'T', cost: 30 });
    const a = await r.redeem('lic_a', 'u1', { itemId: item.id, idempotencyKey: 'same' });
    const b = await r.redeem('lic_a', 'u1', { itemId: item.id, idempotencyKey: 'same' });
    expect(b).toEqual(a);
    expect(await f.ledger.balance('lic_a', 'u1')).toBe(70);
  });

  it('another tenant cannot redeem, see or act on this tenant’s rewards', async () => {
    await setup();
    await f.ledger.bonus('lic_b', { learnerId: 'u1', amount: 100, reason: 'x' });
    const item = await r.createItem('lic_a', { kind: 'partner', title: 'T', cost: 1 });
    expect(
      await reason(() => r.redeem('lic_b', 'u1', { itemId: item.id, idempotencyKey: 'x' })),
    ).toBe('not_found');
    expect(await r.items('lic_b')).toEqual([]);
  });
});
