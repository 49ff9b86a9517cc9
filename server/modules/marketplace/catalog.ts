import type Database from 'better-sqlite3';
import { and, asc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
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
  readonly #db: Db;
  readonly #sqlite: Database.Database;
  readonly #marketplace: MarketplaceService;

  constructor(db: Db, sqlite: Database.Database, marketplace: MarketplaceService) {
    this.#db = db;
    this.#sqlite = sqlite;
    this.#marketplace = marketplace;
  }

  /** Card rows of the license's courses among `ids`, in the order of `ids`. */
  cards(licenseId: string, ids: string[]): CardRow[] {
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

  search(licenseId: string, learnerId: string | null, query: SearchQuery): SearchPage {
    return this.#marketplace.search.search(licenseId, query, (ids) =>
      this.#marketplace.enrollments.enrolledAmong(licenseId, learnerId, ids),
    );
  }

  /** A published course of the license; drafts, archived courses and other tenants' are not found. */
  publishedCourse(licenseId: string, courseId: string, tx: Tx | Db = this.#db): CourseRow {
    const row = tx
      .select()
      .from(courses)
      .where(and(courseKey(licenseId, courseId), eq(courses.status, 'published')))
      .get();
    if (!row) throw courseNotFound(courseId);
    return row;
  }

  /** A course any learner may see: published, or one the learner is enrolled in (archived later). */
  #visibleCourse(licenseId: string, courseId: string, learnerId: string | null): CourseRow {
    const row = this.#db.select().from(courses).where(courseKey(licenseId, courseId)).get();
    if (!row || row.status === 'draft') throw courseNotFound(courseId);
    if (
      row.status === 'archived' &&
      !(learnerId && this.#marketplace.enrollments.isEnrolled(licenseId, courseId, learnerId))
    ) {
      throw courseNotFound(courseId);
    }
    return row;
  }

  detail(licenseId: string, courseId: string, learnerId: string | null): CourseDetail {
    const row = this.#visibleCourse(licenseId, courseId, learnerId);
    const card = this.cards(licenseId, [row.id])[0]!;
    const enrolled =
      learnerId !== null && this.#marketplace.enrollments.isEnrolled(licenseId, row.id, learnerId);
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
}
