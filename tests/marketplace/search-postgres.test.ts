/**
 * Course search on PostgreSQL (the tsvector column, its GIN index, ts_rank and the
 * trigger-kept facet counts of migrations/postgres/0001_marketplace_search.sql), driven
 * through `CourseSearch` on a store of its own. Runs in the PostgreSQL pass only; on SQLite
 * the same API is covered through HTTP by search.test.ts.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows, type Store } from '../../server/db/store.js';
import {
  SearchQuery,
  type CourseCard,
  type SearchPage,
} from '../../server/modules/marketplace/contract.js';
import {
  courses,
  instructors,
  marketplaceSettings,
} from '../../server/modules/marketplace/schema.js';
import { CourseSearch } from '../../server/modules/marketplace/search.js';
import { FIXED_NOW, SteppableClock } from '../fixtures/clock.js';
import { insertLicense } from '../fixtures/licenses.js';
import { createTestStore, onPostgres, type TestStore } from '../fixtures/store.js';

const LICENSE = 'lic_pgsearch';
const OTHER = 'lic_pgsearch_other';

interface Seed {
  title: string;
  subtitle?: string;
  tags?: string;
  description?: string;
  category: string;
  level: 'beginner' | 'intermediate' | 'advanced' | 'all';
  language?: string;
  price: number;
  rating?: number;
  status?: 'draft' | 'published' | 'archived';
  license?: string;
}

/** In creation order: `seq` and `createdAt` follow it. */
const catalog: Seed[] = [
  {
    title: 'Python for Data Analysis',
    subtitle: 'Pandas and clear charts',
    tags: 'python pandas',
    category: 'data science',
    level: 'beginner',
    price: 4900,
    rating: 4.6,
  },
  {
    title: 'Data Wrangling Recipes',
    description: 'Cleaning messy tables, step by step. Every recipe uses Python and SQL.',
    category: 'data science',
    level: 'intermediate',
    price: 0,
  },
  {
    title: 'Snakes of the World',
    tags: 'python reptiles',
    category: 'nature',
    level: 'all',
    price: 1500,
    rating: 3.9,
  },
  {
    title: 'Python Programming Bootcamp',
    category: 'programming',
    level: 'beginner',
    price: 9900,
    rating: 4.2,
  },
  {
    title: 'Análisis de datos con Python',
    category: 'data science',
    level: 'beginner',
    language: 'es',
    price: 3000,
    rating: 4.8,
  },
  {
    title: 'Node.js Services',
    subtitle: 'HTTP APIs that stay up',
    category: 'programming',
    level: 'advanced',
    price: 2500,
    rating: 4.2,
  },
  {
    title: 'Automate the Boring Stuff',
    subtitle: 'Small scripts in Python',
    category: 'programming',
    level: 'beginner',
    price: 1900,
  },
  { title: 'Guitar from Scratch', category: 'music', level: 'beginner', price: 0, rating: 4.9 },
  { title: 'Python Draft', category: 'programming', level: 'beginner', price: 0, status: 'draft' },
  {
    title: 'Python Elsewhere',
    category: 'programming',
    level: 'beginner',
    price: 1000,
    license: OTHER,
  },
];

const published = catalog.filter((c) => (c.status ?? 'published') === 'published');
const ours = published.filter((c) => (c.license ?? LICENSE) === LICENSE);

const none = async (): Promise<Set<string>> => new Set();

