import { index, integer, primaryKey, real, table, text, uniqueIndex } from '../../db/kit.js';
import { tenantId, timestamps } from '../../db/columns.js';
import { licenses } from '../licenses/schema.js';
import {
  courseLevels,
  courseStatuses,
  descriptionFormats,
  enrollmentSources,
  materialKinds,
} from './contract.js';

// The demo seeds courses with these; they are the API's words, defined once in the contract.
export type { CourseLevel } from './contract.js';

/** Revenue split and download-link key of a license's marketplace; defaults until set. */
export const marketplaceSettings = table('marketplace_settings', {
  licenseId: text()
    .primaryKey()
    .references(() => licenses.id),
  /** Instructor share in basis points (1/100 of a percent); the platform keeps the rest. */
  instructorShareBps: integer().notNull().default(7000),
  /** Instructor share for instructors flagged enterprise. */
  enterpriseShareBps: integer().notNull().default(7500),
  /** HMAC key of the license's signed download links (base64url, 32 bytes). */
  linkKey: text().notNull(),
  /** Moves on every change to the license's catalog; cached search counts are keyed by it. */
  catalogVersion: integer().notNull().default(0),
  updatedAt: integer({ mode: 'timestamp_ms' }).notNull(),
});

/**
 * A person who publishes courses on a license. `subject` links the instructor to a learner
 * token subject: a learner token of that license whose `sub` matches acts as the instructor.
 */
