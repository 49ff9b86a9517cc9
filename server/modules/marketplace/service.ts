import { randomBytes } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import { first, type Db, type Store, type Tx } from '../../db/store.js';
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
  readonly #store: Store;
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
    store: Store;
    clock: Clock;
    filesDir: string;
    /** The license's `courses` allowance, used up by publishing. */
    courses: CourseAllowance;
    /** The learners module: who a learner id is, for events. */
    learners: LearnerDirectory;
  }) {
    const { store, clock } = options;
    this.#store = store;
    this.#clock = clock;
    this.files = new FileStore(options.filesDir);
    this.search = new CourseSearch(store);
    this.catalog = new CourseCatalog(store, this);
    this.enrollments = new Enrollments(store, clock, this, options.learners);
    this.downloads = new DownloadLinks(store, clock, this);
    this.authoring = new CourseAuthoring(store, clock, this, options.courses);
    this.reviews = new Reviews(store, clock, this);
    this.earnings = new Earnings(store, clock, this);
  }

  /* Settings */

  /**
   * The license's marketplace settings, created with their defaults on first use (in `db`'s
   * write when it is one, else in a write of its own).
   */
  async settings(licenseId: string, db: Db = this.#store.db) {
    const found = first(
      await db
        .select()
        .from(marketplaceSettings)
        .where(eq(marketplaceSettings.licenseId, licenseId))
        .limit(1),
    );
    if (found) return found;
    return this.#store.write(async (tx) => {
      await tx
        .insert(marketplaceSettings)
        .values({
          licenseId,
          linkKey: randomBytes(32).toString('base64url'),
          updatedAt: this.#clock.now(),
        })
        .onConflictDoNothing();
      const [created] = await tx
        .select()
        .from(marketplaceSettings)
        .where(eq(marketplaceSettings.licenseId, licenseId))
        .limit(1);
      return created!;
    });
  }

  async setSplit(licenseId: string, split: SplitSettings): Promise<SplitSettings> {
    return this.#store.write(async (tx) => {
      await this.settings(licenseId, tx);
      await tx
        .update(marketplaceSettings)
        .set({ ...split, updatedAt: this.#clock.now() })
        .where(eq(marketplaceSettings.licenseId, licenseId));
      return split;
    });
  }

  /** Retires cached search counts of the license, in the transaction that changes its catalog. */
  async touchCatalog(tx: Tx, licenseId: string): Promise<void> {
    await this.settings(licenseId, tx);
    await tx
      .update(marketplaceSettings)
      .set({ catalogVersion: sql`${marketplaceSettings.catalogVersion} + 1` })
      .where(eq(marketplaceSettings.licenseId, licenseId));
  }

  /* Instructors */

  async createInstructor(licenseId: string, input: InstructorInput): Promise<Instructor> {
    const now = this.#clock.now();
    return this.#store.write(async (tx) => {
      if (input.subject !== null) {
        const taken = first(
          await tx
            .select({ id: instructors.id })
            .from(instructors)
            .where(
              and(eq(instructors.licenseId, licenseId), eq(instructors.subject, input.subject)),
            )
            .limit(1),
        );
        if (taken) {
          throw new ApiError(
            'conflict',
            `Subject "${input.subject}" is already instructor ${taken.id}.`,
          );
        }
      }
      const [row] = await tx
        .insert(instructors)
        .values({ id: generateId('ins'), licenseId, ...input, createdAt: now, updatedAt: now })
        .returning();
      return instructorView(row!);
    });
  }

  async updateInstructor(
    licenseId: string,
    id: string,
    input: InstructorUpdate,
  ): Promise<Instructor> {
    return this.#store.write(async (tx) => {
      const [row] = await tx
        .update(instructors)
        .set({ ...input, updatedAt: this.#clock.now() })
        .where(and(eq(instructors.licenseId, licenseId), eq(instructors.id, id)))
        .returning();
      if (!row) throw new ApiError('not_found', `No instructor ${id} here.`);
      if (input.name !== undefined) await this.touchCatalog(tx, licenseId);
      return instructorView(row);
    });
  }

  async instructors(licenseId: string): Promise<Instructor[]> {
    const rows = await this.#store.db
      .select()
      .from(instructors)
      .where(eq(instructors.licenseId, licenseId))
      .orderBy(asc(instructors.createdAt), asc(instructors.id));
    return rows.map(instructorView);
  }

  async instructor(licenseId: string, id: string): Promise<InstructorRow> {
    const row = first(
      await this.#store.db
        .select()
        .from(instructors)
        .where(and(eq(instructors.licenseId, licenseId), eq(instructors.id, id)))
        .limit(1),
    );
    if (!row) throw new ApiError('not_found', `No instructor ${id} here.`);
    return row;
  }

  /** The instructor a learner token stands for, if its subject is linked to one. */
  async instructorFor(learner: Learner): Promise<InstructorRow | null> {
    const row = first(
      await this.#store.db
        .select()
        .from(instructors)
        .where(
          and(
            eq(instructors.licenseId, learner.licenseId),
            eq(instructors.subject, learner.subject),
          ),
        )
        .limit(1),
    );
    return row ?? null;
  }
}
