import { eq, sql, type SQL } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { dialectOf, first, rows, type Store } from '../../db/store.js';
import { ApiError } from '../../errors.js';
import { decodeCursor, encodeCursor } from '../../lib/cursors.js';
import { CARD_COLUMNS, toCard } from './cards.js';
import {
  sortOrders,
  type Facets,
  type SearchPage,
  type SearchQuery,
  type SortOrder,
  type Suggestion,
} from './contract.js';
import { courses, marketplaceSettings } from './schema.js';
import { combosKey, countCombos, countFacets, type Combo } from './search-facets.js';
import { allOf, ftsQuery, fullTextOf, type PageRow, type Ranking } from './search-ranking.js';

/** Results cached per process; a catalog change moves the version and retires them. */
const CACHE_SIZE = 1000;

/** A page cursor: the order it was made for, the last course's sort key, and its seq. */
const cursorShapes = new Map(
  sortOrders.map((sort) => [sort, z.tuple([z.literal(sort), z.number().nullable(), z.int()])]),
);

function badCursor(): ApiError {
  return new ApiError('validation_failed', 'The cursor is not one this search returned.', {
    errors: [{ path: 'query.cursor', message: 'Invalid cursor' }],
  });
}

/** Where the page after `raw` starts; a cursor of another order is refused. */
function cursorAfter(raw: string, sort: SortOrder): { key: number | null; seq: number } {
  const position = decodeCursor(raw, cursorShapes.get(sort)!);
  if (!position) throw badCursor();
  return { key: position[1], seq: position[2] };
}

type ColumnOrder = Exclude<SortOrder, 'relevance'>;

/** Sort key column and direction of each order; relevance is handled on its own. */
const ORDERS: Record<ColumnOrder, { key: SQL; desc: boolean }> = {
  newest: { key: sql.raw('c.created_at'), desc: true },
  price_asc: { key: sql.raw('c.price_amount'), desc: false },
  price_desc: { key: sql.raw('c.price_amount'), desc: true },
  rating: { key: sql.raw('c.rating_average'), desc: true },
  popular: { key: sql.raw('c.enrollment_count'), desc: true },
};

/** A cursor's sort key as a parameter: creation times are bound as the column stores them. */
function keyParam(sort: ColumnOrder, key: number): SQL {
  return sort === 'newest' ? sql`${sql.param(new Date(key), courses.createdAt)}` : sql`${key}`;
}

/**
 * A sort key as read, as a cursor carries it: creation times in epoch milliseconds. Raw SQL
 * reads them as PostgreSQL's timestamptz text there (drizzle's node-postgres driver leaves
 * the parsing to its column mappers, which raw rows skip).
 */
function keyOf(value: unknown): number | null {
  if (typeof value === 'string') return new Date(value).getTime();
  return value instanceof Date ? value.getTime() : (value as number | null);
}

/**
 * Course search for one license: full text (bm25 on SQLite, ts_rank on PostgreSQL, the title
 * weighted most on both, see search-ranking.ts), filters, keyset pagination on (sort key, seq)
 * so pages never repeat or skip a course while the catalog stands still, facet counts, and
 * type-ahead suggestions.
 */