export const instructors = table(
  'instructors',
  {
    id: text().primaryKey(),
    licenseId: tenantId().references(() => licenses.id),
    subject: text(),
    name: text().notNull(),
    bio: text().notNull().default(''),
    enterprise: integer({ mode: 'boolean' }).notNull().default(false),
    /** Overrides the license's split for this instructor, in basis points. */
    shareBps: integer(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('instructors_license_subject_idx').on(t.licenseId, t.subject),
    index('instructors_license_idx').on(t.licenseId, t.createdAt),
  ],
);

export type InstructorRow = typeof instructors.$inferSelect;

/**
 * A course. `seq` is the integer key the full-text index (`courses_fts`, an external-content
 * FTS5 table kept in step by triggers) points at; `id` is the public identifier.
 */
export const courses = table(
  'courses',
  {
    seq: integer().primaryKey({ autoIncrement: true }),
    id: text().notNull().unique(),
    licenseId: tenantId().references(() => licenses.id),
    instructorId: text()
      .notNull()
      .references(() => instructors.id),
    title: text().notNull(),
    subtitle: text().notNull().default(''),
    description: text().notNull().default(''),
    descriptionFormat: text({ enum: descriptionFormats }).notNull().default('text'),
    category: text().notNull(),
    level: text({ enum: courseLevels }).notNull(),
    /** BCP 47 primary language, e.g. `en`. */
    language: text().notNull(),
    /** Space-separated lower-case tags (so the full-text index reads them as words). */
    tags: text().notNull().default(''),
    /** Integer minor units; 0 means free. */
    priceAmount: integer().notNull(),
    currency: text().notNull(),
    status: text({ enum: courseStatuses }).notNull(),
    coverHash: text(),
    coverType: text(),
    ratingSum: integer().notNull().default(0),
    ratingCount: integer().notNull().default(0),
    /** ratingSum / ratingCount, or null without ratings; kept for sorting and filtering. */
    ratingAverage: real(),
    enrollmentCount: integer().notNull().default(0),
    publishedAt: integer({ mode: 'timestamp_ms' }),
    ...timestamps,
  },
  (t) => [
    // One index per sort order, carrying the filter columns too: a filtered page is read from
    // the index alone, and only the rows on the page are fetched.
    index('courses_newest_idx').on(
      t.licenseId,
      t.status,
      t.createdAt,
      t.seq,
      t.category,
      t.level,
      t.language,
      t.priceAmount,
      t.ratingAverage,
    ),
    index('courses_price_idx').on(
      t.licenseId,
      t.status,
      t.priceAmount,
      t.seq,
      t.category,
      t.level,
      t.language,
      t.ratingAverage,
    ),
    index('courses_rating_idx').on(
      t.licenseId,
      t.status,
      t.ratingAverage,
      t.seq,
      t.category,
      t.level,
      t.language,
      t.priceAmount,
    ),
    index('courses_popular_idx').on(
      t.licenseId,
      t.status,
      t.enrollmentCount,
      t.seq,
      t.category,
      t.level,
      t.language,
      t.priceAmount,
      t.ratingAverage,
    ),
    index('courses_category_idx').on(
      t.licenseId,
      t.status,
      t.category,
      t.level,
      t.language,
      t.priceAmount,
      t.ratingAverage,
    ),
    // Facet counts of full-text matches look rows up by seq; this answers them without the row.
    index('courses_facets_idx').on(
      t.seq,
      t.licenseId,
      t.status,
      t.category,
      t.level,
      t.language,
      t.priceAmount,
      t.ratingAverage,
    ),
    index('courses_instructor_idx').on(t.licenseId, t.instructorId),
  ],
);

export type CourseRow = typeof courses.$inferSelect;

/** The columns of a row that belongs to a course: its license and the course. */
const courseOwned = () => ({
  licenseId: tenantId().references(() => licenses.id),
  courseId: text()
    .notNull()
    .references(() => courses.id),
});

/** A file of a course, stored under the data directory by its SHA-256. */
export const courseMaterials = table(
  'course_materials',
  {
    id: text().primaryKey(),
    ...courseOwned(),
    title: text().notNull(),
    kind: text({ enum: materialKinds }).notNull(),
    contentType: text().notNull(),
    fileName: text().notNull(),
    sizeBytes: integer().notNull(),
    sha256: text().notNull(),
    position: integer().notNull(),
    createdAt: integer({ mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('course_materials_course_idx').on(t.licenseId, t.courseId, t.position)],
);

export type MaterialRow = typeof courseMaterials.$inferSelect;

/** A learner's access to a course. A full refund ends it (`endedAt`); buying again reopens it. */
export const enrollments = table(
  'enrollments',
  {
    ...courseOwned(),
    /** The learner's server id (`lrn_…`). */
    learnerId: text().notNull(),
    source: text({ enum: enrollmentSources }).notNull(),
    paymentId: text(),
    createdAt: integer({ mode: 'timestamp_ms' }).notNull(),
    endedAt: integer({ mode: 'timestamp_ms' }),
  },
  (t) => [
    primaryKey({ columns: [t.licenseId, t.courseId, t.learnerId] }),
    index('enrollments_learner_idx').on(t.licenseId, t.learnerId, t.createdAt),
  ],
);

export type EnrollmentRow = typeof enrollments.$inferSelect;

/** One review per learner and course; the course's rating sums move in the same transaction. */
export const courseReviews = table(
  'course_reviews',
  {
    id: text().primaryKey(),
    ...courseOwned(),
    learnerId: text().notNull(),
    displayName: text().notNull(),
    rating: integer().notNull(),
    text: text().notNull(),
    helpfulCount: integer().notNull().default(0),
    /** Hidden by the operator: not listed and not counted in the rating. */
    hiddenAt: integer({ mode: 'timestamp_ms' }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('course_reviews_learner_idx').on(t.licenseId, t.courseId, t.learnerId),
    index('course_reviews_newest_idx').on(t.licenseId, t.courseId, t.createdAt),
  ],
);

export type ReviewRow = typeof courseReviews.$inferSelect;

export const earningKinds = ['earned', 'reversed', 'paid_out'] as const;
export type EarningKind = (typeof earningKinds)[number];

/**
 * The instructors' ledger. `earned` rows carry the instructor's share of a payment (and the
 * platform's, for the report), `reversed` rows the shares a refund took back (negative), and
 * `paid_out` rows what was paid to the instructor (negative).
 */
export const instructorEarnings = table(
  'instructor_earnings',
  {
    id: text().primaryKey(),
    licenseId: tenantId().references(() => licenses.id),
    instructorId: text()
      .notNull()
      .references(() => instructors.id),
    kind: text({ enum: earningKinds }).notNull(),
    courseId: text(),
    paymentId: text(),
    /** Integer minor units, signed: what this row adds to the instructor's balance. */
    amount: integer().notNull(),
    /** The platform's side of the same split, signed the same way; 0 for payouts. */
    platformAmount: integer().notNull(),
    currency: text().notNull(),
    /** The instructor's share in basis points used for this split. */
    shareBps: integer(),
    note: text(),
    createdAt: integer({ mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    index('instructor_earnings_instructor_idx').on(t.licenseId, t.instructorId, t.createdAt),
    index('instructor_earnings_payment_idx').on(t.paymentId),
  ],
);

export type EarningRow = typeof instructorEarnings.$inferSelect;

/** "Helpful" votes on reviews, one per learner and review; the review's count moves with them. */
export const courseReviewVotes = table(
  'course_review_votes',
  {
    licenseId: tenantId().references(() => licenses.id),
    reviewId: text()
      .notNull()
      .references(() => courseReviews.id),
    learnerId: text().notNull(),
    createdAt: integer({ mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.licenseId, t.reviewId, t.learnerId] })],
);
