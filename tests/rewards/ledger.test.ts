import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { exec } from '../../server/db/store.js';
import { ApiError } from '../../server/errors.js';
import { DAY, ledgerFixture, type LedgerFixture } from './helpers.js';

let f: LedgerFixture;
afterEach(async () => {
  await f?.cleanup();
});

async function problem(fn: () => Promise<unknown>): Promise<ApiError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('ledger: earning', () => {
  it('credits by the rule, double-entry, and returns the first result for a repeated key', async () => {
    f = await ledgerFixture();
    await f.ledger.setRule('lic_a', { activity: 'lesson.completed', amount: 10, dailyCap: null });
    const first = await f.ledger.earn('lic_a', {
      learnerId: 'u1',
      activity: 'lesson.completed',
      idempotencyKey: 'k1',
    });
    expect(first.awarded).toBe(10);
    expect(first.balance).toBe(10);
    const again = await f.ledger.earn('lic_a', {
      learnerId: 'u1',
      activity: 'lesson.completed',
      idempotencyKey: 'k1',
    });
    expect(again).toEqual(first);
    expect(await f.ledger.balance('lic_a', 'u1')).toBe(10);
    expect(await f.ledger.check()).toMatchObject({ ok: true, transactions: 1, postings: 2 });
  });

  it('refuses the same key with different parameters, changing nothing', async () => {
    f = await ledgerFixture();
    await f.ledger.setRule('lic_a', { activity: 'quiz.passed', amount: 5, dailyCap: null });
    await f.ledger.earn('lic_a', { learnerId: 'u1', activity: 'quiz.passed', idempotencyKey: 'k' });
    const error = await problem(() =>
      f.ledger.earn('lic_a', { learnerId: 'u2', activity: 'quiz.passed', idempotencyKey: 'k' }),
    );
    expect(error.code).toBe('conflict');
    expect(error.extensions.reason).toBe('idempotency_key_reused');
    expect(await f.ledger.balance('lic_a', 'u2')).toBe(0);
  });

  it('names the activity when no rule exists', async () => {
    f = await ledgerFixture();
    const error = await problem(() =>
      f.ledger.earn('lic_a', { learnerId: 'u1', activity: 'nope', idempotencyKey: 'k' }),
    );
    expect(error.code).toBe('validation_failed');
    expect(error.errors?.[0]?.path).toBe('body.activity');
  });

  it('applies daily caps per local day in the license time zone', async () => {
    // 23:30 UTC on the 15th is already the 16th in Tokyo.
    f = await ledgerFixture(new Date('2030-01-15T14:30:00Z'));
    await f.ledger.updateSettings('lic_a', { timeZone: 'Asia/Tokyo' });
    await f.ledger.setRule('lic_a', { activity: 'streak.day', amount: 4, dailyCap: 10 });
    const earn = (key: string) =>
      f.ledger.earn('lic_a', { learnerId: 'u1', activity: 'streak.day', idempotencyKey: key });
    expect((await earn('a')).awarded).toBe(4);
    expect((await earn('b')).awarded).toBe(4);
    const third = await earn('c');
    expect(third).toMatchObject({ awarded: 2, capped: true });
    expect(await earn('d')).toMatchObject({ awarded: 0, capped: true, transaction: null });
    f.clock.set(new Date('2030-01-15T15:00:00Z')); // midnight in Tokyo
    expect((await earn('e')).awarded).toBe(4);
    expect(await f.ledger.balance('lic_a', 'u1')).toBe(14);
  });

  it('multiplies per-unit rules (tokens per currency unit spent)', async () => {
    f = await ledgerFixture();
    await f.ledger.setRule('lic_a', { activity: 'purchase.completed', amount: 2, dailyCap: null });
    const r = await f.ledger.earn('lic_a', {
      learnerId: 'u1',
      activity: 'purchase.completed',
      units: 49,
      idempotencyKey: 'order-1',
    });
    expect(r.awarded).toBe(98);
  });
});

