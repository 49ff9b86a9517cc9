import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type Database from 'better-sqlite3';
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { writeTransaction, type Db, type Tx } from '../../db/client.js';
import { ApiError } from '../../errors.js';
import type { Clock } from '../../services.js';
import type { Learner } from '../learners/service.js';
import { learners } from '../learners/schema.js';
import { generateId } from '../../lib/ids.js';
import { enqueueEvents } from '../outbox/service.js';
import { CARD_COLUMNS, toCard, type CardRow } from './cards.js';
import {
  checkFile,
  COVER_MAX_BYTES,
  coverTypes,
  FileStore,
  MATERIAL_MAX_BYTES,
  materialTypes,
} from './files.js';
import { describe } from './markdown.js';
import type {
  AuthoredCourse,
  CourseCard,
  CourseInput,
  CourseUpdate,
  Instructor,
  InstructorInput,
  InstructorUpdate,
  SearchPage,
  SearchQuery,
} from './openapi.js';
import {
  courseMaterials,
  courses,
  enrollments,
  instructors,
  marketplaceSettings,
  type CourseRow,
  type EnrollmentSource,
  type InstructorRow,
} from './schema.js';
import { Earnings } from './earnings.js';
import { Reviews } from './reviews.js';
import { CourseSearch } from './search.js';

/** How long a signed download link works. */
export const LINK_TTL_MS = 5 * 60_000;

/** Who is authoring: the customer's server (any instructor of the license) or one instructor. */
export interface Author {
  licenseId: string;
  /** null for the secret key, which acts for every instructor of the license. */
  instructorId: string | null;
}

export function instructorView(row: InstructorRow): Instructor {
  return {
    id: row.id,
    name: row.name,
    bio: row.bio,
    subject: row.subject,
    enterprise: row.enterprise,
    shareBps: row.shareBps,
    createdAt: row.createdAt.toISOString(),
  };
}

/** A course of the license. */
const courseKey = (licenseId: string, courseId: string) =>
  and(eq(courses.licenseId, licenseId), eq(courses.id, courseId));

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

/** A material of a course of the license. */
const materialKey = (licenseId: string, courseId: string, materialId: string) =>
  and(
    eq(courseMaterials.licenseId, licenseId),
    eq(courseMaterials.courseId, courseId),
    eq(courseMaterials.id, materialId),
  );

function notFound(courseId: string): ApiError {
  return new ApiError('not_found', `No course ${courseId} here.`);
}

/**
 * The course marketplace of every license: instructors, courses and their files, search,
 * enrollments. Purchases go through the payments module (see product.ts); reviews and
 * earnings live in their own classes. Every query is scoped by license id.
 */
export class MarketplaceService {
  readonly #db: Db;
  readonly #sqlite: Database.Database;
  readonly #clock: Clock;
  readonly files: FileStore;
  readonly search: CourseSearch;
  readonly reviews: Reviews;
  readonly earnings: Earnings;

  constructor(options: { db: Db; sqlite: Database.Database; clock: Clock; filesDir: string }) {
    this.#db = options.db;
    this.#sqlite = options.sqlite;
    this.#clock = options.clock;
    this.files = new FileStore(options.filesDir);
    this.search = new CourseSearch(options.sqlite);
    this.reviews = new Reviews(options.db, options.sqlite, options.clock, this);
    this.earnings = new Earnings(options.db, options.clock, this);
  }

  /* Settings */

  settings(licenseId: string, tx: Tx | Db = this.#db) {
    const found = tx
      .select()
      .from(marketplaceSettings)
      .where(eq(marketplaceSettings.licenseId, licenseId))
      .get();
    if (found) return found;
    tx.insert(marketplaceSettings)
      .values({
        licenseId,
        linkKey: randomBytes(32).toString('base64url'),
        updatedAt: this.#clock.now(),
      })
      .onConflictDoNothing()
      .run();
    return tx
      .select()
      .from(marketplaceSettings)
      .where(eq(marketplaceSettings.licenseId, licenseId))
      .get()!;
  }

