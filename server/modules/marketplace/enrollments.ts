import type Database from 'better-sqlite3';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { writeTransaction, type Db, type Tx } from '../../db/client.js';
import { ApiError } from '../../errors.js';
import type { Clock } from '../../services.js';
import type { Learner } from '../learners/service.js';
import { enqueueEvents } from '../outbox/service.js';
import { toCard } from './cards.js';
import type { CourseCard, EnrollmentCreated, EnrollmentSource } from './contract.js';
import type { LearnerDirectory } from './dependencies.js';
import { courseKey } from './queries.js';
import { courses, enrollments } from './schema.js';
import type { MarketplaceService } from './service.js';

/** A learner's enrollment in a course, in force or ended. */
const enrollmentKey = (licenseId: string, courseId: string, learnerId: string) =>
  and(
    eq(enrollments.licenseId, licenseId),
    eq(enrollments.courseId, courseId),
    eq(enrollments.learnerId, learnerId),
  );

/** A learner's enrollment in a course while it is in force. */
const enrollmentInForce = (licenseId: string, courseId: string, learnerId: string) =>
  and(enrollmentKey(licenseId, courseId, learnerId), isNull(enrollments.endedAt));

/**
 * Learners' access to courses: bought (the payments module enrolls inside the transaction
 * that records the payment), free, or granted by the operator. A full refund ends an
 * enrollment and buying again reopens it; each enrollment queues `enrollment.created` to the
 * partner webhooks outbox in its own transaction.
 */
export class Enrollments {
  readonly #db: Db;
  readonly #sqlite: Database.Database;
  readonly #clock: Clock;
  readonly #marketplace: MarketplaceService;
  readonly #learners: LearnerDirectory;

  constructor(
    db: Db,
    sqlite: Database.Database,
    clock: Clock,
    marketplace: MarketplaceService,
    learners: LearnerDirectory,
  ) {
    this.#db = db;
    this.#sqlite = sqlite;
    this.#clock = clock;
    this.#marketplace = marketplace;
    this.#learners = learners;
  }

  /** Course ids among `courseIds` the learner is enrolled in now. */
  enrolledAmong(licenseId: string, learnerId: string | null, courseIds: string[]): Set<string> {
    if (!learnerId || courseIds.length === 0) return new Set();
    const rows = this.#sqlite
      .prepare(
        `select course_id from enrollments where license_id = ? and learner_id = ?
         and ended_at is null and course_id in (${courseIds.map(() => '?').join(',')})`,
      )
      .all(licenseId, learnerId, ...courseIds) as { course_id: string }[];
    return new Set(rows.map((r) => r.course_id));
  }

  isEnrolled(
    licenseId: string,
    courseId: string,
    learnerId: string,
    tx: Tx | Db = this.#db,
  ): boolean {
    return (
      tx
        .select({ id: enrollments.courseId })
        .from(enrollments)
        .where(enrollmentInForce(licenseId, courseId, learnerId))
        .get() !== undefined
    );
  }

  /** The learner's courses, most recently enrolled first. */
  myCourses(licenseId: string, learnerId: string): CourseCard[] {
    const ids = this.#db
      .select({ id: enrollments.courseId })
      .from(enrollments)
      .where(
        and(
          eq(enrollments.licenseId, licenseId),
          eq(enrollments.learnerId, learnerId),
          isNull(enrollments.endedAt),
        ),
      )
      .orderBy(desc(enrollments.createdAt))
      .all()
      .map((r) => r.id);
    return this.#marketplace.catalog.cards(licenseId, ids).map((r) => toCard(r, true));
  }

  /**
   * Enrolls the learner (or reopens an ended enrollment) and queues `enrollment.created`.
   * Returns false when the learner was enrolled already.
   */
  enroll(
    tx: Tx,
    input: {
      licenseId: string;
      courseId: string;
      learnerId: string;
      source: EnrollmentSource;
      paymentId: string | null;
    },
    now: Date,
  ): boolean {
    const key = enrollmentKey(input.licenseId, input.courseId, input.learnerId);
    const existing = tx.select().from(enrollments).where(key).get();
    if (existing && existing.endedAt === null) return false;
    if (existing) {
      tx.update(enrollments)
        .set({ source: input.source, paymentId: input.paymentId, createdAt: now, endedAt: null })
        .where(key)
        .run();
    } else {
      tx.insert(enrollments)
        .values({ ...input, createdAt: now, endedAt: null })
        .run();
    }
    tx.update(courses)
      .set({ enrollmentCount: sql`${courses.enrollmentCount} + 1` })
      .where(courseKey(input.licenseId, input.courseId))
      .run();
    const subject = this.#learners.find(tx, input.licenseId, input.learnerId)?.subject;
    const payload: EnrollmentCreated = {
      courseId: input.courseId,
      learnerId: subject ?? input.learnerId,
      source: input.source,
      paymentId: input.paymentId,
      enrolledAt: now.toISOString(),
    };
    enqueueEvents(tx, [{ licenseId: input.licenseId, type: 'enrollment.created', payload }], now);
    return true;
  }

  /** Ends an enrollment (a full refund); false when there was none in force. */
  endEnrollment(
    tx: Tx,
    licenseId: string,
    courseId: string,
    learnerId: string,
    now: Date,
  ): boolean {
    const ended = tx
      .update(enrollments)
      .set({ endedAt: now })
      .where(enrollmentInForce(licenseId, courseId, learnerId))
      .run();
    if (ended.changes === 0) return false;
    tx.update(courses)
      .set({ enrollmentCount: sql`max(${courses.enrollmentCount} - 1, 0)` })
      .where(courseKey(licenseId, courseId))
      .run();
    return true;
  }

  /** Enrolls a signed-in learner in a free course. */
  enrollFree(learner: Learner, courseId: string): CourseCard {
    writeTransaction(this.#db, (tx) => {
      const row = this.#marketplace.catalog.publishedCourse(learner.licenseId, courseId, tx);
      if (row.priceAmount > 0) {
        throw new ApiError('conflict', 'This course is paid: buy it through checkout.', {
          extensions: { reason: 'paid_course' },
        });
      }
      const now = this.#clock.now();
      const enrolled = this.enroll(
        tx,
        {
          licenseId: learner.licenseId,
          courseId,
          learnerId: learner.id,
          source: 'free',
          paymentId: null,
        },
        now,
      );
      if (!enrolled) {
        throw new ApiError('conflict', 'You are enrolled in this course already.', {
          extensions: { reason: 'already_enrolled' },
        });
      }
    });
    return toCard(this.#marketplace.catalog.cards(learner.licenseId, [courseId])[0]!, true);
  }
}
