import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { first, type Db, type Store, type Tx } from '../../db/store.js';
import { spending } from '../../lib/allowance.js';
import { ApiError } from '../../errors.js';
import { generateId } from '../../lib/ids.js';
import { assertChargeable } from '../../lib/stripe.js';
import type { Clock } from '../../services.js';
import { toCard } from './cards.js';
import type { AuthoredCourse, CourseInput, CourseStatus, CourseUpdate } from './contract.js';
import type { CourseAllowance } from './dependencies.js';
import {
  checkFile,
  COVER_MAX_BYTES,
  coverTypes,
  MATERIAL_MAX_BYTES,
  materialTypes,
} from './files.js';
import { courseKey, courseNotFound, materialKey } from './queries.js';
import { courseMaterials, courses, type CourseRow } from './schema.js';
import type { MarketplaceService } from './service.js';

/** Who is authoring: the customer's server (any instructor of the license) or one instructor. */
export interface Author {
  licenseId: string;
  /** null for the secret key, which acts for every instructor of the license. */
  instructorId: string | null;
}

/**
 * Runs `write` as one write of the store; `consume` uses a unit of the license's allowance
 * where the write decides to publish (see `spending`).
 */
function spendingIn<T>(
  store: Store,
  allowance: CourseAllowance,
  licenseId: string,
  write: (tx: Tx, consume: () => Promise<void>) => Promise<T>,
): Promise<T> {
  return spending(allowance, licenseId, (consume) => store.write((tx) => write(tx, consume)));
}

/**
 * Courses as their authors see and change them: every status, the raw description, the
 * cover and the materials. Every change moves the license's catalog version in its own
 * transaction, which retires the cached search results of the license. A course's first
 * publication uses one unit of the license's `courses` allowance, inside the transaction that
 * publishes it: a refusal publishes nothing, and a write that fails counts nothing.
 */
export class CourseAuthoring {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #marketplace: MarketplaceService;
  readonly #allowance: CourseAllowance;

  constructor(
    store: Store,
    clock: Clock,
    marketplace: MarketplaceService,
    allowance: CourseAllowance,
  ) {
    this.#store = store;
    this.#clock = clock;
    this.#marketplace = marketplace;
    this.#allowance = allowance;
  }

