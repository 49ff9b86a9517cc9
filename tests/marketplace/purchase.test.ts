import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq } from 'drizzle-orm';
import { first } from '../../server/db/store.js';
import { outboxEvents } from '../../server/modules/outbox/schema.js';
import { enrollments, instructorEarnings } from '../../server/modules/marketplace/schema.js';
import { rewardCoupons } from '../../server/modules/rewards/schema.js';
import { expectProblem, jsonInit } from '../fixtures/harness.js';
import {
  courseInput,
  dumpStore,
  learnerIdOf,
  startMarket,
  tenantOf,
  type MarketHarness,
  type Tenant,
} from './helpers.js';

describe('buying a course through checkout, the emulator and its webhooks', () => {
  let h: MarketHarness;
  let acme: Tenant;
  let globex: Tenant;
  let instructorId: string;
  let enterpriseId: string;

  beforeAll(async () => {
    h = await startMarket();
    acme = await tenantOf(h, 'Acme University', 'https://portal.acme.test');
    globex = await tenantOf(h, 'Globex', 'https://learn.globex.test');
    const m = h.services.marketplace;
    instructorId = (
      await m.createInstructor(acme.licenseId, {
        name: 'Grace Teacher',
        bio: '',
        subject: null,
        enterprise: false,
        shareBps: null,
      })
    ).id;
    enterpriseId = (
      await m.createInstructor(acme.licenseId, {
        name: 'Big Corp Academy',
        bio: '',
        subject: null,
        enterprise: true,
        shareBps: null,
      })
    ).id;
  });
  afterAll(() => h.close());

  const checkout = (headers: Record<string, string>, body: unknown) =>
    h.fetch('/v1/checkout/sessions', jsonInit('POST', body, headers));

  /** A payment's ledger rows in the order they were written (tests move the clock between). */
  async function earnings(paymentId: string) {
    return await h.store.db
      .select({
        kind: instructorEarnings.kind,
        amount: instructorEarnings.amount,
        platform: instructorEarnings.platformAmount,
      })
      .from(instructorEarnings)
      .where(eq(instructorEarnings.paymentId, paymentId))
      .orderBy(asc(instructorEarnings.createdAt));
  }

  async function enrollment(licenseId: string, courseId: string, learnerId: string) {
    return first(
      await h.store.db
        .select()
        .from(enrollments)
        .where(
          and(
            eq(enrollments.licenseId, licenseId),
            eq(enrollments.courseId, courseId),
            eq(enrollments.learnerId, learnerId),
          ),
        ),
    );
  }

  async function pay(paymentIntentId: string) {
    await h.stripe.paymentIntents.confirm(paymentIntentId, { payment_method: 'pm_card_visa' });
    await h.emulator.webhooks.settled();
  }

  it('prices from the catalog, enrolls on the webhook and records the 70/30 split', async () => {
    const course = await h.services.marketplace.authoring.createCourse(acme.author, {
      ...courseInput({ price: { amount: 4999, currency: 'USD' } }),
      instructorId,
    });
    const ada = await acme.learner('ada');
    const res = await checkout(ada, {
      kind: 'course',
      courseId: course.id,
      amount: 1,
      price: { amount: 1, currency: 'JPY' },
    });
    expect(res.status).toBe(200);
    const session = await res.json();
    expect(session).toMatchObject({ amount: 4999, currency: 'USD', mode: 'payment' });
    const intent = await h.stripe.paymentIntents.retrieve(session.paymentIntentId);
    expect(intent.metadata).toMatchObject({
      kind: 'course',
      item: course.id,
      course_id: course.id,
    });

    await pay(session.paymentIntentId);
    const adaId = await learnerIdOf(h, acme.licenseId, 'ada');
    expect(await enrollment(acme.licenseId, course.id, adaId)).toMatchObject({
      endedAt: null,
      source: 'purchase',
    });
    expect(await earnings(session.paymentId)).toEqual([
      { kind: 'earned', amount: 3499, platform: 1500 },
    ]);
    const events = await h.store.db
      .select({ payload: outboxEvents.payload })
      .from(outboxEvents)
      .where(
        and(
          eq(outboxEvents.type, 'enrollment.created'),
          eq(outboxEvents.licenseId, acme.licenseId),
        ),
      );
    expect(events.map((e) => e.payload)).toContainEqual(
      expect.objectContaining({
        courseId: course.id,
        learnerId: 'ada',
        paymentId: session.paymentId,
      }),
    );

    const detail = await (await h.fetch(`/v1/courses/${course.id}`, { headers: ada })).json();
    expect(detail.enrolled).toBe(true);
    const mine = await (await h.fetch('/v1/me/courses', { headers: ada })).json();
    expect(mine.items.map((c: { id: string }) => c.id)).toEqual([course.id]);

    // Buying again is refused, clearly.
    const again = await expectProblem(
      await checkout(ada, { kind: 'course', courseId: course.id }),
      'conflict',
    );
    expect(again.reason).toBe('already_enrolled');
  });

  it('gives enterprise instructors 75 % and honours a JPY price (no minor unit)', async () => {
    const course = await h.services.marketplace.authoring.createCourse(acme.author, {
      ...courseInput({ title: 'Kanji in context', price: { amount: 3333, currency: 'JPY' } }),
      instructorId: enterpriseId,
    });
    const bob = await acme.learner('bob');
    const session = await (await checkout(bob, { kind: 'course', courseId: course.id })).json();
    expect(session).toMatchObject({ amount: 3333, currency: 'JPY' });
    await pay(session.paymentIntentId);
    // 3333 × 0.75 = 2499.75 → 2500 for the instructor, 833 for the platform.
    expect(await earnings(session.paymentId)).toEqual([
      { kind: 'earned', amount: 2500, platform: 833 },
    ]);
  });

  it('uses the license’s configured split, and an instructor’s own share over it', async () => {
    const split = await h.fetch(
      '/v1/authoring/split',
      jsonInit('PUT', { instructorShareBps: 6000, enterpriseShareBps: 8000 }, acme.server),
    );
    expect(split.status).toBe(200);
    const special = await h.services.marketplace.createInstructor(acme.licenseId, {
      name: 'Special Terms',
      bio: '',
      subject: null,
      enterprise: true,
      shareBps: 9050,
    });
    const buy = async (sub: string, instructor: string, amount: number) => {
      const course = await h.services.marketplace.authoring.createCourse(acme.author, {
        ...courseInput({ title: `Split ${sub}`, price: { amount, currency: 'USD' } }),
        instructorId: instructor,
      });
      const headers = await acme.learner(sub);
      const session = await (
        await checkout(headers, { kind: 'course', courseId: course.id })
      ).json();
      await pay(session.paymentIntentId);
      return earnings(session.paymentId);
    };
    expect(await buy('split-a', instructorId, 1001)).toEqual([
      { kind: 'earned', amount: 601, platform: 400 },
    ]);
    expect(await buy('split-b', enterpriseId, 999)).toEqual([
      { kind: 'earned', amount: 799, platform: 200 },
    ]);
    expect(await buy('split-c', special.id, 1000)).toEqual([
      { kind: 'earned', amount: 905, platform: 95 },
    ]);
    await h.fetch(
      '/v1/authoring/split',
      jsonInit('PUT', { instructorShareBps: 7000, enterpriseShareBps: 7500 }, acme.server),
    );
  });

  it('reverses shares exactly over partial refunds and ends the enrollment on the full one', async () => {
    const course = await h.services.marketplace.authoring.createCourse(acme.author, {
      ...courseInput({ title: 'Refundable', price: { amount: 1001, currency: 'EUR' } }),
      instructorId,
    });
    const eve = await acme.learner('eve');
    const session = await (await checkout(eve, { kind: 'course', courseId: course.id })).json();
    await pay(session.paymentIntentId);
    const eveId = await learnerIdOf(h, acme.licenseId, 'eve');
    expect(await earnings(session.paymentId)).toEqual([
      { kind: 'earned', amount: 701, platform: 300 },
    ]);

    // Each refund a second later, so the ledger's times give the order it was written in.
    h.clock.advance(1000);
    await h.stripe.refunds.create({ payment_intent: session.paymentIntentId, amount: 333 });
    await h.emulator.webhooks.settled();
    expect((await enrollment(acme.licenseId, course.id, eveId))?.endedAt).toBeNull();
    h.clock.advance(1000);
    await h.stripe.refunds.create({ payment_intent: session.paymentIntentId, amount: 1 });
    await h.emulator.webhooks.settled();
    h.clock.advance(1000);
    await h.stripe.refunds.create({ payment_intent: session.paymentIntentId, amount: 667 });
    await h.emulator.webhooks.settled();

    const rows = await earnings(session.paymentId);
    expect(rows.map((r) => r.kind)).toEqual(['earned', 'reversed', 'reversed', 'reversed']);
    expect(rows.reduce((s, r) => s + r.amount, 0)).toBe(0);
    expect(rows.reduce((s, r) => s + r.platform, 0)).toBe(0);
    for (const r of rows.slice(1)) expect(r.amount + r.platform).toBeLessThan(0);
    expect((await enrollment(acme.licenseId, course.id, eveId))?.endedAt).not.toBeNull();
    const detail = await (await h.fetch(`/v1/courses/${course.id}`, { headers: eve })).json();
    expect(detail.enrolled).toBe(false);

    const report = await h.services.marketplace.earnings.report(acme.licenseId, instructorId);
    const eur = report.totals.find((t) => t.currency === 'EUR')!;
    expect(eur).toMatchObject({
      earned: 701,
      reversed: 701,
      net: 0,
      platformEarned: 300,
      platformReversed: 300,
    });
  });

  it('applies a coupon issued to the learner and marks it used when the payment succeeds', async () => {
    const course = await h.services.marketplace.authoring.createCourse(acme.author, {
      ...courseInput({ title: 'Discounted', price: { amount: 2000, currency: 'USD' } }),
      instructorId,
    });
    const coupon = (code: string, learnerId: string, percentOff: number) => ({
      code,
      licenseId: acme.licenseId,
      learnerId,
      redemptionId: 'red_test',
      percentOff,
      amountOff: null,
      currency: null,
      courseId: null,
      createdAt: h.clock.now(),
    });
    await h.store.write(async (tx) => {
      await tx
        .insert(rewardCoupons)
        .values([coupon('SAVE25', 'cora', 25), coupon('OTHERS', 'someone-else', 50)]);
    });
    const cora = await acme.learner('cora');
    await expectProblem(
      await checkout(cora, { kind: 'course', courseId: course.id, couponCode: 'OTHERS' }),
      'validation_failed',
    );
    await expectProblem(
      await checkout(cora, { kind: 'course', courseId: course.id, couponCode: 'NOPE' }),
      'validation_failed',
    );
    const session = await (
      await checkout(cora, { kind: 'course', courseId: course.id, couponCode: 'SAVE25' })
    ).json();
    expect(session.amount).toBe(1500);
    const intent = await h.stripe.paymentIntents.retrieve(session.paymentIntentId);
    expect(intent.metadata.coupon_code).toBe('SAVE25');
    await pay(session.paymentIntentId);
    expect(await earnings(session.paymentId)).toEqual([
      { kind: 'earned', amount: 1050, platform: 450 },
    ]);
    const used = first(
      await h.store.db
        .select({ usedAt: rewardCoupons.usedAt })
        .from(rewardCoupons)
        .where(eq(rewardCoupons.code, 'SAVE25')),
    );
    expect(used).toBeDefined();
    expect(used!.usedAt).not.toBeNull();
  });

  it('never sells a free, draft or another tenant’s course, and changes nothing', async () => {
    const free = await h.services.marketplace.authoring.createCourse(acme.author, {
      ...courseInput({ title: 'Free intro', price: { amount: 0, currency: 'USD' } }),
      instructorId,
    });
    const draft = await h.services.marketplace.authoring.createCourse(acme.author, {
      ...courseInput({ title: 'Unfinished', status: 'draft' }),
      instructorId,
    });
    const globexInstructor = await h.services.marketplace.createInstructor(globex.licenseId, {
      name: 'Globex Teacher',
      bio: '',
      subject: null,
      enterprise: false,
      shareBps: null,
    });
    const foreign = await h.services.marketplace.authoring.createCourse(globex.author, {
      ...courseInput({ title: 'Globex only' }),
      instructorId: globexInstructor.id,
    });
    const dan = await acme.learner('dan');
    await h.fetch('/v1/me', { headers: dan }); // the learner's first request records them
    const before = await dumpStore(h.store);
    const freeRefusal = await expectProblem(
      await checkout(dan, { kind: 'course', courseId: free.id }),
      'conflict',
    );
    expect(freeRefusal.reason).toBe('free_course');
    expect(freeRefusal.detail).toContain(`/v1/courses/${free.id}/enroll`);
    await expectProblem(await checkout(dan, { kind: 'course', courseId: draft.id }), 'not_found');
    await expectProblem(await checkout(dan, { kind: 'course', courseId: foreign.id }), 'not_found');
    expect(await dumpStore(h.store)).toEqual(before);

    const enrolled = await h.fetch(`/v1/courses/${free.id}/enroll`, {
      method: 'POST',
      headers: dan,
    });
    expect(enrolled.status).toBe(201);
    expect((await enrolled.json()).enrolled).toBe(true);
    const paid = await h.fetch(`/v1/courses/${foreign.id}/enroll`, {
      method: 'POST',
      headers: dan,
    });
    await expectProblem(paid, 'not_found');
  });
});
