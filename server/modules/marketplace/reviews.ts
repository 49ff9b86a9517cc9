import type Database from 'better-sqlite3';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { writeTransaction, type Db, type Tx } from '../../db/client.js';
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

/** Keyset order of each review sort: [key expression, direction], then id the same way. */
const ORDERS: Record<ReviewSort, { key: string; desc: boolean }> = {
  newest: { key: 'created_at', desc: true },
  helpful: { key: 'helpful_count', desc: true },
  highest: { key: 'rating', desc: true },
  lowest: { key: 'rating', desc: false },
};

interface Row {
  id: string;
  learner_id: string;
  display_name: string;
  rating: number;
  text: string;
  helpful_count: number;
  created_at: number;
  updated_at: number;
}

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
  readonly #db: Db;
  readonly #sqlite: Database.Database;
  readonly #clock: Clock;
  readonly #marketplace: MarketplaceService;

  constructor(db: Db, sqlite: Database.Database, clock: Clock, marketplace: MarketplaceService) {
    this.#db = db;
    this.#sqlite = sqlite;
    this.#clock = clock;
    this.#marketplace = marketplace;
  }

  /** Adds `delta` reviews with `ratingDelta` stars to the course's rating, in `tx`. */
  #rate(tx: Tx, licenseId: string, courseId: string, ratingDelta: number, delta: number): void {
    tx.update(courses)
      .set({
        ratingSum: sql`${courses.ratingSum} + ${ratingDelta}`,
        ratingCount: sql`${courses.ratingCount} + ${delta}`,
        ratingAverage: sql`case when ${courses.ratingCount} + ${delta} > 0
          then cast(${courses.ratingSum} + ${ratingDelta} as real) / (${courses.ratingCount} + ${delta})
          else null end`,
      })
      .where(and(eq(courses.licenseId, licenseId), eq(courses.id, courseId)))
      .run();
    this.#marketplace.touchCatalog(tx, licenseId);
  }

  #view(row: Row, learnerId: string | null): Review {
    return {
      id: row.id,
      rating: row.rating,
      text: row.text,
      author: { displayName: row.display_name },
      helpful: row.helpful_count,
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
      mine: learnerId !== null && row.learner_id === learnerId,
    };
  }

  list(
    licenseId: string,
    courseId: string,
    learnerId: string | null,
    query: ReviewQuery,
  ): ReviewPage {
    this.#marketplace.catalog.detail(licenseId, courseId, learnerId);
    const { key, desc } = ORDERS[query.sort];
    const where = ['license_id = ?', 'course_id = ?', 'hidden_at is null'];
    const params: unknown[] = [licenseId, courseId];
    if (query.cursor) {
      const after = decodeCursor(query.cursor, cursorShapes.get(query.sort)!);
      if (!after) throw badCursor();
      const op = desc ? '<' : '>';
      where.push(`(${key} ${op} ? or (${key} = ? and id ${op} ?))`);
      params.push(after[1], after[1], after[2]);
    }
    const dir = desc ? 'desc' : 'asc';
    const rows = this.#sqlite
      .prepare(
        `select id, learner_id, display_name, rating, text, helpful_count, created_at, updated_at
         from course_reviews where ${where.join(' and ')}
         order by ${key} ${dir}, id ${dir} limit ?`,
      )
      .all(...params, query.limit + 1) as Row[];
    const more = rows.length > query.limit;
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    const keyOf = (r: Row) =>
      ({ created_at: r.created_at, helpful_count: r.helpful_count, rating: r.rating })[
        key as 'created_at' | 'helpful_count' | 'rating'
      ];
    const distribution = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
    const counts = this.#sqlite
      .prepare(
        `select rating, count(*) as n from course_reviews
         where license_id = ? and course_id = ? and hidden_at is null group by rating`,
      )
      .all(licenseId, courseId) as { rating: 1 | 2 | 3 | 4 | 5; n: number }[];
    let sum = 0;
    let count = 0;
    for (const c of counts) {
      distribution[c.rating] = c.n;
      sum += c.rating * c.n;
      count += c.n;
    }
    return {
      items: page.map((r) => this.#view(r, learnerId)),
      nextCursor: more && last ? encodeCursor([query.sort, keyOf(last), last.id]) : null,
      summary: { average: roundRating(count ? sum / count : null), count, distribution },
      myReview: learnerId === null ? null : this.#mine(licenseId, courseId, learnerId),
    };
  }

  #mine(licenseId: string, courseId: string, learnerId: string): Review | null {
    const row = this.#db
      .select()
      .from(courseReviews)
      .where(and(reviewKey(licenseId, courseId, learnerId), isNull(courseReviews.hiddenAt)))
      .get();
    return row ? this.#view(this.#row(row), learnerId) : null;
  }

  /** Writes or edits the learner's review of a course they are enrolled in. */
  upsert(learner: Learner, courseId: string, input: ReviewInput): Review {
    const now = this.#clock.now();
    const row = writeTransaction(this.#db, (tx) => {
      this.#marketplace.catalog.publishedCourse(learner.licenseId, courseId, tx);
      if (!this.#marketplace.enrollments.isEnrolled(learner.licenseId, courseId, learner.id, tx)) {
        throw new ApiError('forbidden', 'Only learners enrolled in the course can review it.');
      }
      const key = reviewKey(learner.licenseId, courseId, learner.id);
      const existing = tx.select().from(courseReviews).where(key).get();
      if (existing?.hiddenAt) {
        throw new ApiError(
          'forbidden',
          'This review was hidden by the operator and cannot be edited.',
        );
      }
      if (existing) {
        this.#rate(tx, learner.licenseId, courseId, input.rating - existing.rating, 0);
        return tx
          .update(courseReviews)
          .set({
            rating: input.rating,
            text: input.text,
            displayName: learner.name,
            updatedAt: now,
          })
          .where(key)
          .returning()
          .get();
      }
      this.#rate(tx, learner.licenseId, courseId, input.rating, 1);
      return tx
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
        .returning()
        .get();
    });
    return this.#view(this.#row(row), learner.id);
  }

  #row(r: ReviewRow): Row {
    return {
      id: r.id,
      learner_id: r.learnerId,
      display_name: r.displayName,
      rating: r.rating,
      text: r.text,
      helpful_count: r.helpfulCount,
      created_at: r.createdAt.getTime(),
      updated_at: r.updatedAt.getTime(),
    };
  }

  remove(learner: Learner, courseId: string): void {
    writeTransaction(this.#db, (tx) => {
      const own = tx
        .select({ id: courseReviews.id })
        .from(courseReviews)
        .where(reviewKey(learner.licenseId, courseId, learner.id))
        .get();
      if (own) {
        tx.delete(courseReviewVotes)
          .where(
            and(
              eq(courseReviewVotes.licenseId, learner.licenseId),
              eq(courseReviewVotes.reviewId, own.id),
            ),
          )
          .run();
      }
      const row = tx
        .delete(courseReviews)
        .where(reviewKey(learner.licenseId, courseId, learner.id))
        .returning()
        .get();
      if (!row) throw new ApiError('not_found', 'You have not reviewed this course.');
      if (!row.hiddenAt) this.#rate(tx, learner.licenseId, courseId, -row.rating, -1);
    });
  }

  /**
   * Marks another learner's review helpful (or takes the mark back); one mark per learner,
   * counted in the review's `helpful` in the same transaction.
   */
  vote(learner: Learner, courseId: string, reviewId: string, helpful: boolean): HelpfulMark {
    this.#marketplace.catalog.detail(learner.licenseId, courseId, learner.id);
    return writeTransaction(this.#db, (tx) => {
      const review = tx
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
        .get();
      if (!review) throw new ApiError('not_found', `No review ${reviewId} on this course.`);
      if (review.learnerId === learner.id) {
        throw new ApiError('forbidden', 'Learners cannot mark their own review helpful.');
      }
      const key = and(
        eq(courseReviewVotes.licenseId, learner.licenseId),
        eq(courseReviewVotes.reviewId, reviewId),
        eq(courseReviewVotes.learnerId, learner.id),
      );
      const changed = helpful
        ? tx
            .insert(courseReviewVotes)
            .values({
              licenseId: learner.licenseId,
              reviewId,
              learnerId: learner.id,
              createdAt: this.#clock.now(),
            })
            .onConflictDoNothing()
            .run().changes
        : -tx.delete(courseReviewVotes).where(key).run().changes;
      const row = tx
        .update(courseReviews)
        .set({ helpfulCount: sql`${courseReviews.helpfulCount} + ${changed}` })
        .where(eq(courseReviews.id, reviewId))
        .returning({ helpful: courseReviews.helpfulCount })
        .get();
      return { id: reviewId, helpful: row.helpful, votedHelpful: helpful };
    });
  }

  /** Hides (or shows again) a review; a hidden review leaves the course's rating. */
  setHidden(licenseId: string, reviewId: string, hidden: boolean): ReviewVisibilityState {
    return writeTransaction(this.#db, (tx) => {
      const row = tx
        .select()
        .from(courseReviews)
        .where(and(eq(courseReviews.licenseId, licenseId), eq(courseReviews.id, reviewId)))
        .get();
      if (!row) throw new ApiError('not_found', `No review ${reviewId} here.`);
      if (Boolean(row.hiddenAt) !== hidden) {
        tx.update(courseReviews)
          .set({ hiddenAt: hidden ? this.#clock.now() : null })
          .where(eq(courseReviews.id, row.id))
          .run();
        const sign = hidden ? -1 : 1;
        this.#rate(tx, licenseId, row.courseId, sign * row.rating, sign);
      }
      return { id: row.id, hidden };
    });
  }

  /** A review by id across licenses, for the operator CLI. */
  licenseOf(reviewId: string): string | null {
    return (
      this.#db
        .select({ licenseId: courseReviews.licenseId })
        .from(courseReviews)
        .where(eq(courseReviews.id, reviewId))
        .get()?.licenseId ?? null
    );
  }
}
