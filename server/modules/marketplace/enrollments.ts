import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { first, type Db, type Store, type Tx } from '../../db/store.js';
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
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #marketplace: MarketplaceService;
  readonly #learners: LearnerDirectory;

  constructor(
    store: Store,
    clock: Clock,
    marketplace: MarketplaceService,
    learners: LearnerDirectory,
  ) {
    this.#store = store;
    this.#clock = clock;
    this.#marketplace = marketplace;
    this.#learners = learners;
  }

  /** Course ids among `courseIds` the learner is enrolled in now. */
  async enrolledAmong(
    licenseId: string,
    learnerId: string | null,
    courseIds: string[],
  ): Promise<Set<string>> {
    if (!learnerId || courseIds.length === 0) return new Set();
    const found = await this.#store.db
      .select({ courseId: enrollments.courseId })
      .from(enrollments)
      .where(
        and(
          eq(enrollments.licenseId, licenseId),
          eq(enrollments.learnerId, learnerId),
          isNull(enrollments.endedAt),
          inArray(enrollments.courseId, courseIds),
        ),
      );
    return new Set(found.map((r) => r.courseId));
  }

  async isEnrolled(
    licenseId: string,
    courseId: string,
    learnerId: string,
    db: Db = this.#store.db,
  ): Promise<boolean> {
    const found = first(
      await db
        .select({ id: enrollments.courseId })
        .from(enrollments)
        .where(enrollmentInForce(licenseId, courseId, learnerId))
        .limit(1),
    );
    return found !== undefined;
  }

  /** The learner's courses, most recently enrolled first. */
  async myCourses(licenseId: string, learnerId: string): Promise<CourseCard[]> {
    const found = await this.#store.db
      .select({ id: enrollments.courseId })
      .from(enrollments)
      .where(
        and(
          eq(enrollments.licenseId, licenseId),
          eq(enrollments.learnerId, learnerId),
          isNull(enrollments.endedAt),
        ),
      )
      .orderBy(desc(enrollments.createdAt));
    const cards = await this.#marketplace.catalog.cards(
      licenseId,
      found.map((r) => r.id),
    );
    return cards.map((r) => toCard(r, true));
  }

  /**
   * Enrolls the learner (or reopens an ended enrollment) and queues `enrollment.created`, in
   * the caller's write. Returns false when the learner was enrolled already.
   */
  async enroll(
    tx: Tx,
    input: {
      licenseId: string;
      courseId: string;
      learnerId: string;
      source: EnrollmentSource;
      paymentId: string | null;
    },
    now: Date,
  ): Promise<boolean> {
    const key = enrollmentKey(input.licenseId, input.courseId, input.learnerId);
    const existing = first(await tx.select().from(enrollments).where(key).limit(1));
    if (existing && existing.endedAt === null) return false;
    if (existing) {
      await tx
        .update(enrollments)
        .set({ source: input.source, paymentId: input.paymentId, createdAt: now, endedAt: null })
        .where(key);
    } else {
      await tx.insert(enrollments).values({ ...input, createdAt: now, endedAt: null });
    }
    await tx
      .update(courses)
      .set({ enrollmentCount: sql`${courses.enrollmentCount} + 1` })
      .where(courseKey(input.licenseId, input.courseId));
    const subject = (await this.#learners.find(tx, input.licenseId, input.learnerId))?.subject;
    const payload: EnrollmentCreated = {
      courseId: input.courseId,
      learnerId: subject ?? input.learnerId,
      source: input.source,
      paymentId: input.paymentId,
      enrolledAt: now.toISOString(),
    };
    await enqueueEvents(
      tx,
      [{ licenseId: input.licenseId, type: 'enrollment.created', payload }],
      now,
    );
    return true;
  }

  /** Ends an enrollment (a full refund), in the caller's write; false when there was none in force. */
  async endEnrollment(
    tx: Tx,
    licenseId: string,
    courseId: string,
    learnerId: string,
    now: Date,
  ): Promise<boolean> {
    const ended = await tx
      .update(enrollments)
      .set({ endedAt: now })
      .where(enrollmentInForce(licenseId, courseId, learnerId))
      .returning({ courseId: enrollments.courseId });
    if (ended.length === 0) return false;
    await tx
      .update(courses)
      .set({
        enrollmentCount: sql`case when ${courses.enrollmentCount} > 0
          then ${courses.enrollmentCount} - 1 else 0 end`,
      })
      .where(courseKey(licenseId, courseId));
    return true;
  }

  /** Enrolls a signed-in learner in a free course. */
  async enrollFree(learner: Learner, courseId: string): Promise<CourseCard> {
    await this.#store.write(async (tx) => {
      const row = await this.#marketplace.catalog.publishedCourse(learner.licenseId, courseId, tx);
      if (row.priceAmount > 0) {
        throw new ApiError('conflict', 'This course is paid: buy it through checkout.', {
          extensions: { reason: 'paid_course' },
        });
      }
      const now = this.#clock.now();
      const enrolled = await this.enroll(
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
    const [card] = await this.#marketplace.catalog.cards(learner.licenseId, [courseId]);
    return toCard(card!, true);
  }
}
