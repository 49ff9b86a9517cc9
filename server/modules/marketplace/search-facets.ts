import { sql, type SQL } from 'drizzle-orm';
import { dialectOf, rows, type Db } from '../../db/store.js';
import type { Facets, SearchQuery } from './contract.js';
import { allOf, fullTextOf, MATCHED } from './search-ranking.js';

/*
 * Facet counts of course search: how many published courses each filter value would leave.
 * The counting statements depend on the store (the trigger-kept `course_facet_counts` of
 * each, FTS5 or the tsvector), so they sit behind one dialect branch in {@link countCombos}.
 */

/** Published courses of one combination of facet values under the shared filters. */
export interface Combo {
  category: string;
  level: string;
  language: string;
  free: number;
  n: number;
}

/** What the combinations of a search depend on: the text and the range filters. */
export function combosKey(
  licenseId: string,
  version: number,
  match: string | null,
  query: SearchQuery,
): string {
  return JSON.stringify([
    licenseId,
    version,
    match,
    query.minRating,
    query.minPrice,
    query.maxPrice,
  ]);
}

/**
 * Published courses per facet combination under the shared filters (`shared`, on courses as
 * `c`, already holds the license and the ranges).
 */
export function countCombos(
  db: Db,
  licenseId: string,
  match: string | null,
  shared: SQL[],
  query: SearchQuery,
): Promise<Combo[]> {
  if (dialectOf(db) === 'sqlite') return sqliteCombos(db, licenseId, match, shared, query);
  return postgresCombos(db, licenseId, match, shared, query);
}

/**
 * SQLite: without text or ranges the trigger-kept table answers; otherwise they are counted.
 */
async function sqliteCombos(
  db: Db,
  licenseId: string,
  match: string | null,
  shared: SQL[],
  query: SearchQuery,
): Promise<Combo[]> {
  const ranged =
    query.minRating !== undefined || query.minPrice !== undefined || query.maxPrice !== undefined;
  if (match === null && !ranged) {
    return rows<Combo>(
      db,
      sql`select category, level, language, free, n from course_facet_counts
           where license_id = ${licenseId} and n > 0`,
    );
  }
  if (match === null) {
    // Grouping every course in a price or rating range by facet sorts them all; instead each
    // combination the trigger-kept table knows counts its own slice of the category index,
    // which is already in (category, level, language, price) order.
    const rating =
      query.minRating !== undefined ? sql`and c.rating_average >= ${query.minRating}` : sql``;
    const counted = await rows<Combo>(
      db,
      sql`select f.category, f.level, f.language, f.free, (
             select count(*) from courses c
             where c.license_id = f.license_id and c.status = 'published'
               and c.category = f.category and c.level = f.level and c.language = f.language
               and c.price_amount between max(${query.minPrice ?? 0}, iif(f.free, 0, 1))
                 and min(${query.maxPrice ?? Number.MAX_SAFE_INTEGER}, iif(f.free, 0, ${sql.raw(String(Number.MAX_SAFE_INTEGER))})) ${rating}
           ) as n
           from course_facet_counts f where f.license_id = ${licenseId} and f.n > 0`,
    );
    return counted.filter((c) => c.n > 0);
  }
  return rows<Combo>(
    db,
    sql`select c.category, c.level, c.language, c.price_amount = 0 as free, count(*) as n
         from ${MATCHED}
         where courses_fts match ${match} and ${allOf(shared)} group by 1, 2, 3, 4`,
  );
}

/**
 * PostgreSQL: without text or ranges the trigger-kept table answers; otherwise the courses the
 * filters keep (the text through the GIN index, the ranges through the sort indexes, which
 * carry the facet columns) are grouped.
 */
async function postgresCombos(
  db: Db,
  licenseId: string,
  match: string | null,
  shared: SQL[],
  query: SearchQuery,
): Promise<Combo[]> {
  const ranged =
    query.minRating !== undefined || query.minPrice !== undefined || query.maxPrice !== undefined;
  if (match === null && !ranged) {
    return rows<Combo>(
      db,
      sql`select category, level, language, free::int as free, n from course_facet_counts
           where license_id = ${licenseId} and n > 0`,
    );
  }
  const where = match === null ? shared : [fullTextOf(db).matching(match), ...shared];
  return rows<Combo>(
    db,
    sql`select c.category, c.level, c.language, (c.price_amount = 0)::int as free,
           count(*)::int as n
         from courses c where ${allOf(where)} group by 1, 2, 3, 4`,
  );
}

/**
 * The total under every filter and the facet counts, each dimension counted under every
 * filter but its own, so the alternatives stay visible.
 */
export function countFacets(
  combos: Combo[],
  category: string | undefined,
  query: SearchQuery,
): { total: number; facets: Facets } {
  const wants = {
    category: (c: Combo) => category === undefined || c.category === category,
    level: (c: Combo) => query.level === undefined || c.level === query.level,
    language: (c: Combo) => query.language === undefined || c.language === query.language,
    free: (c: Combo) => query.free === undefined || (c.free === 1) === query.free,
  };
  type Dim = keyof typeof wants;
  const except = (dim: Dim) => (c: Combo) =>
    (Object.keys(wants) as Dim[]).every((d) => d === dim || wants[d](c));
  const countBy = (dim: 'category' | 'level' | 'language') => {
    const counts = new Map<string, number>();
    for (const c of combos.filter(except(dim))) counts.set(c[dim], (counts.get(c[dim]) ?? 0) + c.n);
    return [...counts]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
  };
  const priced = combos.filter(except('free'));
  const all = (c: Combo) => Object.values(wants).every((wanted) => wanted(c));
  return {
    total: combos.filter(all).reduce((s, c) => s + c.n, 0),
    facets: {
      category: countBy('category'),
      level: countBy('level'),
      language: countBy('language'),
      price: {
        free: priced.filter((c) => c.free === 1).reduce((s, c) => s + c.n, 0),
        paid: priced.filter((c) => c.free !== 1).reduce((s, c) => s + c.n, 0),
      },
    },
  };
}