  setSplit(
    licenseId: string,
    split: { instructorShareBps: number; enterpriseShareBps: number },
  ): { instructorShareBps: number; enterpriseShareBps: number } {
    return writeTransaction(this.#db, (tx) => {
      this.settings(licenseId, tx);
      tx.update(marketplaceSettings)
        .set({ ...split, updatedAt: this.#clock.now() })
        .where(eq(marketplaceSettings.licenseId, licenseId))
        .run();
      return split;
    });
  }

  /** Retires cached search counts of the license, in the transaction that changes its catalog. */
  touchCatalog(tx: Tx, licenseId: string): void {
    this.settings(licenseId, tx);
    tx.update(marketplaceSettings)
      .set({ catalogVersion: sql`${marketplaceSettings.catalogVersion} + 1` })
      .where(eq(marketplaceSettings.licenseId, licenseId))
      .run();
  }

  /* Instructors */

  createInstructor(licenseId: string, input: InstructorInput): Instructor {
    const now = this.#clock.now();
    return writeTransaction(this.#db, (tx) => {
      if (input.subject !== null) {
        const taken = tx
          .select({ id: instructors.id })
          .from(instructors)
          .where(and(eq(instructors.licenseId, licenseId), eq(instructors.subject, input.subject)))
          .get();
        if (taken) {
          throw new ApiError(
            'conflict',
            `Subject "${input.subject}" is already instructor ${taken.id}.`,
          );
        }
      }
      const row = tx
        .insert(instructors)
        .values({ id: generateId('ins'), licenseId, ...input, createdAt: now, updatedAt: now })
        .returning()
        .get();
      return instructorView(row);
    });
  }

  updateInstructor(licenseId: string, id: string, input: InstructorUpdate): Instructor {
    return writeTransaction(this.#db, (tx) => {
      const row = tx
        .update(instructors)
        .set({ ...input, updatedAt: this.#clock.now() })
        .where(and(eq(instructors.licenseId, licenseId), eq(instructors.id, id)))
        .returning()
        .get();
      if (!row) throw new ApiError('not_found', `No instructor ${id} here.`);
      if (input.name !== undefined) this.touchCatalog(tx, licenseId);
      return instructorView(row);
    });
  }

  instructors(licenseId: string): Instructor[] {
    return this.#db
      .select()
      .from(instructors)
      .where(eq(instructors.licenseId, licenseId))
      .orderBy(asc(instructors.createdAt), asc(instructors.id))
      .all()
      .map(instructorView);
  }

  instructor(licenseId: string, id: string): InstructorRow {
    const row = this.#db
      .select()
      .from(instructors)
      .where(and(eq(instructors.licenseId, licenseId), eq(instructors.id, id)))
      .get();
    if (!row) throw new ApiError('not_found', `No instructor ${id} here.`);
    return row;
  }

  /** The instructor a learner token stands for, if its subject is linked to one. */
  instructorFor(learner: Learner): InstructorRow | null {
    return (
      this.#db
        .select()
        .from(instructors)
        .where(
          and(
            eq(instructors.licenseId, learner.licenseId),
            eq(instructors.subject, learner.subject),
          ),
        )
        .get() ?? null
    );
  }

  /* Authoring */

  #authored(author: Author, courseId: string, tx: Tx | Db = this.#db): CourseRow {
    const row = tx.select().from(courses).where(courseKey(author.licenseId, courseId)).get();
    // Another instructor's course is as invisible as another tenant's.
    if (!row || (author.instructorId !== null && row.instructorId !== author.instructorId)) {
      throw notFound(courseId);
    }
    return row;
  }

