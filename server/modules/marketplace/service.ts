import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { and, asc, eq, sql } from 'drizzle-orm';
import { writeTransaction, type Db, type Tx } from '../../db/client.js';
import { ApiError } from '../../errors.js';
import { generateId } from '../../lib/ids.js';
import type { Clock } from '../../services.js';
import type { Learner } from '../learners/service.js';
import { CourseAuthoring } from './authoring.js';
import { CourseCatalog } from './catalog.js';
import type { CourseAllowance, LearnerDirectory } from './dependencies.js';
import type { Instructor, InstructorInput, InstructorUpdate, SplitSettings } from './contract.js';
import { DownloadLinks } from './downloads.js';
import { Earnings } from './earnings.js';
import { Enrollments } from './enrollments.js';
import { FileStore } from './files.js';
import { Reviews } from './reviews.js';
import { instructors, marketplaceSettings, type InstructorRow } from './schema.js';
import { CourseSearch } from './search.js';

function instructorView(row: InstructorRow): Instructor {
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

/**
 * The course marketplace of every license. This class holds what every part leans on — the
 * license's settings (split, link key, catalog version) and its instructors — and hands out
 * the parts, one job each: the learners' catalog, search, enrollments, download links,
 * authoring, reviews and earnings. Purchases go through the payments module (product.ts).
 * Every query is scoped by license id.
 */
export class MarketplaceService {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly files: FileStore;
  readonly search: CourseSearch;
  readonly catalog: CourseCatalog;
  readonly enrollments: Enrollments;
  readonly downloads: DownloadLinks;
  readonly authoring: CourseAuthoring;
  readonly reviews: Reviews;
  readonly earnings: Earnings;

  constructor(options: {
    db: Db;
    sqlite: Database.Database;
    clock: Clock;
    filesDir: string;
    /** The license's `courses` allowance, used up by publishing. */
    courses: CourseAllowance;
    /** The learners module: who a learner id is, for events. */
    learners: LearnerDirectory;
  }) {
    const { db, sqlite, clock } = options;
    this.#db = db;
    this.#clock = clock;
    this.files = new FileStore(options.filesDir);
    this.search = new CourseSearch(sqlite);
    this.catalog = new CourseCatalog(db, sqlite, this);
    this.enrollments = new Enrollments(db, sqlite, clock, this, options.learners);
    this.downloads = new DownloadLinks(db, clock, this);
    this.authoring = new CourseAuthoring(db, clock, this, options.courses);
    this.reviews = new Reviews(db, sqlite, clock, this);
    this.earnings = new Earnings(db, clock, this);
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

  setSplit(licenseId: string, split: SplitSettings): SplitSettings {
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
}
