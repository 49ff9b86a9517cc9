import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonInit, OPERATOR_TOKEN } from '../fixtures/harness.js';
import {
  buyCourse,
  insertionOrder,
  learnerOf,
  paymentRows,
  postSigned,
  sellTestCourses,
  startPayments,
  type PaymentsHarness,
} from './helpers.js';
import { rewardTransactions } from '../../server/modules/rewards/schema.js';

describe('purchase rewards', () => {
  let h: PaymentsHarness;

  beforeAll(async () => {
    h = await startPayments();
    sellTestCourses(h);
  });
  afterAll(() => h.close());

  const refund = (licenseId: string, paymentId: string, body: object, key: string) =>
    h.fetch(
      `/v1/admin/payments/${licenseId}/${paymentId}/refunds`,
      jsonInit('POST', body, { Authorization: `Bearer ${OPERATOR_TOKEN}`, 'Idempotency-Key': key }),
    );

  it("awards tokens per currency unit on success, once, and takes back each refund's share without going below zero", async () => {
    const buyer = await learnerOf(h, { name: 'Token Academy', sub: 'spender' });
    const licenseId = buyer.license.id;
    const { ledger } = h.services.rewards;
    await ledger.setRule(licenseId, { activity: 'purchase.completed', amount: 2, dailyCap: null });

    const intentId = await buyCourse(h, buyer.headers, 'algebra');
    await h.emulator.webhooks.settled();
    // $49.00 at 2 tokens per dollar.
    expect(await ledger.balance(licenseId, 'spender')).toBe(98);
    const payment = (await paymentRows(h)).find((r) => r.payment_intent_id === intentId)!;

    // Stripe delivering the success again changes nothing.
    const event = h.emulator
      .events()
      .find((e) => e.objectId === intentId && e.type === 'payment_intent.succeeded')!;
    const again = await postSigned(h, JSON.stringify(await h.stripe.events.retrieve(event.id)));
    expect(await again.json()).toEqual({ received: true, duplicate: true });
    expect(await ledger.balance(licenseId, 'spender')).toBe(98);

    await ledger.spend(licenseId, {
      learnerId: 'spender',
      amount: 70,
      reason: 'reward:mug',
      idempotencyKey: 'mug',
    });
    // A partial refund takes back its share: $9.00 of $49.00 is floor(98 × 900 / 4900) = 18.
    expect((await refund(licenseId, payment.id, { amount: 900 }, 'part')).status).toBe(200);
    expect(await ledger.balance(licenseId, 'spender')).toBe(10);
    // The same request again, and Stripe's event about that refund, take nothing more.
    expect((await refund(licenseId, payment.id, { amount: 900 }, 'part')).status).toBe(200);
    await h.emulator.webhooks.settled();
    expect(await ledger.balance(licenseId, 'spender')).toBe(10);
    // The rest takes back the other 80, of which 70 were spent: a shortfall, never below zero.
    expect((await refund(licenseId, payment.id, {}, 'rest')).status).toBe(200);
    await h.emulator.webhooks.settled();
    expect(await ledger.balance(licenseId, 'spender')).toBe(0);
    const reversal = await h.store.db
      .select({
        amount: rewardTransactions.amount,
        shortfall: rewardTransactions.shortfall,
        reversesId: rewardTransactions.reversesId,
      })
      .from(rewardTransactions)
      .where(
        and(eq(rewardTransactions.licenseId, licenseId), eq(rewardTransactions.type, 'reversal')),
      )
      .orderBy(asc(rewardTransactions.createdAt), insertionOrder(h));
    expect(reversal.map((r) => [r.amount, r.shortfall])).toEqual([
      [-18, 0],
      [-10, 70],
    ]);
    // The share that completes the award is its reversal: it cannot be reversed again.
    expect(reversal[1]!.reversesId).not.toBeNull();
    expect((await ledger.check(licenseId)).ok).toBe(true);
  });

  it('several partial refunds take back shares that add up to the whole award', async () => {
    const buyer = await learnerOf(h, { name: 'Share Academy', sub: 'sharer' });
    const licenseId = buyer.license.id;
    const { ledger } = h.services.rewards;
    await ledger.setRule(licenseId, { activity: 'purchase.completed', amount: 2, dailyCap: null });
    const intentId = await buyCourse(h, buyer.headers, 'algebra');
    await h.emulator.webhooks.settled();
    const payment = (await paymentRows(h)).find((r) => r.payment_intent_id === intentId)!;
    expect(await ledger.balance(licenseId, 'sharer')).toBe(98);

    const balances: number[] = [];
    for (const [i, amount] of [1000, 1000, 1000, 1900].entries()) {
      expect((await refund(licenseId, payment.id, { amount }, `share-${i}`)).status).toBe(200);
      await h.emulator.webhooks.settled();
      balances.push(await ledger.balance(licenseId, 'sharer'));
    }
    // floor(98 × 1000 / 4900) = 20, then 40, 60, and 98 once everything is refunded.
    expect(balances).toEqual([78, 58, 38, 0]);
    expect((await ledger.check(licenseId)).ok).toBe(true);
  });

  it('awards nothing where the license has no purchase rule', async () => {
    const buyer = await learnerOf(h, { name: 'No Token College', sub: 'plain' });
    await buyCourse(h, buyer.headers, 'poetry');
    await h.emulator.webhooks.settled();
    expect(await h.services.rewards.ledger.balance(buyer.license.id, 'plain')).toBe(0);
    const paid = (await paymentRows(h)).filter((r) => r.license_id === buyer.license.id);
    expect(paid.map((p) => p.status)).toEqual(['succeeded']);
  });
});
