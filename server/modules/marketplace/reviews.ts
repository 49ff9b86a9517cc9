import { and, asc, count, desc, eq, gt, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { first, type Store, type Tx } from '../../db/store.js';
import { ApiError } from '../../errors.js';
import { decodeCursor, encodeCursor } from '../../lib/cursors.js';
import { generateId } from '../../lib/ids.js';
import type { Clock } from '../../services.js';
import type { Learner } from '../learners/service.js';
import { roundRating } from './cards.js';
import {
  reviewSorts,
  type HelpfulMark,
  type Review,
  type ReviewPage,
  type ReviewQuery,
  type ReviewInput,
  type ReviewSort,
  type ReviewVisibilityState,
} from './contract.js';
import { courseReviews, courseReviewVotes, courses, type ReviewRow } from './schema.js';
import type { MarketplaceService } from './service.js';

/**
 * Keyset order of each review sort: its key (a number the cursor carries; creation time in
 * epoch milliseconds), the comparisons after a cursor's key, and the direction; then id the
 * same way.
 */
interface Order {
  desc: boolean;
  key(row: ReviewRow): number;
  column: SQL;
  /** Rows past a cursor's key: `<` it for descending orders, `>` else. */
  after(key: number): SQL;
  /** Rows at a cursor's key. */
  at(key: number): SQL;
}

function numberOrder(
  column: typeof courseReviews.rating | typeof courseReviews.helpfulCount,
  key: (row: ReviewRow) => number,
  isDesc: boolean,
): Order {
  return {
    desc: isDesc,
    key,
    column: sql`${column}`,
    after: (value) => (isDesc ? lt(column, value) : gt(column, value)),
    at: (value) => eq(column, value),
  };
}

const ORDERS: Record<ReviewSort, Order> = {
  newest: {
    desc: true,
    key: (row) => row.createdAt.getTime(),
    column: sql`${courseReviews.createdAt}`,
    after: (key) => lt(courseReviews.createdAt, new Date(key)),
    at: (key) => eq(courseReviews.createdAt, new Date(key)),
  },
  helpful: numberOrder(courseReviews.helpfulCount, (row) => row.helpfulCount, true),
  highest: numberOrder(courseReviews.rating, (row) => row.rating, true),
  lowest: numberOrder(courseReviews.rating, (row) => row.rating, false),
};

/** A learner's review of a course of the license. */
const reviewKey = (licenseId: string, courseId: string, learnerId: string) =>
  and(
    eq(courseReviews.licenseId, licenseId),
    eq(courseReviews.courseId, courseId),
    eq(courseReviews.learnerId, learnerId),
  );

/** A page cursor: the sort it was made for, the last review's sort key, and its id. */
const cursorShapes = new Map(
  reviewSorts.map((sort) => [sort, z.tuple([z.literal(sort), z.int(), z.string()])]),
);

function badCursor(): ApiError {
  return new ApiError('validation_failed', 'The cursor is not one this list returned.', {
    errors: [{ path: 'query.cursor', message: 'Invalid cursor' }],
  });
}

/**
 * Reviews: enrolled learners only, one per learner and course (writing again edits it),
 * hidden by the operator. The course's rating sum and count move in the same transaction as
 * the review, so the average on a card always matches the visible reviews.
 */
export class Reviews {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #marketplace: MarketplaceService;

  constructor(store: Store, clock: Clock, marketplace: MarketplaceService) {
    this.#store = store;
    this.#clock = clock;
    this.#marketplace = marketplace;
  }

  /** Adds `delta` reviews with `ratingDelta` stars to the course's rating, in `tx`. */
  async #rate(
    tx: Tx,
    licenseId: string,
    courseId: string,
    ratingDelta: number,
    delta: number,
  ): Promise<void> {
    await tx
      .update(courses)
      .set({
        ratingSum: sql`${courses.ratingSum} + ${ratingDelta}`,
        ratingCount: sql`${courses.ratingCount} + ${delta}`,
        ratingAverage: sql`case when ${courses.ratingCount} + ${delta} > 0
          then cast(${courses.ratingSum} + ${ratingDelta} as double precision) / (${courses.ratingCount} + ${delta})
          else null end`,
      })
      .where(and(eq(courses.licenseId, licenseId), eq(courses.id, courseId)));
    await this.#marketplace.touchCatalog(tx, licenseId);
  }

  #view(row: ReviewRow, learnerId: string | null): Review {
    return {
      id: row.id,
      rating: row.rating,
      text: row.text,
      author: { displayName: row.displayName },
      helpful: row.helpfulCount,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      mine: learnerId !== null && row.learnerId === learnerId,
    };
  }

  async list(
    licenseId: string,
    courseId: string,
    learnerId: string | null,
    query: ReviewQuery,
  ): Promise<ReviewPage> {
    await this.#marketplace.catalog.detail(licenseId, courseId, learnerId);
    const order = ORDERS[query.sort];
    const where: (SQL | undefined)[] = [
      eq(courseReviews.licenseId, licenseId),
      eq(courseReviews.courseId, courseId),
      isNull(courseReviews.hiddenAt),
    ];
    if (query.cursor) {
      const after = decodeCursor(query.cursor, cursorShapes.get(query.sort)!);
      if (!after) throw badCursor();
      const idAfter = order.desc ? lt(courseReviews.id, after[2]) : gt(courseReviews.id, after[2]);
      where.push(or(order.after(after[1]), and(order.at(after[1]), idAfter)));
    }
    const dir = order.desc ? desc : asc;
    const found = await this.#store.db
      .select()
      .from(courseReviews)
      .where(and(...where))
      .orderBy(dir(order.column), dir(courseReviews.id))
      .limit(query.limit + 1);
    const more = found.length > query.limit;
    const page = found.slice(0, query.limit);
    const last = page.at(-1);
    const distribution = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
    const counts = await this.#store.db
      .select({ rating: courseReviews.rating, n: count() })
      .from(courseReviews)
      .where(
        and(
          eq(courseReviews.licenseId, licenseId),
          eq(courseReviews.courseId, courseId),
          isNull(courseReviews.hiddenAt),
        ),
      )
      .groupBy(courseReviews.rating);
    let sum = 0;
    let total = 0;
    for (const c of counts) {
      distribution[c.rating as 1 | 2 | 3 | 4 | 5] = c.n;
      sum += c.rating * c.n;
      total += c.n;
    }
    return {
      items: page.map((r) => this.#view(r, learnerId)),
      nextCursor: more && last ? encodeCursor([query.sort, order.key(last), last.id]) : null,
      summary: { average: roundRating(total ? sum / total : null), count: total, distribution },
      myReview: learnerId === null ? null : await this.#mine(licenseId, courseId, learnerId),
    };
  }

  async #mine(licenseId: string, courseId: string, learnerId: string): Promise<Review | null> {
    const row = first(
      await this.#store.db
        .select()
        .from(courseReviews)
        .where(and(reviewKey(licenseId, courseId, learnerId), isNull(courseReviews.hiddenAt)))
        .limit(1),
    );
    return row ? this.#view(row, learnerId) : null;
  }

  /** Writes or edits the learner's review of a course they are enrolled in. */
  async upsert(learner: Learner, courseId: string, input: ReviewInput): Promise<Review> {
    const now = this.#clock.now();
    const row = await this.#store.write(async (tx) => {
      await this.#marketplace.catalog.publishedCourse(learner.licenseId, courseId, tx);
      if (
        !(await this.#marketplace.enrollments.isEnrolled(
          learner.licenseId,
          courseId,
          learner.id,
          tx,
        ))
      ) {
        throw new ApiError('forbidden', 'Only learners enrolled in the course can review it.');
      }
      const key = reviewKey(learner.licenseId, courseId, learner.id);
      const existing = first(await tx.select().from(courseReviews).where(key).limit(1));
      if (existing?.hiddenAt) {
        throw new ApiError(
          'forbidden',
          'This review was hidden by the operator and cannot be edited.',
        );
      }
      if (existing) {
        await this.#rate(tx, learner.licenseId, courseId, input.rating - existing.rating, 0);
        const [updated] = await tx
          .update(courseReviews)
          .set({
            rating: input.rating,
            text: input.text,
            displayName: learner.name,
            updatedAt: now,
          })
          .where(key)
          .returning();
        return updated!;
      }
      await this.#rate(tx, learner.licenseId, courseId, input.rating, 1);
      const [created] = await tx
        .insert(courseReviews)
        .values({
          id: generateId('rev'),
          licenseId: learner.licenseId,
          courseId,
          learnerId: learner.id,
          displayName: learner.name,
          rating: input.rating,
          text: input.text,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      return created!;
    });
    return this.#view(row, learner.id);
  }

  async remove(learner: Learner, courseId: string): Promise<void> {
    await this.#store.write(async (tx) => {
      const own = first(
        await tx
          .select({ id: courseReviews.id })
          .from(courseReviews)
          .where(reviewKey(learner.licenseId, courseId, learner.id))
          .limit(1),
      );
      if (own) {
        await tx
          .delete(courseReviewVotes)
          .where(
            and(
              eq(courseReviewVotes.licenseId, learner.licenseId),
              eq(courseReviewVotes.reviewId, own.id),
            ),
          );
      }
      const [row] = await tx
        .delete(courseReviews)
        .where(reviewKey(learner.licenseId, courseId, learner.id))
        .returning();
      if (!row) throw new ApiError('not_found', 'You have not reviewed this course.');
      if (!row.hiddenAt) await this.#rate(tx, learner.licenseId, courseId, -row.rating, -1);
    });
  }

  /**
   * Marks another learner's review helpful (or takes the mark back); one mark per learner,
   * counted in the review's `helpful` in the same transaction.
   */
  async vote(
    learner: Learner,
    courseId: string,
    reviewId: string,
    helpful: boolean,
  ): Promise<HelpfulMark> {
    await this.#marketplace.catalog.detail(learner.licenseId, courseId, learner.id);
    return this.#store.write(async (tx) => {
      const review = first(
        await tx
          .select()
          .from(courseReviews)
          .where(
            and(
              eq(courseReviews.licenseId, learner.licenseId),
              eq(courseReviews.courseId, courseId),
              eq(courseReviews.id, reviewId),
              isNull(courseReviews.hiddenAt),
            ),
          )
          .limit(1),
      );
      if (!review) throw new ApiError('not_found', `No review ${reviewId} on this course.`);
      if (review.learnerId === learner.id) {
        throw new ApiError('forbidden', 'Learners cannot mark their own review helpful.');
      }
      const key = and(
        eq(courseReviewVotes.licenseId, learner.licenseId),
        eq(courseReviewVotes.reviewId, reviewId),
        eq(courseReviewVotes.learnerId, learner.id),
      );
      // Rows the mark added (1 or 0) or took away (-1 or 0).
      const changed = helpful
        ? (
            await tx
              .insert(courseReviewVotes)
              .values({
                licenseId: learner.licenseId,
                reviewId,
                learnerId: learner.id,
                createdAt: this.#clock.now(),
              })
              .onConflictDoNothing()
              .returning({ reviewId: courseReviewVotes.reviewId })
          ).length
        : -(
            await tx
              .delete(courseReviewVotes)
              .where(key)
              .returning({ reviewId: courseReviewVotes.reviewId })
          ).length;
      const [row] = await tx
        .update(courseReviews)
        .set({ helpfulCount: sql`${courseReviews.helpfulCount} + ${changed}` })
        .where(eq(courseReviews.id, reviewId))
        .returning({ helpful: courseReviews.helpfulCount });
      return { id: reviewId, helpful: row!.helpful, votedHelpful: helpful };
    });
  }

  /** Hides (or shows again) a review; a hidden review leaves the course's rating. */
  async setHidden(
    licenseId: string,
    reviewId: string,
    hidden: boolean,
  ): Promise<ReviewVisibilityState> {
    return this.#store.write(async (tx) => {
      const row = first(
        await tx
          .select()
          .from(courseReviews)
          .where(and(eq(courseReviews.licenseId, licenseId), eq(courseReviews.id, reviewId)))
          .limit(1),
      );
      if (!row) throw new ApiError('not_found', `No review ${reviewId} here.`);
      if (Boolean(row.hiddenAt) !== hidden) {
        await tx
          .update(courseReviews)
          .set({ hiddenAt: hidden ? this.#clock.now() : null })
          .where(eq(courseReviews.id, row.id));
        const sign = hidden ? -1 : 1;
        await this.#rate(tx, licenseId, row.courseId, sign * row.rating, sign);
      }
      return { id: row.id, hidden };
    });
  }

  /** A review by id across licenses, for the operator CLI. */
  async licenseOf(reviewId: string): Promise<string | null> {
    const row = first(
      await this.#store.db
        .select({ licenseId: courseReviews.licenseId })
        .from(courseReviews)
        .where(eq(courseReviews.id, reviewId))
        .limit(1),
    );
    return row?.licenseId ?? null;
  }
}
