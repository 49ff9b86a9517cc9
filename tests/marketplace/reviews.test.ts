import { and, count, eq, isNull, sum } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { first as firstRow } from '../../server/db/store.js';
import { learners } from '../../server/modules/learners/schema.js';
import { courseReviews, courses } from '../../server/modules/marketplace/schema.js';
import { expectProblem, jsonInit } from '../fixtures/harness.js';
import { courseInput, startMarket, tenantOf, type MarketHarness, type Tenant } from './helpers.js';

describe('course reviews', () => {
  let h: MarketHarness;
  let acme: Tenant;
  let courseId: string;

  beforeAll(async () => {
    h = await startMarket();
    acme = await tenantOf(h, 'Acme University', 'https://portal.acme.test');
    const instructor = await h.services.marketplace.createInstructor(acme.licenseId, {
      name: 'Teacher',
      bio: '',
      subject: null,
      enterprise: false,
      shareBps: null,
    });
    courseId = (
      await h.services.marketplace.authoring.createCourse(acme.author, {
        ...courseInput({ title: 'Free course', price: { amount: 0, currency: 'USD' } }),
        instructorId: instructor.id,
      })
    ).id;
  });
  afterAll(() => h.close());

  const put = (headers: Record<string, string>, body: unknown) =>
    h.fetch(`/v1/courses/${courseId}/reviews/mine`, jsonInit('PUT', body, headers));

  async function enrolled(sub: string, name: string) {
    const headers = await acme.learner(sub, name);
    const res = await h.fetch(`/v1/courses/${courseId}/enroll`, { method: 'POST', headers });
    expect(res.status).toBe(201);
    return headers;
  }

  async function card() {
    const res = await h.fetch(`/v1/courses/${courseId}`, {
      headers: { 'Liberation-Key': acme.publishableKey, Origin: acme.origin },
    });
    return (await res.json()).rating as { average: number | null; count: number };
  }

  it('lets only enrolled learners review', async () => {
    const stranger = await acme.learner('stranger');
    await expectProblem(await put(stranger, { rating: 5, text: 'Great' }), 'forbidden');
    expect(await card()).toEqual({ average: null, count: 0 });
  });

  it('keeps one review per learner, editable, with the rating kept in step', async () => {
    const ada = await enrolled('ada', 'Ada L.');
    const first = await put(ada, { rating: 2, text: 'Too fast.' });
    expect(first.status).toBe(200);
    const review = await first.json();
    expect(review).toMatchObject({
      rating: 2,
      text: 'Too fast.',
      author: { displayName: 'Ada L.' },
      mine: true,
    });
    expect(await card()).toEqual({ average: 2, count: 1 });

    const edited = await (await put(ada, { rating: 4, text: 'Better the second time.' })).json();
    expect(edited.id).toBe(review.id);
    expect(await card()).toEqual({ average: 4, count: 1 });

    const bob = await enrolled('bob', 'Bob');
    await put(bob, { rating: 5, text: '' });
    expect(await card()).toEqual({ average: 4.5, count: 2 });

    const list = await (
      await h.fetch(`/v1/courses/${courseId}/reviews?sort=lowest`, { headers: ada })
    ).json();
    expect(list.items.map((r: { rating: number }) => r.rating)).toEqual([4, 5]);
    expect(list.items.map((r: { mine: boolean }) => r.mine)).toEqual([true, false]);
    expect(list.myReview).toMatchObject({ id: review.id, rating: 4, mine: true });
    const anonymous = await (
      await h.fetch(`/v1/courses/${courseId}/reviews`, {
        headers: { 'Liberation-Key': acme.publishableKey, Origin: acme.origin },
      })
    ).json();
    expect(anonymous.myReview).toBeNull();
    expect(list.summary).toEqual({
      average: 4.5,
      count: 2,
      distribution: { 1: 0, 2: 0, 3: 0, 4: 1, 5: 1 },
    });
    const stored = firstRow(
      await h.store.db
        .select({ n: count() })
        .from(courseReviews)
        .where(eq(courseReviews.courseId, courseId)),
    );
    expect(stored?.n).toBe(2);
  });

  it('refuses ratings outside 1–5 and over-long text, changing nothing', async () => {
    const ada = await acme.learner('ada', 'Ada L.');
    for (const body of [
      { rating: 0, text: 'x' },
      { rating: 6, text: 'x' },
      { rating: 3.5, text: 'x' },
      { rating: 3, text: 'x'.repeat(4001) },
      { rating: 3 },
    ]) {
      await expectProblem(await put(ada, body), 'validation_failed');
    }
    expect(await card()).toEqual({ average: 4.5, count: 2 });
  });

  it('keeps review text as text', async () => {
    const eve = await enrolled('eve', '<img src=x onerror=alert(1)>');
    const text = '<script>alert("x")</script> **not bold**';
    const review = await (await put(eve, { rating: 3, text })).json();
    expect(review.text).toBe(text);
    expect(review.author.displayName).toBe('<img src=x onerror=alert(1)>');
  });

  it('hides a review from the list and the rating (secret key), and shows it again', async () => {
    const list = await (
      await h.fetch(`/v1/courses/${courseId}/reviews?sort=newest`, {
        headers: { 'Liberation-Key': acme.publishableKey, Origin: acme.origin },
      })
    ).json();
    const eve = list.items.find((r: { rating: number }) => r.rating === 3)!;
    const hide = await h.fetch(
      `/v1/authoring/reviews/${eve.id}/hidden`,
      jsonInit('PUT', { hidden: true }, acme.server),
    );
    expect(hide.status).toBe(200);
    expect(await card()).toEqual({ average: 4.5, count: 2 });
    const after = await (
      await h.fetch(`/v1/courses/${courseId}/reviews`, {
        headers: { 'Liberation-Key': acme.publishableKey, Origin: acme.origin },
      })
    ).json();
    expect(after.items.map((r: { id: string }) => r.id)).not.toContain(eve.id);
    await h.fetch(
      `/v1/authoring/reviews/${eve.id}/hidden`,
      jsonInit('PUT', { hidden: false }, acme.server),
    );
    expect(await card()).toEqual({ average: 4, count: 3 });
  });

  it('pages reviews by cursor without repeats, for every sort', async () => {
    for (let i = 0; i < 7; i++) {
      const headers = await enrolled(`learner-${i}`, `Learner ${i}`);
      await put(headers, { rating: (i % 5) + 1, text: `Review ${i}` });
      h.clock.advance(1000);
    }
    const pk = { 'Liberation-Key': acme.publishableKey, Origin: acme.origin };
    for (const sort of ['newest', 'helpful', 'highest', 'lowest']) {
      const whole = await (
        await h.fetch(`/v1/courses/${courseId}/reviews?sort=${sort}&limit=50`, { headers: pk })
      ).json();
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: { id: string }[]; nextCursor: string | null } = await (
          await h.fetch(
            `/v1/courses/${courseId}/reviews?sort=${sort}&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
            { headers: pk },
          )
        ).json();
        ids.push(...page.items.map((r) => r.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(ids).toEqual(whole.items.map((r: { id: string }) => r.id));
    }
  });

  it('counts helpful marks once per learner, never on one’s own review, and sorts by them', async () => {
    const pk = { 'Liberation-Key': acme.publishableKey, Origin: acme.origin };
    const list = await (
      await h.fetch(`/v1/courses/${courseId}/reviews?sort=newest&limit=50`, { headers: pk })
    ).json();
    const target = list.items.at(-1)!;
    const mark = (headers: Record<string, string>, id: string, helpful: boolean) =>
      h.fetch(
        `/v1/courses/${courseId}/reviews/${id}/helpful`,
        jsonInit('PUT', { helpful }, headers),
      );
    const voters = await Promise.all(['v1', 'v2', 'v3'].map((sub) => acme.learner(sub)));
    for (const [i, voter] of voters.entries()) {
      expect((await mark(voter, target.id, true)).status).toBe(200);
      // Marking again changes nothing.
      expect((await (await mark(voter, target.id, true)).json()).helpful).toBe(
        target.helpful + i + 1,
      );
    }
    const undone = await (await mark(voters[0]!, target.id, false)).json();
    expect(undone).toEqual({ id: target.id, helpful: target.helpful + 2, votedHelpful: false });
    const top = await (
      await h.fetch(`/v1/courses/${courseId}/reviews?sort=helpful&limit=1`, { headers: pk })
    ).json();
    expect(top.items[0].id).toBe(target.id);
    const author = firstRow(
      await h.store.db
        .select({ subject: learners.subject })
        .from(courseReviews)
        .innerJoin(learners, eq(learners.id, courseReviews.learnerId))
        .where(eq(courseReviews.id, target.id)),
    )!;
    await expectProblem(
      await mark(await acme.learner(author.subject), target.id, true),
      'forbidden',
    );
    await expectProblem(await mark(voters[1]!, 'rev_missing', true), 'not_found');
  });

  it('keeps one review and one enrollment under concurrent requests from one learner', async () => {
    const headers = await acme.learner('racer', 'Racer');
    const enrolls = await Promise.all(
      Array.from({ length: 10 }, () =>
        h.fetch(`/v1/courses/${courseId}/enroll`, { method: 'POST', headers }),
      ),
    );
    expect(enrolls.map((r) => r.status).sort()).toEqual([201, ...Array(9).fill(409)]);
    const before = await card();
    const writes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => put(headers, { rating: (i % 5) + 1, text: `Try ${i}` })),
    );
    expect(writes.every((r) => r.status === 200)).toBe(true);
    const rows = await h.store.db
      .select({ rating: courseReviews.rating })
      .from(courseReviews)
      .innerJoin(learners, eq(learners.id, courseReviews.learnerId))
      .where(eq(learners.subject, 'racer'));
    expect(rows).toHaveLength(1);
    const after = await card();
    expect(after.count).toBe(before.count + 1);
    const kept = firstRow(
      await h.store.db
        .select({ sum: courses.ratingSum })
        .from(courses)
        .where(eq(courses.id, courseId)),
    );
    const actual = firstRow(
      await h.store.db
        .select({ sum: sum(courseReviews.rating).mapWith(Number) })
        .from(courseReviews)
        .where(and(eq(courseReviews.courseId, courseId), isNull(courseReviews.hiddenAt))),
    );
    expect(kept?.sum).toBe(actual?.sum);
  });

  it('deletes the learner’s own review and takes it out of the rating', async () => {
    const ada = await acme.learner('ada', 'Ada L.');
    const before = await card();
    const res = await h.fetch(`/v1/courses/${courseId}/reviews/mine`, {
      method: 'DELETE',
      headers: ada,
    });
    expect(res.status).toBe(204);
    const after = await card();
    expect(after.count).toBe(before.count - 1);
    await expectProblem(
      await h.fetch(`/v1/courses/${courseId}/reviews/mine`, { method: 'DELETE', headers: ada }),
      'not_found',
    );
  });
});
