import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_COURSE_COUNT } from '../../demo/courses.js';
import { DEMO_LICENSE_ID, demoKeys, seedDemo, signDemoLearnerToken } from '../../demo/seed.js';
import { rows } from '../../server/db/store.js';
import { SecretBox } from '../../server/modules/licenses/secrets.js';
import type { CourseCard, SearchPage } from '../../server/modules/marketplace/contract.js';
import { expectProblem, SECRETS_KEY } from '../fixtures/harness.js';
import { startMarket, tenantOf, type MarketHarness } from './helpers.js';

const ORIGIN = 'https://portal.demo.test';

describe('GET /v1/courses on the demo catalog', () => {
  let h: MarketHarness;
  const headers = { 'Liberation-Key': demoKeys.academy, Origin: ORIGIN };

  beforeAll(async () => {
    h = await startMarket();
    await seedDemo(h.services.store, h.clock, [ORIGIN], { secrets: new SecretBox(SECRETS_KEY) });
  });
  afterAll(() => h.close());

  async function search(query: string, extra: Record<string, string> = {}): Promise<SearchPage> {
    const res = await h.fetch(`/v1/courses${query}`, { headers: { ...headers, ...extra } });
    expect(res.status).toBe(200);
    return res.json();
  }

  /** Every page of a search, following nextCursor. */
  async function all(query: string, limit: number): Promise<CourseCard[]> {
    const items: CourseCard[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const sep = query ? '&' : '?';
      const page = await search(
        `${query}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      items.push(...page.items);
      cursor = page.nextCursor;
      pages += 1;
      expect(pages).toBeLessThan(100);
    } while (cursor);
    return items;
  }

  function query<T>(statement: SQL): Promise<T[]> {
    return rows<T>(h.store.db, statement);
  }

  it('lists every published course with the card shape the catalog widget reads', async () => {
    const page = await search('?limit=50');
    expect(page.total).toBe(DEMO_COURSE_COUNT);
    expect(page.items).toHaveLength(DEMO_COURSE_COUNT);
    expect(page.nextCursor).toBeNull();
    const card = page.items.find((c) => c.title === 'Python for Data Analysis')!;
    expect(card).toEqual({
      id: expect.stringMatching(/^crs_/),
      title: 'Python for Data Analysis',
      subtitle: 'Pandas, NumPy and clear charts',
      instructor: { id: 'ins_demo_ines', name: 'Inés Navarro' },
      category: 'data science',
      level: 'beginner',
      language: 'en',
      tags: ['python', 'pandas', 'numpy'],
      price: { amount: 4900, currency: 'USD' },
      coverUrl: null,
      rating: { average: 4.6, count: 5 },
      enrolled: false,
    });
    const yen = page.items.find((c) => c.price.currency === 'JPY')!;
    expect(yen.price.amount).toBe(4800);
  });

  it('ranks title matches above tag and description matches, and matches prefixes', async () => {
    const full = await search('?q=python&limit=50');
    const titles = full.items.map((c) => c.title);
    const inTitle = titles.filter((t) => /python/i.test(t));
    expect(inTitle.length).toBeGreaterThanOrEqual(4);
    expect(titles.slice(0, inTitle.length).sort()).toEqual([...inTitle].sort());
    expect(titles).toContain('Deep Learning with PyTorch'); // by its tag only
    const prefix = await search('?q=pyth&limit=50');
    expect(prefix.items.map((c) => c.id).sort()).toEqual(full.items.map((c) => c.id).sort());
    expect(prefix.total).toBe(full.total);
    const twoWords = await search('?q=japanese%20kanji');
    expect(twoWords.items.map((c) => c.title)).toEqual(['Kanji Step by Step']);
    const accents = await search('?q=analisis');
    expect(accents.items.map((c) => c.title)).toEqual(['Análisis de datos con Python']);
  });

  it('treats query syntax as words', async () => {
    for (const q of [
      '"',
      'title:python',
      'python OR',
      'NEAR(',
      '*',
      'a AND -b',
      "'; drop table courses; --",
    ]) {
      const res = await h.fetch(`/v1/courses?q=${encodeURIComponent(q)}`, { headers });
      expect(res.status).toBe(200);
    }
    const [courses] = await query<{ n: number }>(sql`select count(*) as n from courses`);
    expect(courses!.n).toBe(DEMO_COURSE_COUNT);
  });

  it('filters by category, level, language, price, free and rating', async () => {
    const lang = await search('?category=languages&level=beginner&limit=50');
    expect(lang.items.length).toBeGreaterThan(0);
    expect(lang.items.every((c) => c.category === 'languages' && c.level === 'beginner')).toBe(
      true,
    );
    const [stored] = await query<{ n: number }>(
      sql`select count(*) as n from courses where category = 'languages' and level = 'beginner'`,
    );
    expect(lang.total).toBe(stored!.n);
    const free = await search('?free=true&limit=50');
    expect(free.items.every((c) => c.price.amount === 0)).toBe(true);
    expect(free.total).toBe(7);
    const paid = await search('?free=false&limit=50');
    expect(paid.total).toBe(DEMO_COURSE_COUNT - 7);
    const range = await search('?minPrice=3000&maxPrice=5000&limit=50');
    expect(range.items.every((c) => c.price.amount >= 3000 && c.price.amount <= 5000)).toBe(true);
    const rated = await search('?minRating=4.5&limit=50');
    expect(rated.items.every((c) => (c.rating.average ?? 0) >= 4.5)).toBe(true);
    const spanish = await search('?language=es&limit=50');
    expect(spanish.items.map((c) => c.language)).toEqual(spanish.items.map(() => 'es'));
    expect(spanish.total).toBe(3);
  });

  it('counts facets under the other filters, leaving out their own', async () => {
    const everything = await search('?limit=1');
    const sum = (list: { count: number }[]) => list.reduce((s, f) => s + f.count, 0);
    expect(sum(everything.facets.category)).toBe(DEMO_COURSE_COUNT);
    expect(sum(everything.facets.level)).toBe(DEMO_COURSE_COUNT);
    expect(sum(everything.facets.language)).toBe(DEMO_COURSE_COUNT);
    expect(everything.facets.price).toEqual({ free: 7, paid: DEMO_COURSE_COUNT - 7 });

    const design = await search('?category=design&limit=1');
    // Other categories stay visible with their own counts…
    expect(design.facets.category).toEqual(everything.facets.category);
    // …while the other dimensions count design courses only.
    expect(sum(design.facets.level)).toBe(design.total);
    expect(design.facets.price.free + design.facets.price.paid).toBe(design.total);
    const byLevel = Object.fromEntries(
      (
        await query<{ level: string; n: number }>(
          sql`select level, count(*) as n from courses where category = 'design' group by level`,
        )
      ).map((r) => [r.level, r.n]),
    );
    expect(Object.fromEntries(design.facets.level.map((f) => [f.value, f.count]))).toEqual(byLevel);

    const q = await search('?q=python&free=false&limit=1');
    expect(q.facets.price.paid).toBe(q.total);
  });

  it.each(['newest', 'price_asc', 'price_desc', 'rating', 'popular', 'relevance'])(
    'pages through sort=%s without repeating or skipping a course',
    async (sort) => {
      const query = sort === 'relevance' ? `?q=py&sort=${sort}` : `?sort=${sort}`;
      const onePage = (await search(`${query}&limit=50`)).items.map((c) => c.id);
      const paged = (await all(query, 7)).map((c) => c.id);
      expect(paged).toEqual(onePage);
      expect(new Set(paged).size).toBe(paged.length);
    },
  );

  it('orders each sort as named', async () => {
    const prices = (await search('?sort=price_asc&limit=50')).items.map((c) => c.price.amount);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    const ratings = (await search('?sort=rating&limit=50')).items.map((c) => c.rating.average);
    const rated = ratings.filter((r): r is number => r !== null);
    expect(rated).toEqual([...rated].sort((a, b) => b - a));
    expect(ratings.slice(rated.length).every((r) => r === null)).toBe(true);
  });

  it('refuses a cursor it did not make, or one from another sort', async () => {
    await expectProblem(
      await h.fetch('/v1/courses?cursor=nonsense', { headers }),
      'validation_failed',
    );
    const { nextCursor } = await search('?sort=newest&limit=2');
    await expectProblem(
      await h.fetch(`/v1/courses?sort=price_asc&cursor=${nextCursor}`, { headers }),
      'validation_failed',
    );
  });

  it('suggests up to 8 titles for what was typed', async () => {
    const res = await h.fetch('/v1/courses/suggest?q=jav', { headers });
    const { suggestions } = await res.json();
    expect(suggestions.map((s: { title: string }) => s.title)).toEqual(['JavaScript Essentials']);
    const many = await (await h.fetch('/v1/courses/suggest?q=p', { headers })).json();
    expect(many.suggestions.length).toBeLessThanOrEqual(8);
    const none = await (await h.fetch('/v1/courses/suggest?q=', { headers })).json();
    expect(none.suggestions).toEqual([]);
  });

  it('marks the signed-in learner’s courses as enrolled', async () => {
    const token = await signDemoLearnerToken('ada', { clock: h.clock });
    const learnerHeaders = { Authorization: `Bearer ${token}` };
    const free = (await search('?free=true&limit=1', learnerHeaders)).items[0]!;
    const enroll = await h.fetch(`/v1/courses/${free.id}/enroll`, {
      method: 'POST',
      headers: { ...headers, ...learnerHeaders },
    });
    expect(enroll.status).toBe(201);
    const again = await search('?free=true&limit=50', learnerHeaders);
    expect(again.items.filter((c) => c.enrolled).map((c) => c.id)).toEqual([free.id]);
    const anonymous = await search('?free=true&limit=50');
    expect(anonymous.items.some((c) => c.enrolled)).toBe(false);
  });

  it('shows a catalog change on the next search, whatever was cached', async () => {
    const before = await search('?q=guitar&limit=5');
    const guitar = before.items.find((c) => c.title === 'Guitar from Scratch')!;
    const author = { licenseId: DEMO_LICENSE_ID, instructorId: null };
    await h.services.marketplace.authoring.updateCourse(author, guitar.id, {
      title: 'Guitar from Scratch, 2nd ed.',
    });
    const after = await search('?q=guitar&limit=5');
    expect(after.items.map((c) => c.title)).toContain('Guitar from Scratch, 2nd ed.');
    await h.services.marketplace.authoring.updateCourse(author, guitar.id, { status: 'archived' });
    const gone = await search('?q=guitar&limit=5');
    expect(gone.items.map((c) => c.id)).not.toContain(guitar.id);
    expect(gone.total).toBe(before.total - 1);
    const counts = await search('?limit=1');
    expect(counts.total).toBe(DEMO_COURSE_COUNT - 1);
    await h.services.marketplace.authoring.updateCourse(author, guitar.id, { status: 'published' });
    expect((await search('?limit=1')).total).toBe(DEMO_COURSE_COUNT);
  });

  it('never lists or shows the demo academy’s courses to another tenant', async () => {
    const other = await tenantOf(h, 'Globex', 'https://learn.globex.test');
    const otherHeaders = { 'Liberation-Key': other.publishableKey, Origin: other.origin };
    const res = await h.fetch('/v1/courses?q=python', { headers: otherHeaders });
    const page = await res.json();
    expect(page.total).toBe(0);
    expect(page.items).toEqual([]);
    expect(page.facets.category).toEqual([]);
    const suggest = await (
      await h.fetch('/v1/courses/suggest?q=python', { headers: otherHeaders })
    ).json();
    expect(suggest.suggestions).toEqual([]);
    const [course] = await query<{ id: string }>(
      sql`select id from courses where license_id = ${DEMO_LICENSE_ID} limit 1`,
    );
    const id = course!.id;
    await expectProblem(await h.fetch(`/v1/courses/${id}`, { headers: otherHeaders }), 'not_found');
    await expectProblem(
      await h.fetch(`/v1/courses/${id}/reviews`, { headers: otherHeaders }),
      'not_found',
    );
  });
});
