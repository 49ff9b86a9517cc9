import type Database from 'better-sqlite3';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
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
import { combosKey, countCombos, countFacets, type Combo } from './search-facets.js';
import {
  ftsQuery,
  RANK,
  rankAndCount,
  rankPage,
  type PageRow,
  type Ranking,
} from './search-ranking.js';

const SUGGESTIONS = 8;
/** How many of the whole index's best title matches a suggestion first looks among. */
const SHORTLIST = 64;
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

/** Sort key column and direction of each order; relevance is handled on its own. */
const ORDERS: Record<Exclude<SortOrder, 'relevance'>, { key: string; desc: boolean }> = {
  newest: { key: 'c.created_at', desc: true },
  price_asc: { key: 'c.price_amount', desc: false },
  price_desc: { key: 'c.price_amount', desc: true },
  rating: { key: 'c.rating_average', desc: true },
  popular: { key: 'c.enrollment_count', desc: true },
};

/**
 * Course search for one license: full text (FTS5, bm25 with the title weighted most), filters,
 * keyset pagination on (sort key, seq) so pages never repeat or skip a course while the
 * catalog stands still, facet counts, and type-ahead suggestions.
 */
export class CourseSearch {
  readonly #sqlite: Database.Database;
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

  constructor(sqlite: Database.Database) {
    this.#sqlite = sqlite;
  }