export class CourseSearch {
  readonly #store: Store;
  readonly #counts = new LRUCache<string, Combo[]>({ max: CACHE_SIZE });
  /**
   * Result pages by catalog version. Everything a page shows and every order but `popular`
   * (enrollments move it without a catalog change) depends only on what moves the version.
   */
  readonly #pages = new LRUCache<string, PageRow[]>({ max: CACHE_SIZE });
  readonly #suggestions = new LRUCache<string, Suggestion[]>({ max: CACHE_SIZE });
  readonly #facetResults = new LRUCache<string, { total: number; facets: Facets }>({
    max: CACHE_SIZE,
  });

  constructor(store: Store) {
    this.#store = store;
  }

  async #version(licenseId: string): Promise<number> {
    const row = first(
      await this.#store.db
        .select({ v: marketplaceSettings.catalogVersion })
        .from(marketplaceSettings)
        .where(eq(marketplaceSettings.licenseId, licenseId))
        .limit(1),
    );
    return row?.v ?? 0;
  }

  async search(
    licenseId: string,
    query: SearchQuery,
    enrolledAmong: (courseIds: string[]) => Promise<Set<string>>,
  ): Promise<SearchPage> {
    const db = this.#store.db;
    const match = ftsQuery(query.q);
    let sort: SortOrder = query.sort ?? (match ? 'relevance' : 'newest');
    if (sort === 'relevance' && !match) sort = 'popular';
    const cursor = query.cursor ? cursorAfter(query.cursor, sort) : null;

    // Filters every count shares; category, level, language and free are facets, applied in
    // the item query and to the cached counts.
    const shared: SQL[] = [sql`c.license_id = ${licenseId}`, sql`c.status = 'published'`];
    if (query.minRating !== undefined) shared.push(sql`c.rating_average >= ${query.minRating}`);
    if (query.minPrice !== undefined) shared.push(sql`c.price_amount >= ${query.minPrice}`);
    if (query.maxPrice !== undefined) shared.push(sql`c.price_amount <= ${query.maxPrice}`);
    const facetWhere: SQL[] = [];
    if (query.category !== undefined) {
      facetWhere.push(sql`c.category = ${query.category.toLowerCase()}`);
    }
    if (query.level !== undefined) facetWhere.push(sql`c.level = ${query.level}`);
    if (query.language !== undefined) facetWhere.push(sql`c.language = ${query.language}`);
    if (query.free !== undefined) {
      facetWhere.push(query.free ? sql`c.price_amount = 0` : sql`c.price_amount > 0`);
    }

    const limit = query.limit;
    const version = await this.#version(licenseId);
    const pageKey =
      sort === 'popular'
        ? null
        : JSON.stringify([
            licenseId,
            version,
            match,
            sort,
            query.cursor ?? null,
            limit,
            query.category?.toLowerCase(),
            query.level,
            query.language,
            query.free,
            query.minRating,
            query.minPrice,
            query.maxPrice,
          ]);
    let found = pageKey === null ? undefined : this.#pages.get(pageKey);
    if (found) {
      // Served from the cache.
    } else if (sort === 'relevance') {
      // Relevance is only chosen with text (see above).
      const text = match as string;
      const ranking: Ranking = {
        match: text,
        shared,
        facetWhere,
        after: cursor ? { k: cursor.key, seq: cursor.seq } : null,
        take: limit + 1,
      };
      const fullText = fullTextOf(db);
      const countsKey = combosKey(licenseId, version, text, query);
      if (this.#counts.get(countsKey)) {
        found = await fullText.rankPage(db, ranking);
      } else {
        const ranked = await fullText.rankAndCount(db, ranking);
        found = ranked.rows;
        this.#counts.set(countsKey, ranked.combos);
      }
    } else {
      found = await this.#ordered(sort, match, [...shared, ...facetWhere], cursor, limit);
    }
    if (pageKey !== null) this.#pages.set(pageKey, found);
    const more = found.length > limit;
    const pageRows = found.slice(0, limit);
    const last = pageRows.at(-1);
    const enrolled = pageRows.length
      ? await enrolledAmong(pageRows.map((r) => r.id))
      : new Set<string>();
    const { total, facets } = await this.#facets(licenseId, version, match, shared, query);
    return {
      items: pageRows.map((r) => toCard(r, enrolled.has(r.id))),
      nextCursor: more && last ? encodeCursor([sort, last.k, last.seq]) : null,
      total,
      facets,
    };
  }

  /** A page in a column's order, after the cursor's (key, seq), one more than asked for. */
  async #ordered(
    sort: ColumnOrder,
    match: string | null,
    where: SQL[],
    cursor: { key: number | null; seq: number } | null,
    limit: number,
  ): Promise<PageRow[]> {
    const db = this.#store.db;
    const { key, desc } = ORDERS[sort];
    const pageWhere = [...where];
    if (match) pageWhere.push(fullTextOf(db).matching(match));
    if (cursor) {
      const before = desc ? sql.raw('<') : sql.raw('>');
      if (cursor.key === null) {
        // Only the rating sort has null keys, and they come last.
        pageWhere.push(sql`(${key} is null and c.seq ${before} ${cursor.seq})`);
      } else {
        const at = keyParam(sort, cursor.key);
        pageWhere.push(
          sql`(${key} ${before} ${at} or (${key} = ${at} and c.seq ${before} ${cursor.seq})${
            sort === 'rating' ? sql` or ${key} is null` : sql``
          })`,
        );
      }
    }
    const dir = sql.raw(desc ? 'desc' : 'asc');
    // Unrated courses come last: SQLite sorts nulls lowest, PostgreSQL highest.
    const nulls = sort === 'rating' && dialectOf(db) === 'postgres' ? sql` nulls last` : sql``;
    const found = await rows<PageRow>(
      db,
      sql`select ${CARD_COLUMNS}, ${key} as k
           from courses c join instructors i on i.id = c.instructor_id
           where ${allOf(pageWhere)}
           order by ${key} ${dir}${nulls}, c.seq ${dir} limit ${limit + 1}`,
    );
    return found.map((r) => ({ ...r, k: keyOf(r.k) }));
  }

  /** The facet combinations of a search, cached per catalog version. */
  async #combos(
    licenseId: string,
    version: number,
    match: string | null,
    shared: SQL[],
    query: SearchQuery,
  ): Promise<Combo[]> {
    const cacheKey = combosKey(licenseId, version, match, query);
    const cached = this.#counts.get(cacheKey);
    if (cached) return cached;
    const combos = await countCombos(this.#store.db, licenseId, match, shared, query);
    this.#counts.set(cacheKey, combos);
    return combos;
  }

  async #facets(
    licenseId: string,
    version: number,
    match: string | null,
    shared: SQL[],
    query: SearchQuery,
  ): Promise<{ total: number; facets: Facets }> {
    const category = query.category?.toLowerCase();
    const key = JSON.stringify([
      licenseId,
      version,
      match,
      query.minRating,
      query.minPrice,
      query.maxPrice,
      category,
      query.level,
      query.language,
      query.free,
    ]);
    const known = this.#facetResults.get(key);
    if (known) return known;
    const result = countFacets(
      await this.#combos(licenseId, version, match, shared, query),
      category,
      query,
    );
    this.#facetResults.set(key, result);
    return result;
  }

  /** Titles that start with what was typed, best first, for type-ahead. */
  async suggest(licenseId: string, q: string): Promise<Suggestion[]> {
    const match = ftsQuery(q);
    if (!match) return [];
    const key = JSON.stringify([licenseId, await this.#version(licenseId), match]);
    const cached = this.#suggestions.get(key);
    if (cached) return cached;
    const db = this.#store.db;
    const found = await fullTextOf(db).suggest(db, licenseId, match);
    this.#suggestions.set(key, found);
    return found;
  }
}