describe('ledger: spending, reversal and expiry', () => {
  it('never spends more than the balance', async () => {
    f = await ledgerFixture();
    await f.ledger.bonus('lic_a', { learnerId: 'u1', amount: 30, reason: 'welcome' });
    const error = await problem(() =>
      f.ledger.spend('lic_a', { learnerId: 'u1', amount: 31, reason: 'x', idempotencyKey: 's1' }),
    );
    expect(error.code).toBe('conflict');
    expect(error.extensions).toMatchObject({ reason: 'insufficient_balance', balance: 30 });
    const ok = await f.ledger.spend('lic_a', {
      learnerId: 'u1',
      amount: 30,
      reason: 'x',
      idempotencyKey: 's1',
    });
    expect(ok.balance).toBe(0);
    // The failed attempt did not burn the key; the success is what a repeat now returns.
    expect(
      await f.ledger.spend('lic_a', {
        learnerId: 'u1',
        amount: 30,
        reason: 'x',
        idempotencyKey: 's1',
      }),
    ).toEqual(ok);
  });

  it('records a shortfall instead of going negative when earned tokens were already spent', async () => {
    f = await ledgerFixture();
    await f.ledger.setRule('lic_a', { activity: 'purchase.completed', amount: 1, dailyCap: null });
    const earned = await f.ledger.earn('lic_a', {
      learnerId: 'u1',
      activity: 'purchase.completed',
      units: 100,
      idempotencyKey: 'o1',
    });
    await f.ledger.spend('lic_a', {
      learnerId: 'u1',
      amount: 70,
      reason: 'hoodie',
      idempotencyKey: 's',
    });
    const reversal = await f.ledger.reverse('lic_a', earned.transaction!.id, 'refund');
    expect(reversal).toMatchObject({ shortfall: 70, balance: 0 });
    expect(reversal.transaction.amount).toBe(-30);
    expect(
      (await problem(() => f.ledger.reverse('lic_a', earned.transaction!.id, 'again'))).code,
    ).toBe('conflict');
    expect((await f.ledger.check()).ok).toBe(true);
  });

  it('expires the oldest tokens first', async () => {
    f = await ledgerFixture();
    await f.ledger.updateSettings('lic_a', { expiryDays: 30 });
    await f.ledger.bonus('lic_a', { learnerId: 'u1', amount: 50, reason: 'old' });
    f.clock.advance(20 * DAY);
    await f.ledger.bonus('lic_a', { learnerId: 'u1', amount: 40, reason: 'new' });
    // Spending 30 takes from the older lot, leaving 20 of it to expire.
    await f.ledger.spend('lic_a', {
      learnerId: 'u1',
      amount: 30,
      reason: 'x',
      idempotencyKey: 's',
    });
    expect(await f.ledger.expiring('lic_a', 'u1', 15)).toMatchObject({ amount: 20 });
    f.clock.advance(11 * DAY);
    expect(await f.ledger.balance('lic_a', 'u1')).toBe(40);
    const history = await f.ledger.history('lic_a', 'u1', { type: 'expire', limit: 10 });
    expect(history.items.map((t) => t.amount)).toEqual([-20]);
    f.clock.advance(30 * DAY);
    expect(await f.ledger.expireDue('lic_a')).toBe(40);
    expect(await f.ledger.balance('lic_a', 'u1')).toBe(0);
    expect((await f.ledger.check()).ok).toBe(true);
  });

  it('pages history newest first with a type filter and a cursor', async () => {
    f = await ledgerFixture();
    for (let i = 1; i <= 7; i++) {
      await f.ledger.bonus('lic_a', { learnerId: 'u1', amount: i, reason: `b${i}` });
      f.clock.advance(1000);
    }
    await f.ledger.spend('lic_a', { learnerId: 'u1', amount: 3, reason: 'x', idempotencyKey: 's' });
    const first = await f.ledger.history('lic_a', 'u1', { type: 'bonus', limit: 3 });
    expect(first.items.map((t) => t.amount)).toEqual([7, 6, 5]);
    const second = await f.ledger.history('lic_a', 'u1', {
      type: 'bonus',
      limit: 3,
      cursor: first.nextCursor!,
    });
    expect(second.items.map((t) => t.amount)).toEqual([4, 3, 2]);
    const third = await f.ledger.history('lic_a', 'u1', {
      type: 'bonus',
      limit: 3,
      cursor: second.nextCursor!,
    });
    expect(third).toMatchObject({ nextCursor: null });
    expect(third.items.map((t) => t.amount)).toEqual([1]);
    expect(
      (await problem(() => f.ledger.history('lic_a', 'u1', { limit: 3, cursor: '@@' }))).code,
    ).toBe('validation_failed');
  });

  it('keeps tenants apart: the same learner id and key in another license is another account', async () => {
    f = await ledgerFixture();
    await f.ledger.bonus('lic_a', {
      learnerId: 'u1',
      amount: 10,
      reason: 'a',
      idempotencyKey: 'same',
    });
    await f.ledger.bonus('lic_b', {
      learnerId: 'u1',
      amount: 99,
      reason: 'b',
      idempotencyKey: 'same',
    });
    expect(await f.ledger.balance('lic_a', 'u1')).toBe(10);
    expect(await f.ledger.balance('lic_b', 'u1')).toBe(99);
    const tx = (await f.ledger.history('lic_a', 'u1', { limit: 5 })).items[0]!;
    expect((await problem(() => f.ledger.reverse('lic_b', tx.id, 'steal'))).code).toBe('not_found');
  });

  it('check finds tampering: a stored balance that no longer matches its postings', async () => {
    f = await ledgerFixture();
    await f.ledger.bonus('lic_a', { learnerId: 'u1', amount: 10, reason: 'a' });
    await f.store.write((tx) =>
      exec(tx, sql`update reward_accounts set balance = 1000 where account = 'learner:u1'`),
    );
    const result = await f.ledger.check('lic_a');
    expect(result.ok).toBe(false);
    expect(result.problems.join('\n')).toContain('learner:u1: stored 1000, replay 10');
  });
});