  async #authored(author: Author, courseId: string, db: Db = this.#store.db): Promise<CourseRow> {
    const row = first(
      await db.select().from(courses).where(courseKey(author.licenseId, courseId)).limit(1),
    );
    // Another instructor's course is as invisible as another tenant's.
    if (!row || (author.instructorId !== null && row.instructorId !== author.instructorId)) {
      throw courseNotFound(courseId);
    }
    return row;
  }

  async createCourse(author: Author, input: CourseInput): Promise<AuthoredCourse> {
    // Refused here rather than at every checkout, where Stripe would refuse it for good.
    assertChargeable(input.price.amount, input.price.currency, 'body.price.amount');
    const instructorId = author.instructorId ?? input.instructorId;
    if (!instructorId) {
      throw new ApiError('validation_failed', 'Say which instructor the course belongs to.', {
        errors: [{ path: 'body.instructorId', message: 'Required with the secret key' }],
      });
    }
    if (author.instructorId !== null && input.instructorId && input.instructorId !== instructorId) {
      throw new ApiError('forbidden', 'An instructor creates courses for themselves only.');
    }
    await this.#marketplace.instructor(author.licenseId, instructorId);
    const now = this.#clock.now();
    const id = await spendingIn(
      this.#store,
      this.#allowance,
      author.licenseId,
      async (tx, consume) => {
        if (input.status === 'published') await consume();
        const [row] = await tx
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
          .returning({ id: courses.id });
        await this.#marketplace.touchCatalog(tx, author.licenseId);
        return row!.id;
      },
    );
    return this.authoredCourse(author, id);
  }

  async updateCourse(
    author: Author,
    courseId: string,
    input: CourseUpdate,
  ): Promise<AuthoredCourse> {
    if (input.price)
      assertChargeable(input.price.amount, input.price.currency, 'body.price.amount');
    const now = this.#clock.now();
    await spendingIn(this.#store, this.#allowance, author.licenseId, async (tx, consume) => {
      const row = await this.#authored(author, courseId, tx);
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
        // Only the first publication counts: archiving and publishing again does not.
        if (input.status === 'published' && !row.publishedAt) {
          await consume();
          set.publishedAt = now;
        }
      }
      await tx.update(courses).set(set).where(eq(courses.seq, row.seq));
      await this.#marketplace.touchCatalog(tx, author.licenseId);
    });
    return this.authoredCourse(author, courseId);
  }

  async authoredCourse(author: Author, courseId: string): Promise<AuthoredCourse> {
    const row = await this.#authored(author, courseId);
    const [card] = await this.#marketplace.catalog.cards(author.licenseId, [row.id]);
    const materials = await this.#store.db
      .select()
      .from(courseMaterials)
      .where(
        and(eq(courseMaterials.licenseId, author.licenseId), eq(courseMaterials.courseId, row.id)),
      )
      .orderBy(asc(courseMaterials.position));
    return {
      ...toCard(card!, false),
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
  async authoredCourses(
    author: Author,
    options: { status?: CourseStatus } = {},
  ): Promise<AuthoredCourse[]> {
    const rows = await this.#store.db
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
      .limit(1000);
    const authored: AuthoredCourse[] = [];
    for (const r of rows) authored.push(await this.authoredCourse(author, r.id));
    return authored;
  }

  async setCover(
    author: Author,
    courseId: string,
    file: { type: string; size: number },
    bytes: Buffer,
  ): Promise<AuthoredCourse> {
    const type = checkFile(file, bytes.subarray(0, 16), coverTypes, COVER_MAX_BYTES, 'cover');
    await this.#authored(author, courseId);
    const sha256 = this.#marketplace.files.put(bytes);
    await this.#store.write(async (tx) => {
      const row = await this.#authored(author, courseId, tx);
      await tx
        .update(courses)
        .set({ coverHash: sha256, coverType: type.contentType, updatedAt: this.#clock.now() })
        .where(eq(courses.seq, row.seq));
      await this.#marketplace.touchCatalog(tx, author.licenseId);
    });
    return this.authoredCourse(author, courseId);
  }

  async addMaterial(
    author: Author,
    courseId: string,
    input: { title: string; fileName: string },
    file: { type: string; size: number },
    bytes: Buffer,
  ): Promise<AuthoredCourse> {
    const type = checkFile(file, bytes.subarray(0, 16), materialTypes, MATERIAL_MAX_BYTES, 'file');
    await this.#authored(author, courseId);
    const sha256 = this.#marketplace.files.put(bytes);
    await this.#store.write(async (tx) => {
      await this.#authored(author, courseId, tx);
      const [last] = await tx
        .select({
          n: sql<number>`coalesce(max(${courseMaterials.position}), 0)`.mapWith(Number),
        })
        .from(courseMaterials)
        .where(
          and(
            eq(courseMaterials.licenseId, author.licenseId),
            eq(courseMaterials.courseId, courseId),
          ),
        );
      await tx.insert(courseMaterials).values({
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
      });
    });
    return this.authoredCourse(author, courseId);
  }

  async removeMaterial(
    author: Author,
    courseId: string,
    materialId: string,
  ): Promise<AuthoredCourse> {
    await this.#store.write(async (tx) => {
      await this.#authored(author, courseId, tx);
      const gone = await tx
        .delete(courseMaterials)
        .where(materialKey(author.licenseId, courseId, materialId))
        .returning({ id: courseMaterials.id });
      if (gone.length === 0)
        throw new ApiError('not_found', `No material ${materialId} in this course.`);
    });
    return this.authoredCourse(author, courseId);
  }
}