  #version(licenseId: string): number {
    const row = this.#sqlite
      .prepare('select catalog_version as v from marketplace_settings where license_id = ?')
      .get(licenseId) as { v: number } | undefined;
    return row?.v ?? 0;
  }

  search(
    licenseId: string,
    query: SearchQuery,
    enrolledAmong: (courseIds: string[]) => Set<string>,
  ): SearchPage {
    const match = ftsQuery(query.q);
    let sort: SortOrder = query.sort ?? (match ? 'relevance' : 'newest');
    if (sort === 'relevance' && !match) sort = 'popular';
    const cursor = query.cursor ? cursorAfter(query.cursor, sort) : null;

    // Filters every count shares; category, level, language and free are facets, applied in
    // the item query and to the cached counts.
    const shared: string[] = ['c.license_id = ?', "c.status = 'published'"];
    const sharedParams: unknown[] = [licenseId];
    if (query.minRating !== undefined) {
      shared.push('c.rating_average >= ?');
      sharedParams.push(query.minRating);
    }
    if (query.minPrice !== undefined) {
      shared.push('c.price_amount >= ?');
      sharedParams.push(query.minPrice);
    }
    if (query.maxPrice !== undefined) {
      shared.push('c.price_amount <= ?');
      sharedParams.push(query.maxPrice);
    }
    const facetWhere: string[] = [];
    const facetParams: unknown[] = [];
    if (query.category !== undefined) {
      facetWhere.push('c.category = ?');
      facetParams.push(query.category.toLowerCase());
    }
    if (query.level !== undefined) {
      facetWhere.push('c.level = ?');
      facetParams.push(query.level);
    }
    if (query.language !== undefined) {
      facetWhere.push('c.language = ?');
      facetParams.push(query.language);
    }
    if (query.free !== undefined)
      facetWhere.push(query.free ? 'c.price_amount = 0' : 'c.price_amount > 0');

    const where = [...shared, ...facetWhere];
    const params: unknown[] = [...sharedParams, ...facetParams];
    const limit = query.limit;
    const version = this.#version(licenseId);
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
    let rows = pageKey === null ? undefined : this.#pages.get(pageKey);
    if (rows) {
      // Served from the cache.
    } else if (sort === 'relevance') {
      // Relevance is only chosen with text (see above).
      const text = match as string;
      const after = cursor ? [cursor.key, cursor.key, cursor.seq] : [];
      const ranking: Ranking = {
        match: text,
        shared,
        sharedParams,
        facetWhere,
        facetParams,
        after,
        take: limit + 1,
      };
      const countsKey = combosKey(licenseId, version, text, query);
      if (this.#counts.get(countsKey)) {
        rows = rankPage(this.#sqlite, ranking);
      } else {
        const ranked = rankAndCount(this.#sqlite, ranking);
        rows = ranked.rows;
        this.#counts.set(countsKey, ranked.combos);
      }
    } else {
      rows = this.#ordered(sort, match, where, params, cursor, limit);
    }
    if (pageKey !== null) this.#pages.set(pageKey, rows);
    const more = rows.length > limit;
    const pageRows = rows.slice(0, limit);
    const last = pageRows.at(-1);
    const enrolled = pageRows.length ? enrolledAmong(pageRows.map((r) => r.id)) : new Set();
    const { total, facets } = this.#facets(licenseId, version, match, shared, sharedParams, query);
    return {
      items: pageRows.map((r) => toCard(r, enrolled.has(r.id))),
      nextCursor: more && last ? encodeCursor([sort, last.k, last.seq]) : null,
      total,
      facets,
    };
  }

  /** A page in a column's order, after the cursor's (key, seq), one more than asked for. */
  #ordered(
    sort: Exclude<SortOrder, 'relevance'>,
    match: string | null,
    where: string[],
    params: unknown[],
    cursor: { key: number | null; seq: number } | null,
    limit: number,
  ): PageRow[] {
    const { key, desc } = ORDERS[sort];
    const pageWhere = [...where];
    const pageParams = [...params];
    if (match) {
      pageWhere.push('c.seq in (select rowid from courses_fts where courses_fts match ?)');
      pageParams.push(match);
    }
    if (cursor) {
      const [before, seqBefore] = desc ? ['<', '<'] : ['>', '>'];
      if (cursor.key === null) {
        // Only the rating sort has null keys, and they come last.
        pageWhere.push(`(${key} is null and c.seq ${seqBefore} ?)`);
        pageParams.push(cursor.seq);
      } else {
        pageWhere.push(
          `(${key} ${before} ? or (${key} = ? and c.seq ${seqBefore} ?)${sort === 'rating' ? ` or ${key} is null` : ''})`,
        );
        pageParams.push(cursor.key, cursor.key, cursor.seq);
      }
    }
    const dir = desc ? 'desc' : 'asc';
    return this.#sqlite
      .prepare(
        `select ${CARD_COLUMNS}, ${key} as k
           from courses c join instructors i on i.id = c.instructor_id
           where ${pageWhere.join(' and ')}
           order by ${key} ${dir}, c.seq ${dir} limit ?`,
      )
      .all(...pageParams, limit + 1) as PageRow[];
  }

  /** The facet combinations of a search, cached per catalog version. */
  #combos(
    licenseId: string,
    version: number,
    match: string | null,
    shared: string[],
    sharedParams: unknown[],
    query: SearchQuery,
  ): Combo[] {
    const cacheKey = combosKey(licenseId, version, match, query);
    const cached = this.#counts.get(cacheKey);
    if (cached) return cached;
    const combos = countCombos(this.#sqlite, licenseId, match, shared, sharedParams, query);
    this.#counts.set(cacheKey, combos);
    return combos;
  }

  #facets(
    licenseId: string,
    version: number,
    match: string | null,
    shared: string[],
    sharedParams: unknown[],
    query: SearchQuery,
  ): { total: number; facets: Facets } {
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
      this.#combos(licenseId, version, match, shared, sharedParams, query),
      category,
      query,
    );
    this.#facetResults.set(key, result);
    return result;
  }

  /**
   * Whether the license's published courses are at least half of all courses ever created
   * (the highest `seq`): then the best title matches of the whole index are mostly its own.
   */
  #holdsMostCourses(licenseId: string): boolean {
    const row = this.#sqlite
      .prepare(
        `select (select coalesce(sum(n), 0) from course_facet_counts where license_id = ?) * 2
           >= (select coalesce(max(seq), 0) from courses) as most`,
      )
      .get(licenseId) as { most: number };
    return row.most === 1;
  }

  /**
   * The suggestions from the best `SHORTLIST` title matches of the whole index, without
   * looking up every match's license first; null unless a full set of them is the license's
   * published courses. Then they are exactly the best of the license's own: every match
   * outside the shortlist ranks below all of it.
   */
  #suggestFromShortlist(titles: string, licenseId: string): Suggestion[] | null {
    const found = this.#sqlite
      .prepare(
        `select c.id, c.title from (
           select rowid as seq, ${RANK} as k from courses_fts where courses_fts match ?
           order by k, rowid limit ${SHORTLIST}
         ) r join courses c on c.seq = r.seq
         where c.license_id = ? and c.status = 'published'
         order by r.k, r.seq limit ${SUGGESTIONS}`,
      )
      .all(titles, licenseId) as Suggestion[];
    return found.length === SUGGESTIONS ? found : null;
  }

  /** Titles that start with what was typed, best first, for type-ahead. */
  suggest(licenseId: string, q: string): Suggestion[] {
    const match = ftsQuery(q);
    if (!match) return [];
    const key = JSON.stringify([licenseId, this.#version(licenseId), match]);
    const cached = this.#suggestions.get(key);
    if (cached) return cached;
    const titles = `title : (${match})`;
    const found =
      (this.#holdsMostCourses(licenseId) && this.#suggestFromShortlist(titles, licenseId)) ||
      (this.#sqlite
        .prepare(
          `select c.id, c.title from (
             select c.seq as seq, ${RANK} as k
             from courses_fts join courses c indexed by courses_facets_idx on c.seq = courses_fts.rowid
             where courses_fts match ? and c.license_id = ? and c.status = 'published'
             order by k, c.seq limit ${SUGGESTIONS}
           ) r join courses c on c.seq = r.seq order by r.k, r.seq`,
        )
        .all(titles, licenseId) as Suggestion[]);
    this.#suggestions.set(key, found);
    return found;
  }
}
