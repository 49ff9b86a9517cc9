import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxEvents } from '../../server/modules/outbox/schema.js';
import { PartnerEvent, webhookEventTypes } from '../../server/modules/webhooks/contract.js';
import { createLicense, learnerHeaders, signToken } from '../fixtures/harness.js';
import { ACME_ORIGIN, startPayments, type PaymentsHarness } from '../payments/helpers.js';

/**
 * The contract declares the data of every partner event once; the modules that queue them
 * must send exactly that. Each producer runs for real here, and every event it queued is read
 * back from the outbox and checked against the contract.
 */
describe('partner event payloads', () => {
  let h: PaymentsHarness;

  beforeAll(async () => {
    h = await startPayments();
  });
  afterAll(() => h.close());

  async function queued(licenseId: string) {
    const rows = await h.store.db
      .select({
        type: outboxEvents.type,
        payload: outboxEvents.payload,
        createdAt: outboxEvents.createdAt,
      })
      .from(outboxEvents)
      .where(eq(outboxEvents.licenseId, licenseId))
      .orderBy(asc(outboxEvents.createdAt), asc(outboxEvents.id));
    return rows.map((row) => ({
      type: row.type,
      timestamp: row.createdAt.toISOString(),
      data: row.payload,
    }));
  }

  it('match the webhooks contract, for every type the server sends', async () => {
    const created = await createLicense(h.services, {
      name: 'Payloads',
      origins: [ACME_ORIGIN],
      limits: { redemptions: 10 },
    });
    const licenseId = created.license.id;
    const token = await signToken(created.signingSecret!, licenseId, h.clock, { sub: 'lms-ada' });
    const learner = learnerHeaders(created.license.publishableKey, token, ACME_ORIGIN);

    // purchase.completed and enrollment.created, from a course bought through checkout.
    const instructor = await h.services.marketplace.createInstructor(licenseId, {
      name: 'Grace Hopper',
      bio: '',
      subject: null,
      enterprise: false,
      shareBps: null,
    });
    const course = await h.services.marketplace.authoring.createCourse(
      { licenseId, instructorId: instructor.id },
      {
        title: 'Statistics',
        subtitle: 'Means and spreads',
        description: 'Learn to count.',
        descriptionFormat: 'text',
        category: 'math',
        level: 'beginner',
        language: 'en',
        tags: [],
        price: { amount: 4_900, currency: 'USD' },
        status: 'published',
      },
    );
    const session = await h.fetch('/v1/checkout/sessions', {
      method: 'POST',
      headers: { ...learner, 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'course', courseId: course.id }),
    });
    expect(session.status).toBe(200);
    const { paymentIntentId } = (await session.json()) as { paymentIntentId: string };
    await h.stripe.paymentIntents.confirm(paymentIntentId, { payment_method: 'pm_card_visa' });
    await h.emulator.webhooks.settled();

    // refund.created
    await h.stripe.refunds.create({ payment_intent: paymentIntentId, amount: 900 });
    await h.emulator.webhooks.settled();

    // redemption.requested and redemption.fulfilled
    const { ledger, redemptions } = h.services.rewards;
    await ledger.bonus(licenseId, { learnerId: 'lms-ada', amount: 100, reason: 'welcome' });
    const item = await redemptions.createItem(licenseId, {
      kind: 'partner',
      title: 'Mentoring session',
      cost: 60,
      details: { partner: 'Mentor Co' },
    });
    const asked = await redemptions.redeem(licenseId, 'lms-ada', {
      itemId: item.id,
      idempotencyKey: 'payloads-1',
    });
    await redemptions.fulfil(licenseId, asked.id, 'booked');

    // usage.warning and usage.limit_reached
    h.services.usage.consume((await h.services.licenses.getById(licenseId))!, 'redemptions', 10);
    await h.services.usage.flush();

    const events = await queued(licenseId);
    expect(new Set(events.map((e) => e.type))).toEqual(
      new Set([
        'purchase.completed',
        'enrollment.created',
        'refund.created',
        'redemption.requested',
        'redemption.fulfilled',
        'usage.warning',
        'usage.limit_reached',
      ]),
    );
    for (const event of events) {
      expect(webhookEventTypes).toContain(event.type);
      const parsed = PartnerEvent.safeParse(event);
      expect(parsed.error?.issues ?? [], event.type).toEqual([]);
    }
  });
});