  createCourse(author: Author, input: CourseInput): AuthoredCourse {
    const instructorId = author.instructorId ?? input.instructorId;
    if (!instructorId) {
      throw new ApiError('validation_failed', 'Say which instructor the course belongs to.', {
        errors: [{ path: 'body.instructorId', message: 'Required with the secret key' }],
      });
    }
    if (author.instructorId !== null && input.instructorId && input.instructorId !== instructorId) {
      throw new ApiError('forbidden', 'An instructor creates courses for themselves only.');
    }
    this.instructor(author.licenseId, instructorId);
    const now = this.#clock.now();
    const id = writeTransaction(this.#db, (tx) => {
      const row = tx
        .insert(courses)
        .values({
          id: generateId('crs'),
          licenseId: author.licenseId,
          instructorId,
          title: input.title,
          subtitle: input.subtitle,
          description: input.description,
          descriptionFormat: input.descriptionFormat,
          category: input.category,
          level: input.level,
          language: input.language,
          tags: [...new Set(input.tags)].join(' '),
          priceAmount: input.price.amount,
          currency: input.price.currency,
          status: input.status,
          publishedAt: input.status === 'published' ? now : null,
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: courses.id })
        .get();
      this.touchCatalog(tx, author.licenseId);
      return row.id;
    });
    return this.authoredCourse(author, id);
  }

  updateCourse(author: Author, courseId: string, input: CourseUpdate): AuthoredCourse {
    const now = this.#clock.now();
    writeTransaction(this.#db, (tx) => {
      const row = this.#authored(author, courseId, tx);
      const set: Partial<typeof courses.$inferInsert> = { updatedAt: now };
      if (input.title !== undefined) set.title = input.title;
      if (input.subtitle !== undefined) set.subtitle = input.subtitle;
      if (input.description !== undefined) set.description = input.description;
      if (input.descriptionFormat !== undefined) set.descriptionFormat = input.descriptionFormat;
      if (input.category !== undefined) set.category = input.category;
      if (input.level !== undefined) set.level = input.level;
      if (input.language !== undefined) set.language = input.language;
      if (input.tags !== undefined) set.tags = [...new Set(input.tags)].join(' ');
      if (input.price !== undefined) {
        set.priceAmount = input.price.amount;
        set.currency = input.price.currency;
      }
      if (input.status !== undefined) {
        set.status = input.status;
        if (input.status === 'published' && !row.publishedAt) set.publishedAt = now;
      }
      tx.update(courses).set(set).where(eq(courses.seq, row.seq)).run();
      this.touchCatalog(tx, author.licenseId);
    });
    return this.authoredCourse(author, courseId);
  }

  authoredCourse(author: Author, courseId: string): AuthoredCourse {
    const row = this.#authored(author, courseId);
    const card = this.#cardsByIds(author.licenseId, [row.id])[0]!;
    const materials = this.#db
      .select()
      .from(courseMaterials)
      .where(
        and(eq(courseMaterials.licenseId, author.licenseId), eq(courseMaterials.courseId, row.id)),
      )
      .orderBy(asc(courseMaterials.position))
      .all();
    return {
      ...toCard(card, false),
      status: row.status,
      description: row.description,
      descriptionFormat: row.descriptionFormat,
      materials: materials.map((m) => ({
        id: m.id,
        title: m.title,
        kind: m.kind,
        sizeBytes: m.sizeBytes,
        contentType: m.contentType,
        sha256: m.sha256,
      })),
      enrollments: row.enrollmentCount,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  /** The author's courses in every status, newest first. */
  authoredCourses(
    author: Author,
    options: { status?: CourseRow['status'] } = {},
  ): AuthoredCourse[] {
    const rows = this.#db
      .select({ id: courses.id })
      .from(courses)
      .where(
        and(
          eq(courses.licenseId, author.licenseId),
          author.instructorId === null ? undefined : eq(courses.instructorId, author.instructorId),
          options.status ? eq(courses.status, options.status) : undefined,
        ),
      )
      .orderBy(desc(courses.createdAt), desc(courses.seq))
      .limit(1000)
      .all();
    return rows.map((r) => this.authoredCourse(author, r.id));
  }

  setCover(author: Author, courseId: string, file: { type: string; size: number }, bytes: Buffer) {
    const type = checkFile(file, bytes.subarray(0, 16), coverTypes, COVER_MAX_BYTES, 'cover');
    this.#authored(author, courseId);
    const sha256 = this.files.put(bytes);
    writeTransaction(this.#db, (tx) => {
      const row = this.#authored(author, courseId, tx);
      tx.update(courses)
        .set({ coverHash: sha256, coverType: type.contentType, updatedAt: this.#clock.now() })
        .where(eq(courses.seq, row.seq))
        .run();
      this.touchCatalog(tx, author.licenseId);
    });
    return this.authoredCourse(author, courseId);
  }

  addMaterial(
    author: Author,
    courseId: string,
    input: { title: string; fileName: string },
    file: { type: string; size: number },
    bytes: Buffer,
  ): AuthoredCourse {
    const type = checkFile(file, bytes.subarray(0, 16), materialTypes, MATERIAL_MAX_BYTES, 'file');
    this.#authored(author, courseId);
    const sha256 = this.files.put(bytes);
    writeTransaction(this.#db, (tx) => {
      this.#authored(author, courseId, tx);
      const last = tx
        .select({ n: sql<number>`coalesce(max(${courseMaterials.position}), 0)` })
        .from(courseMaterials)
        .where(
          and(
            eq(courseMaterials.licenseId, author.licenseId),
            eq(courseMaterials.courseId, courseId),
          ),
        )
        .get();
      tx.insert(courseMaterials)
        .values({
          id: generateId('mat'),
          licenseId: author.licenseId,
          courseId,
          title: input.title,
          kind: type.kind,
          contentType: type.contentType,
          fileName: input.fileName,
          sizeBytes: bytes.length,
          sha256,
          position: (last?.n ?? 0) + 1,
          createdAt: this.#clock.now(),
        })
        .run();
    });
    return this.authoredCourse(author, courseId);
  }

  removeMaterial(author: Author, courseId: string, materialId: string): AuthoredCourse {
    writeTransaction(this.#db, (tx) => {
      this.#authored(author, courseId, tx);
      const gone = tx
        .delete(courseMaterials)
        .where(materialKey(author.licenseId, courseId, materialId))
        .run();
      if (gone.changes === 0)
        throw new ApiError('not_found', `No material ${materialId} in this course.`);
    });
    return this.authoredCourse(author, courseId);
  }

  /* Learners */

  #cardsByIds(licenseId: string, ids: string[]): CardRow[] {
    if (ids.length === 0) return [];
    const rows = this.#sqlite
      .prepare(
        `select ${CARD_COLUMNS} from courses c join instructors i on i.id = c.instructor_id
         where c.license_id = ? and c.id in (${ids.map(() => '?').join(',')})`,
      )
      .all(licenseId, ...ids) as CardRow[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => byId.get(id) ?? []);
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

  searchCourses(licenseId: string, learnerId: string | null, query: SearchQuery): SearchPage {
    return this.search.search(licenseId, query, (ids) =>
      this.enrolledAmong(licenseId, learnerId, ids),
    );
  }

  /** A published course of the license; drafts, archived courses and other tenants' are not found. */
  publishedCourse(licenseId: string, courseId: string, tx: Tx | Db = this.#db): CourseRow {
    const row = tx
      .select()
      .from(courses)
      .where(and(courseKey(licenseId, courseId), eq(courses.status, 'published')))
      .get();
    if (!row) throw notFound(courseId);
    return row;
  }

  /** A course any learner may see: published, or one the learner is enrolled in (archived later). */
  #visibleCourse(licenseId: string, courseId: string, learnerId: string | null): CourseRow {
    const row = this.#db.select().from(courses).where(courseKey(licenseId, courseId)).get();
    if (!row || row.status === 'draft') throw notFound(courseId);
    if (
      row.status === 'archived' &&
      !(learnerId && this.isEnrolled(licenseId, courseId, learnerId))
    ) {
      throw notFound(courseId);
    }
    return row;
  }

  detail(licenseId: string, courseId: string, learnerId: string | null) {
    const row = this.#visibleCourse(licenseId, courseId, learnerId);
    const card = this.#cardsByIds(licenseId, [row.id])[0]!;
    const enrolled = learnerId !== null && this.isEnrolled(licenseId, row.id, learnerId);
    const materials = this.#db
      .select({
        id: courseMaterials.id,
        title: courseMaterials.title,
        kind: courseMaterials.kind,
        sizeBytes: courseMaterials.sizeBytes,
      })
      .from(courseMaterials)
      .where(and(eq(courseMaterials.licenseId, licenseId), eq(courseMaterials.courseId, row.id)))
      .orderBy(asc(courseMaterials.position))
      .all();
    return {
      ...toCard(card, enrolled),
      description: describe(row.descriptionFormat, row.description),
      materials,
      createdAt: row.createdAt.toISOString(),
    };
  }

  /** The cover of a published course: its file and type. */
  cover(courseId: string): { sha256: string; contentType: string } | null {
    const row = this.#db
      .select({ hash: courses.coverHash, type: courses.coverType, status: courses.status })
      .from(courses)
      .where(eq(courses.id, courseId))
      .get();
    if (!row?.hash || !row.type || row.status === 'draft') return null;
    return { sha256: row.hash, contentType: row.type };
  }

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
    return this.#cardsByIds(licenseId, ids).map((r) => toCard(r, true));
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
    const subject = tx
      .select({ subject: learners.subject })
      .from(learners)
      .where(and(eq(learners.licenseId, input.licenseId), eq(learners.id, input.learnerId)))
      .get()?.subject;
    enqueueEvents(
      tx,
      [
        {
          licenseId: input.licenseId,
          type: 'enrollment.created',
          payload: {
            courseId: input.courseId,
            learnerId: subject ?? input.learnerId,
            source: input.source,
            paymentId: input.paymentId,
            enrolledAt: now.toISOString(),
          },
        },
      ],
      now,
    );
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
      const row = this.publishedCourse(learner.licenseId, courseId, tx);
      if (row.priceAmount > 0) {
        throw new ApiError('conflict', 'This course is paid: buy it through checkout.', {
          extensions: { reason: 'paid_course' },
        });
      }
      const now = this.#clock.now();
      if (
        !this.enroll(
          tx,
          {
            licenseId: learner.licenseId,
            courseId,
            learnerId: learner.id,
            source: 'free',
            paymentId: null,
          },
          now,
        )
      ) {
        throw new ApiError('conflict', 'You are enrolled in this course already.', {
          extensions: { reason: 'already_enrolled' },
        });
      }
    });
    return toCard(this.#cardsByIds(learner.licenseId, [courseId])[0]!, true);
  }

  /* Signed download links */

  #sign(key: string, payload: string): string {
    return createHmac('sha256', Buffer.from(key, 'base64url')).update(payload).digest('base64url');
  }

  /** A short-lived link to a material, for an enrolled learner only and bound to them. */
  downloadLink(
    learner: Learner,
    courseId: string,
    materialId: string,
  ): { url: string; expiresAt: string } {
    const material = this.#db
      .select({ id: courseMaterials.id })
      .from(courseMaterials)
      .where(materialKey(learner.licenseId, courseId, materialId))
      .get();
    if (!material)
      throw new ApiError('not_found', `No material ${materialId} in course ${courseId}.`);
    if (!this.isEnrolled(learner.licenseId, courseId, learner.id)) {
      throw new ApiError(
        'forbidden',
        'Only learners enrolled in the course can download its materials.',
      );
    }
    const expiresAt = this.#clock.now().getTime() + LINK_TTL_MS;
    const payload = Buffer.from(
      JSON.stringify([learner.licenseId, courseId, materialId, learner.id, expiresAt]),
    ).toString('base64url');
    const signature = this.#sign(this.settings(learner.licenseId).linkKey, payload);
    return {
      url: `/v1/courses/files/${payload}.${signature}`,
      expiresAt: new Date(expiresAt).toISOString(),
    };
  }

  /**
   * The file a signed link stands for. Refused when the signature does not verify, the link
   * has expired, the learner is no longer enrolled, or (when the request names a learner)
   * the link was made for someone else.
   */
  resolveLink(
    token: string,
    requester: Learner | null,
  ): { path: string; contentType: string; fileName: string; sizeBytes: number } {
    const refused = (detail: string) => new ApiError('forbidden', detail);
    const [payload, signature, extra] = token.split('.');
    if (!payload || !signature || extra !== undefined)
      throw refused('This download link is not valid.');
    let fields: unknown;
    try {
      fields = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw refused('This download link is not valid.');
    }
    if (
      !Array.isArray(fields) ||
      fields.length !== 5 ||
      !fields.slice(0, 4).every((f) => typeof f === 'string' && f.length > 0 && f.length <= 100) ||
      !Number.isSafeInteger(fields[4])
    ) {
      throw refused('This download link is not valid.');
    }
    const [licenseId, courseId, materialId, learnerId, expiresAt] = fields as [
      string,
      string,
      string,
      string,
      number,
    ];
    const settings = this.#db
      .select({ linkKey: marketplaceSettings.linkKey })
      .from(marketplaceSettings)
      .where(eq(marketplaceSettings.licenseId, licenseId))
      .get();
    const expected = settings ? Buffer.from(this.#sign(settings.linkKey, payload)) : null;
    const given = Buffer.from(signature);
    if (!expected || expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw refused('This download link is not valid.');
    }
    if (this.#clock.now().getTime() >= expiresAt) {
      throw refused('This download link has expired; ask for a new one.');
    }
    if (requester && (requester.licenseId !== licenseId || requester.id !== learnerId)) {
      throw refused('This download link was made for another learner.');
    }
    if (!this.isEnrolled(licenseId, courseId, learnerId)) {
      throw refused('The learner this link was made for is no longer enrolled.');
    }
    const material = this.#db
      .select()
      .from(courseMaterials)
      .where(materialKey(licenseId, courseId, materialId))
      .get();
    if (!material) throw new ApiError('not_found', 'The material has been removed.');
    return {
      path: this.files.pathOf(material.sha256),
      contentType: material.contentType,
      fileName: material.fileName,
      sizeBytes: material.sizeBytes,
    };
  }
}
