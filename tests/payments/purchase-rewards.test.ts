import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonInit, OPERATOR_TOKEN } from '../licensing/helpers.js';
import {
  buyCourse,
  learnerOf,
  paymentRows,
  postSigned,
  sellTestCourses,
  startPayments,
  type PaymentsHarness,
} from './helpers.js';

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

  it('awards tokens per currency unit on success, once, and takes them back on a full refund without going below zero', async () => {
    const buyer = await learnerOf(h, { name: 'Token Academy', sub: 'spender' });
    const licenseId = buyer.license.id;
    const { ledger } = h.services.rewards;
    ledger.setRule(licenseId, { activity: 'purchase.completed', amount: 2, dailyCap: null });

    const intentId = await buyCourse(h, buyer.headers, 'algebra');
    await h.emulator.webhooks.settled();
    // $49.00 at 2 tokens per dollar.
    expect(ledger.balance(licenseId, 'spender')).toBe(98);
    const payment = paymentRows(h).find((r) => r.payment_intent_id === intentId)!;

    // Stripe delivering the success again changes nothing.
    const event = h.emulator
      .events()
      .find((e) => e.objectId === intentId && e.type === 'payment_intent.succeeded')!;
    const again = await postSigned(h, JSON.stringify(await h.stripe.events.retrieve(event.id)));
    expect(await again.json()).toEqual({ received: true, duplicate: true });
    expect(ledger.balance(licenseId, 'spender')).toBe(98);

    ledger.spend(licenseId, {
      learnerId: 'spender',
      amount: 90,
      reason: 'reward:mug',
      idempotencyKey: 'mug',
    });
    // A partial refund leaves the award; the full one takes back what is left.
    expect((await refund(licenseId, payment.id, { amount: 900 }, 'part')).status).toBe(200);
    expect(ledger.balance(licenseId, 'spender')).toBe(8);
    expect((await refund(licenseId, payment.id, {}, 'rest')).status).toBe(200);
    await h.emulator.webhooks.settled();
    expect(ledger.balance(licenseId, 'spender')).toBe(0);
    const reversal = h.database.sqlite
      .prepare(
        "select amount, shortfall from reward_transactions where license_id = ? and type = 'reversal'",
      )
      .all(licenseId);
    expect(reversal).toEqual([{ amount: -8, shortfall: 90 }]);
    expect(ledger.check(licenseId).ok).toBe(true);
  });

  it('awards nothing where the license has no purchase rule', async () => {
    const buyer = await learnerOf(h, { name: 'No Token College', sub: 'plain' });
    await buyCourse(h, buyer.headers, 'poetry');
    await h.emulator.webhooks.settled();
    expect(h.services.rewards.ledger.balance(buyer.license.id, 'plain')).toBe(0);
    const paid = paymentRows(h).filter((r) => r.license_id === buyer.license.id);
    expect(paid.map((p) => p.status)).toEqual(['succeeded']);
  });
});
