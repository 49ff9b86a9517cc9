import { and, asc, eq, sql } from 'drizzle-orm';
import { first, rows, type Db, type Store } from '../../db/store.js';
import { CARD_COLUMNS, toCard, type CardRow } from './cards.js';
import type { CourseDetail, SearchPage, SearchQuery } from './contract.js';
import { describe } from './markdown.js';
import { courseKey, courseNotFound } from './queries.js';
import { courseMaterials, courses, type CourseRow } from './schema.js';
import type { MarketplaceService } from './service.js';

/**
 * The catalog as learners see it: course cards, search, a course's page and its cover. Drafts
 * are nobody's but their authors'; archived courses stay visible to the learners enrolled in
 * them. `enrolled` on a card is always read fresh, never from the search cache.
 */
export class CourseCatalog {
  readonly #store: Store;
  readonly #marketplace: MarketplaceService;

  constructor(store: Store, marketplace: MarketplaceService) {
    this.#store = store;
    this.#marketplace = marketplace;
  }

  /** Card rows of the license's courses among `ids`, in the order of `ids`. */
  async cards(licenseId: string, ids: string[]): Promise<CardRow[]> {
    if (ids.length === 0) return [];
    const found = await rows<CardRow>(
      this.#store.db,
      sql`select ${CARD_COLUMNS} from courses c join instructors i on i.id = c.instructor_id
         where c.license_id = ${licenseId} and c.id in (${sql.join(
           ids.map((id) => sql`${id}`),
           sql`, `,
         )})`,
    );
    const byId = new Map(found.map((r) => [r.id, r]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async search(
    licenseId: string,
    learnerId: string | null,
    query: SearchQuery,
  ): Promise<SearchPage> {
    return this.#marketplace.search.search(licenseId, query, (ids) =>
      this.#marketplace.enrollments.enrolledAmong(licenseId, learnerId, ids),
    );
  }

  /** A published course of the license; drafts, archived courses and other tenants' are not found. */
  async publishedCourse(
    licenseId: string,
    courseId: string,
    db: Db = this.#store.db,
  ): Promise<CourseRow> {
    const row = first(
      await db
        .select()
        .from(courses)
        .where(and(courseKey(licenseId, courseId), eq(courses.status, 'published')))
        .limit(1),
    );
    if (!row) throw courseNotFound(courseId);
    return row;
  }

  /** A course any learner may see: published, or one the learner is enrolled in (archived later). */
  async #visibleCourse(
    licenseId: string,
    courseId: string,
    learnerId: string | null,
  ): Promise<CourseRow> {
    const row = first(
      await this.#store.db.select().from(courses).where(courseKey(licenseId, courseId)).limit(1),
    );
    if (!row || row.status === 'draft') throw courseNotFound(courseId);
    if (
      row.status === 'archived' &&
      !(
        learnerId &&
        (await this.#marketplace.enrollments.isEnrolled(licenseId, courseId, learnerId))
      )
    ) {
      throw courseNotFound(courseId);
    }
    return row;
  }

  async detail(
    licenseId: string,
    courseId: string,
    learnerId: string | null,
  ): Promise<CourseDetail> {
    const row = await this.#visibleCourse(licenseId, courseId, learnerId);
    const card = (await this.cards(licenseId, [row.id]))[0]!;
    const enrolled =
      learnerId !== null &&
      (await this.#marketplace.enrollments.isEnrolled(licenseId, row.id, learnerId));
    const materials = await this.#store.db
      .select({
        id: courseMaterials.id,
        title: courseMaterials.title,
        kind: courseMaterials.kind,
        sizeBytes: courseMaterials.sizeBytes,
      })
      .from(courseMaterials)
      .where(and(eq(courseMaterials.licenseId, licenseId), eq(courseMaterials.courseId, row.id)))
      .orderBy(asc(courseMaterials.position));
    return {
      ...toCard(card, enrolled),
      description: describe(row.descriptionFormat, row.description),
      materials,
      createdAt: row.createdAt.toISOString(),
    };
  }

  /** The cover of a published course: its file and type. */
  async cover(courseId: string): Promise<{ sha256: string; contentType: string } | null> {
    const row = first(
      await this.#store.db
        .select({ hash: courses.coverHash, type: courses.coverType, status: courses.status })
        .from(courses)
        .where(eq(courses.id, courseId))
        .limit(1),
    );
    if (!row?.hash || !row.type || row.status === 'draft') return null;
    return { sha256: row.hash, contentType: row.type };
  }
}
