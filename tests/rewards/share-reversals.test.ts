import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { rows } from '../../server/db/store.js';
import { ApiError } from '../../server/errors.js';
import { ledgerFixture, type LedgerFixture } from './helpers.js';

let f: LedgerFixture;
afterEach(async () => {
  await f?.cleanup();
});

const TENANT = 'lic_a';

function share(
  transactionId: string,
  input: { part: number; whole: number; key: string; reason?: string },
) {
  return f.store.write((tx) =>
    f.ledger.reverseShareIn(tx, TENANT, transactionId, { reason: 'refund', ...input }),
  );
}

/** Tokens taken back from a learner so far: what left the balance plus what was short. */
async function reversedOf(learnerId: string): Promise<number> {
  const [row] = await rows<{ total: number }>(
    f.store.db,
    sql`select coalesce(sum(-amount + shortfall), 0) as total from reward_transactions where license_id = ${TENANT} and learner_id = ${learnerId} and type = 'reversal'`,
  );
  return row!.total;
}

async function problem(fn: () => Promise<unknown>): Promise<ApiError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('ledger: reversing an award in shares', () => {
  it('takes back floor(award × part / whole), once per key, and the last share is the reversal', async () => {
    f = await ledgerFixture();
    const award = await f.ledger.bonus(TENANT, { learnerId: 'u1', amount: 98, reason: 'purchase' });
    const id = award.transaction.id;
    const first = (await share(id, { part: 900, whole: 4900, key: 're_1' }))!;
    expect(first).toMatchObject({ tokens: 18, shortfall: 0, reversed: 18, balance: 80 });
    expect(first.transaction?.reversesId).toBeNull();
    // A repeat of the same share returns the first result and takes nothing more.
    expect(await share(id, { part: 900, whole: 4900, key: 're_1' })).toEqual(first);
    expect(await f.ledger.balance(TENANT, 'u1')).toBe(80);
    // The same key with other amounts is refused.
    const reused = await problem(() => share(id, { part: 1000, whole: 4900, key: 're_1' }));
    expect(reused.extensions.reason).toBe('idempotency_key_reused');

    const last = (await share(id, { part: 4900, whole: 4900, key: 're_2' }))!;
    expect(last).toMatchObject({ tokens: 80, reversed: 98, balance: 0 });
    expect(last.transaction?.reversesId).toBe(id);
    // Wholly taken back: neither a whole reversal nor another share takes more.
    const again = await problem(() => f.ledger.reverse(TENANT, id, 'again'));
    expect(again.extensions.reason).toBe('already_reversed');
    expect(await share(id, { part: 4900, whole: 4900, key: 're_3' })).toBeNull();
    expect(await reversedOf('u1')).toBe(98);
    expect((await f.ledger.check()).problems).toEqual([]);
  });

  it('a whole reversal after some shares takes only what is left; shares after it take nothing', async () => {
    f = await ledgerFixture();
    const id = (await f.ledger.bonus(TENANT, { learnerId: 'u2', amount: 50, reason: 'purchase' }))
      .transaction.id;
    await share(id, { part: 1, whole: 5, key: 'a' });
    expect(await f.ledger.balance(TENANT, 'u2')).toBe(40);
    const whole = await f.ledger.reverse(TENANT, id, 'chargeback');
    expect(whole.transaction.amount).toBe(-40);
    expect(await share(id, { part: 3, whole: 5, key: 'b' })).toBeNull();
    expect(await reversedOf('u2')).toBe(50);
    expect((await f.ledger.check()).problems).toEqual([]);
  });

  it('records a shortfall instead of a negative balance', async () => {
    f = await ledgerFixture();
    const id = (await f.ledger.bonus(TENANT, { learnerId: 'u3', amount: 100, reason: 'purchase' }))
      .transaction.id;
    await f.ledger.spend(TENANT, {
      learnerId: 'u3',
      amount: 95,
      reason: 'mug',
      idempotencyKey: 's',
    });
    expect(await share(id, { part: 1, whole: 2, key: 'half' })).toMatchObject({
      tokens: 50,
      shortfall: 45,
      balance: 0,
    });
    expect(await f.ledger.balance(TENANT, 'u3')).toBe(0);
    expect((await f.ledger.check()).problems).toEqual([]);
  });

  it('refuses to take back a spend in shares', async () => {
    f = await ledgerFixture();
    await f.ledger.bonus(TENANT, { learnerId: 'u4', amount: 10, reason: 'grant' });
    const spend = await f.ledger.spend(TENANT, {
      learnerId: 'u4',
      amount: 5,
      reason: 'mug',
      idempotencyKey: 's',
    });
    const error = await problem(() => share(spend.transaction.id, { part: 1, whole: 2, key: 'x' }));
    expect(error.extensions.reason).toBe('not_reversible');
  });
});

interface Step {
  /** Refund this many minor units (capped at what is left), or spend tokens. */
  kind: 'refund' | 'repeat' | 'spend';
  amount: number;
}

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('refund' as const), amount: fc.integer({ min: 1, max: 60_000 }) }),
  fc.record({ kind: fc.constant('repeat' as const), amount: fc.nat() }),
  fc.record({ kind: fc.constant('spend' as const), amount: fc.integer({ min: 1, max: 400 }) }),
);

describe('ledger: reversing in shares, property', () => {
  it('random partial refunds take back exactly floor(award × refunded / paid), never more, never below zero', async () => {
    f = await ledgerFixture();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.array(step, { minLength: 1, maxLength: 25 }),
        fc.boolean(),
        async (award, paid, steps, finish) => {
          run += 1;
          const learnerId = `p${run}`;
          const id = (
            await f.ledger.bonus(TENANT, { learnerId, amount: award, reason: 'purchase' })
          ).transaction.id;
          let refunded = 0;
          const done: { key: string; part: number }[] = [];
          const expectExact = async () => {
            const reversed = await reversedOf(learnerId);
            expect(reversed).toBe(Math.floor((award * refunded) / paid));
            expect(reversed).toBeLessThanOrEqual(award);
            expect(await f.ledger.balance(TENANT, learnerId)).toBeGreaterThanOrEqual(0);
          };
          for (const [i, s] of steps.entries()) {
            if (s.kind === 'spend') {
              const balance = await f.ledger.balance(TENANT, learnerId);
              if (balance > 0) {
                await f.ledger.spend(TENANT, {
                  learnerId,
                  amount: Math.min(balance, s.amount),
                  reason: 'mug',
                  idempotencyKey: `${learnerId}-spend-${i}`,
                });
              }
            } else if (s.kind === 'repeat') {
              if (done.length > 0) {
                const again = done[s.amount % done.length]!;
                await share(id, { part: again.part, whole: paid, key: again.key });
              }
            } else if (refunded < paid) {
              refunded = Math.min(paid, refunded + s.amount);
              const key = `re_${done.length}`;
              await share(id, { part: refunded, whole: paid, key });
              done.push({ key, part: refunded });
            }
            await expectExact();
          }
          if (finish && refunded < paid) {
            refunded = paid;
            await share(id, { part: paid, whole: paid, key: 're_last' });
          }
          await expectExact();
          if (refunded === paid) expect(await reversedOf(learnerId)).toBe(award);
          expect((await f.ledger.check(TENANT)).problems).toEqual([]);
        },
      ),
      { numRuns: 80 },
    );
    expect((await f.ledger.check()).problems).toEqual([]);
  });
});