type Op =
  | { kind: 'earn'; learner: number; units: number }
  | { kind: 'bonus'; learner: number; amount: number }
  | { kind: 'spend'; learner: number; amount: number }
  | { kind: 'reverse'; pick: number }
  | { kind: 'wait'; days: number };

const learner = fc.integer({ min: 0, max: 3 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('earn' as const), learner, units: fc.integer({ min: 1, max: 5 }) }),
  fc.record({
    kind: fc.constant('bonus' as const),
    learner,
    amount: fc.integer({ min: 1, max: 100 }),
  }),
  fc.record({
    kind: fc.constant('spend' as const),
    learner,
    amount: fc.integer({ min: 1, max: 120 }),
  }),
  fc.record({ kind: fc.constant('reverse' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('wait' as const), days: fc.integer({ min: 1, max: 20 }) }),
);

describe('ledger: property', () => {
  it('random earn/spend/reverse/expire sequences keep the books balanced and no one negative', async () => {
    f = await ledgerFixture();
    await f.ledger.updateSettings('lic_a', { expiryDays: 30 });
    await f.ledger.setRule('lic_a', { activity: 'lesson.completed', amount: 7, dailyCap: 50 });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), async (ops) => {
        run += 1;
        const ids: string[] = [];
        const tenant = 'lic_a';
        const who = (n: number) => `r${run}-u${n}`;
        let key = 0;
        for (const o of ops) {
          try {
            if (o.kind === 'earn') {
              const r = await f.ledger.earn(tenant, {
                learnerId: who(o.learner),
                activity: 'lesson.completed',
                units: o.units,
                idempotencyKey: `${run}-${key++}`,
              });
              if (r.transaction) ids.push(r.transaction.id);
            } else if (o.kind === 'bonus') {
              ids.push(
                (
                  await f.ledger.bonus(tenant, {
                    learnerId: who(o.learner),
                    amount: o.amount,
                    reason: 'p',
                  })
                ).transaction.id,
              );
            } else if (o.kind === 'spend') {
              ids.push(
                (
                  await f.ledger.spend(tenant, {
                    learnerId: who(o.learner),
                    amount: o.amount,
                    reason: 'p',
                    idempotencyKey: `${run}-${key++}`,
                  })
                ).transaction.id,
              );
            } else if (o.kind === 'reverse') {
              if (ids.length > 0) await f.ledger.reverse(tenant, ids[o.pick % ids.length]!, 'p');
            } else {
              f.clock.advance(o.days * DAY);
              await f.ledger.expireDue(tenant);
            }
          } catch (error) {
            // Refusals (insufficient balance, already reversed) are expected; nothing else is.
            if (!(error instanceof ApiError) || error.code !== 'conflict') throw error;
          }
          for (let n = 0; n <= 3; n++)
            expect(await f.ledger.balance(tenant, who(n))).toBeGreaterThanOrEqual(0);
        }
        const check = await f.ledger.check();
        expect(check.problems).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});