describe.skipIf(!onPostgres)('course search on PostgreSQL', () => {
  let test: TestStore;
  let store: Store;
  let search: CourseSearch;
  const clock = new SteppableClock();

  beforeAll(async () => {
    test = await createTestStore();
    store = test.store;
    await store.write(async (tx) => {
      for (const id of [LICENSE, OTHER]) {
        await insertLicense(tx, clock, { id, allowedOrigins: ['https://portal.test'] });
        await tx.insert(instructors).values({
          id: `ins_${id}`,
          licenseId: id,
          name: `Instructor of ${id}`,
          createdAt: clock.now(),
          updatedAt: clock.now(),
        });
        await tx.insert(marketplaceSettings).values({
          licenseId: id,
          linkKey: 'test-link-key',
          updatedAt: clock.now(),
        });
      }
      for (const [i, c] of catalog.entries()) {
        const licenseId = c.license ?? LICENSE;
        const createdAt = new Date(FIXED_NOW.getTime() + i * 60_000);
        await tx.insert(courses).values({
          id: `crs_${i}`,
          licenseId,
          instructorId: `ins_${licenseId}`,
          title: c.title,
          subtitle: c.subtitle ?? '',
          description: c.description ?? '',
          tags: c.tags ?? '',
          category: c.category,
          level: c.level,
          language: c.language ?? 'en',
          priceAmount: c.price,
          currency: 'USD',
          status: c.status ?? 'published',
          ratingSum: c.rating === undefined ? 0 : c.rating * 10,
          ratingCount: c.rating === undefined ? 0 : 10,
          ratingAverage: c.rating ?? null,
          createdAt,
          updatedAt: createdAt,
        });
      }
    });
    search = new CourseSearch(store);
  });

  afterAll(() => test?.cleanup());

  function find(query: Record<string, unknown>, license = LICENSE): Promise<SearchPage> {
    return search.search(license, SearchQuery.parse(query), none);
  }

  const titles = (page: SearchPage) => page.items.map((c) => c.title);

  /** Every page of a search, following nextCursor. */
  async function all(query: Record<string, unknown>, limit: number): Promise<CourseCard[]> {
    const items: CourseCard[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 50; pages++) {
      const page = await find({ ...query, limit, cursor });
      items.push(...page.items);
      if (!page.nextCursor) return items;
      cursor = page.nextCursor;
    }
    throw new Error('More pages than courses');
  }

  /** Moves the license's catalog version, as every course change does. */
  async function touchCatalog(change: (tx: Store['db']) => Promise<unknown>): Promise<void> {
    await store.write(async (tx) => {
      await change(tx);
      await tx
        .update(marketplaceSettings)
        .set({ catalogVersion: sql`${marketplaceSettings.catalogVersion} + 1` })
        .where(eq(marketplaceSettings.licenseId, LICENSE));
    });
  }

  it('ranks title matches above subtitle, tag and description matches', async () => {
    const page = await find({ q: 'python', limit: 50 });
    expect(titles(page)).toEqual([
      // Title matches, equal in rank, in creation order; the tag match adds to the first.
      'Python for Data Analysis',
      'Python Programming Bootcamp',
      'Análisis de datos con Python',
      'Automate the Boring Stuff', // subtitle
      'Snakes of the World', // tags
      'Data Wrangling Recipes', // description
    ]);
    expect(page.total).toBe(6);
    expect(page.nextCursor).toBeNull();
  });

  it('matches the word being typed as a prefix, without accents or case', async () => {
    const python = await find({ q: 'python', limit: 50 });
    const prefix = await find({ q: 'py', limit: 50 });
    expect(titles(prefix)).toEqual(titles(python));
    expect(prefix.total).toBe(python.total);
    expect(titles(await find({ q: 'PYTH' }))).toEqual(titles(python));
    // A one-letter last word is a whole word, not a prefix.
    expect((await find({ q: 'p' })).total).toBe(0);
    expect(titles(await find({ q: 'analisis' }))).toEqual(['Análisis de datos con Python']);
    expect(titles(await find({ q: 'ANÁLISIS datos' }))).toEqual(['Análisis de datos con Python']);
    // Every word is required; punctuation separates words, as in the query.
    expect(titles(await find({ q: 'python charts' }))).toEqual(['Python for Data Analysis']);
    expect(titles(await find({ q: 'node.js' }))).toEqual(['Node.js Services']);
    expect(titles(await find({ q: 'node js ap' }))).toEqual(['Node.js Services']);
  });

  it('treats query syntax as words', async () => {
    for (const q of ['"', "python:*A | 'x'", 'a & !b', '<->', "'; drop table courses; --", '*']) {
      await expect(find({ q })).resolves.toMatchObject({ items: expect.any(Array) });
    }
    const [count] = await rows<{ n: number }>(store.db, sql`select count(*) as n from courses`);
    expect(count!.n).toBe(catalog.length);
  });

  it('keeps drafts and other licenses out of results, counts and suggestions', async () => {
    const page = await find({ q: 'python', limit: 50 });
    expect(titles(page)).not.toContain('Python Draft');
    expect(titles(page)).not.toContain('Python Elsewhere');
    const other = await find({ q: 'python', limit: 50 }, OTHER);
    expect(titles(other)).toEqual(['Python Elsewhere']);
    expect(other.facets.category).toEqual([{ value: 'programming', count: 1 }]);
    expect((await search.suggest(OTHER, 'py')).map((s) => s.title)).toEqual(['Python Elsewhere']);
  });

  it('counts facets under the other filters, leaving out their own', async () => {
    const everything = await find({ limit: 1 });
    expect(everything.total).toBe(ours.length);
    expect(everything.facets.category).toEqual([
      { value: 'data science', count: 3 },
      { value: 'programming', count: 3 },
      { value: 'music', count: 1 },
      { value: 'nature', count: 1 },
    ]);
    expect(everything.facets.price).toEqual({ free: 2, paid: ours.length - 2 });
    expect(everything.facets.language).toEqual([
      { value: 'en', count: ours.length - 1 },
      { value: 'es', count: 1 },
    ]);

    const data = await find({ category: 'Data Science', limit: 50 });
    expect(data.total).toBe(3);
    expect(data.facets.category).toEqual(everything.facets.category);
    expect(data.facets.level).toEqual([
      { value: 'beginner', count: 2 },
      { value: 'intermediate', count: 1 },
    ]);
    expect(data.facets.price).toEqual({ free: 1, paid: 2 });

    // With text: counted over the matches.
    const text = await find({ q: 'python', free: 'false', limit: 1 });
    expect(text.total).toBe(5);
    expect(text.facets.price).toEqual({ free: 1, paid: 5 });
    expect(text.facets.category).toEqual([
      { value: 'data science', count: 2 },
      { value: 'programming', count: 2 },
      { value: 'nature', count: 1 },
    ]);

    // With a range: counted over the courses in it.
    const ranged = await find({ minPrice: 1000, maxPrice: 5000, limit: 50 });
    expect(ranged.total).toBe(5);
    expect(ranged.facets.price).toEqual({ free: 0, paid: 5 });
  });

  it('filters by category, level, language, price, free and rating', async () => {
    const beginner = await find({ level: 'beginner', language: 'en', limit: 50 });
    expect(titles(beginner).sort()).toEqual(
      [
        'Automate the Boring Stuff',
        'Guitar from Scratch',
        'Python Programming Bootcamp',
        'Python for Data Analysis',
      ].sort(),
    );
    const free = await find({ free: 'true', limit: 50 });
    expect(titles(free).sort()).toEqual(['Data Wrangling Recipes', 'Guitar from Scratch']);
    const range = await find({ q: 'py', minPrice: 2000, maxPrice: 5000, limit: 50 });
    expect(titles(range)).toEqual(['Python for Data Analysis', 'Análisis de datos con Python']);
    const rated = await find({ q: 'python', minRating: 4.5, limit: 50 });
    expect(titles(rated)).toEqual(['Python for Data Analysis', 'Análisis de datos con Python']);
    const spanish = await find({ q: 'python', language: 'es', limit: 50 });
    expect(titles(spanish)).toEqual(['Análisis de datos con Python']);
    expect(spanish.total).toBe(1);
    expect(spanish.facets.language).toEqual([
      { value: 'en', count: 5 },
      { value: 'es', count: 1 },
    ]);
  });

  it.each(['relevance', 'newest', 'price_asc', 'price_desc', 'rating', 'popular'])(
    'pages through sort=%s without repeating or skipping a course',
    async (sort) => {
      const query = sort === 'relevance' ? { q: 'py', sort } : { sort };
      const onePage = (await find({ ...query, limit: 50 })).items.map((c) => c.id);
      expect(onePage.length).toBeGreaterThan(4);
      for (const limit of [1, 2, 3]) {
        expect((await all(query, limit)).map((c) => c.id)).toEqual(onePage);
      }
    },
  );

  it('orders each sort as named, unrated courses last', async () => {
    const newest = titles(await find({ sort: 'newest', limit: 50 }));
    expect(newest).toEqual(ours.map((c) => c.title).reverse());
    const prices = (await find({ sort: 'price_asc', limit: 50 })).items.map((c) => c.price.amount);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    const ratings = (await find({ sort: 'rating', limit: 50 })).items.map((c) => c.rating.average);
    expect(ratings).toEqual([4.9, 4.8, 4.6, 4.2, 4.2, 3.9, null, null]);
  });

  it('refuses a cursor from another sort', async () => {
    const { nextCursor } = await find({ q: 'python', limit: 2 });
    await expect(find({ sort: 'newest', cursor: nextCursor })).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });

  it('suggests published titles of the license that start with what was typed', async () => {
    const suggest = async (q: string) => (await search.suggest(LICENSE, q)).map((s) => s.title);
    expect(await suggest('py')).toEqual([
      'Python for Data Analysis',
      'Python Programming Bootcamp',
      'Análisis de datos con Python',
    ]);
    expect(await suggest('data an')).toEqual(['Python for Data Analysis']);
    expect(await suggest('gui')).toEqual(['Guitar from Scratch']);
    expect(await suggest('reptiles')).toEqual([]); // a tag, not a title
    expect(await suggest('')).toEqual([]);
  });

  it('keeps the index and the facet counts in step with course changes', async () => {
    const counted = () =>
      rows<{ key: string; n: number }>(
        store.db,
        sql`select concat_ws('/', category, level, language, free::int) as key, n
             from course_facet_counts where license_id = ${LICENSE} and n > 0 order by key`,
      );
    const grouped = () =>
      rows<{ key: string; n: number }>(
        store.db,
        sql`select concat_ws('/', category, level, language, (price_amount = 0)::int) as key,
               count(*)::int as n
             from courses where license_id = ${LICENSE} and status = 'published'
             group by 1 order by key`,
      );
    expect(await counted()).toEqual(await grouped());

    await touchCatalog((tx) =>
      tx.update(courses).set({ title: 'Guitar for Pythonistas' }).where(eq(courses.id, 'crs_7')),
    );
    expect(titles(await find({ q: 'pythonista' }))).toEqual(['Guitar for Pythonistas']);
    expect(await search.suggest(LICENSE, 'gui')).toEqual([
      { id: 'crs_7', title: 'Guitar for Pythonistas' },
    ]);

    await touchCatalog(async (tx) => {
      await tx.update(courses).set({ status: 'archived' }).where(eq(courses.id, 'crs_0'));
      await tx.update(courses).set({ priceAmount: 0 }).where(eq(courses.id, 'crs_3'));
      await tx.update(courses).set({ category: 'music' }).where(eq(courses.id, 'crs_6'));
      await tx.update(courses).set({ status: 'published' }).where(eq(courses.id, 'crs_8'));
    });
    expect(await counted()).toEqual(await grouped());
    const after = await find({ limit: 1 });
    expect(after.total).toBe(ours.length);
    expect(after.facets.price).toEqual({ free: 4, paid: ours.length - 4 });
    expect(titles(await find({ q: 'python analysis' }))).toEqual([]);

    await touchCatalog((tx) => tx.delete(courses).where(eq(courses.id, 'crs_8')));
    expect(await counted()).toEqual(await grouped());
    expect((await find({ limit: 1 })).total).toBe(ours.length - 1);
  });
});
