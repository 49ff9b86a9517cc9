import type Database from 'better-sqlite3';
import { ApiError } from '../../errors.js';
import { CARD_COLUMNS, toCard, type CardRow } from './cards.js';
import type { Facets, SearchPage, SearchQuery, SortOrder } from './contract.js';

/** bm25 weights of title, subtitle, tags and description. */
const RANK = 'bm25(courses_fts, 10.0, 4.0, 3.0, 1.0)';
const MAX_TERMS = 8;
const SUGGESTIONS = 8;
/** How many of the whole index's best title matches a suggestion first looks among. */
const SHORTLIST = 64;
/** Results cached per process; a catalog change moves the version and retires them. */
const CACHE_SIZE = 1000;

/** A map that forgets its least recently used entry beyond `CACHE_SIZE`. */
class Lru<V> {
  readonly #map = new Map<string, V>();

  get(key: string): V | undefined {
    const value = this.#map.get(key);
    if (value !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    if (this.#map.size >= CACHE_SIZE) {
      const oldest = this.#map.keys().next().value;
      if (oldest !== undefined) this.#map.delete(oldest);
    }
    this.#map.set(key, value);
  }
}

type PageRow = CardRow & { k: number | null };

/**
 * Turns what a learner typed into an FTS5 query: words only (no operators or column names
 * get through), each quoted, all required. The last word is the one being typed: from two
 * characters on it matches as a prefix.
 */
export function ftsQuery(q: string | undefined): string | null {
  const words =
    (q ?? '')
      .normalize('NFKC')
      .match(/[\p{L}\p{N}]+/gu)
      ?.slice(0, MAX_TERMS) ?? [];
  if (words.length === 0) return null;
  return words
    .map((w, i) => `"${w}"${i === words.length - 1 && w.length >= 2 ? '*' : ''}`)
    .join(' ');
}

interface Combo {
  category: string;
  level: string;
  language: string;
  free: number;
  n: number;
}

interface Cursor {
  sort: SortOrder;
  key: number | null;
  seq: number;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.key, cursor.seq])).toString('base64url');
}

function badCursor(): ApiError {
  return new ApiError('validation_failed', 'The cursor is not one this search returned.', {
    errors: [{ path: 'query.cursor', message: 'Invalid cursor' }],
  });
}

function decodeCursor(raw: string, sort: SortOrder): Cursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (
    !Array.isArray(value) ||
    value.length !== 3 ||
    value[0] !== sort ||
    !(value[1] === null || (typeof value[1] === 'number' && Number.isFinite(value[1]))) ||
    !Number.isSafeInteger(value[2])
  ) {
    throw badCursor();
  }
  return { sort, key: value[1] as number | null, seq: value[2] as number };
}

function combosKey(
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

/** What a relevance page is ranked from: the text, every filter, the cursor and the size. */
interface Ranking {
  match: string;
  shared: string[];
  sharedParams: unknown[];
  facetWhere: string[];
  facetParams: unknown[];
  /** Rank, rank and seq of the cursor's course, or empty on the first page. */
  after: unknown[];
  take: number;
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
 * catalog stands still, and facet counts.
 */
export class CourseSearch {
  readonly #sqlite: Database.Database;
  readonly #counts = new Lru<Combo[]>();
  /**
   * Result pages by catalog version. Everything a page shows and every order but `popular`
   * (enrollments move it without a catalog change) depends only on what moves the version.
   */
  readonly #pages = new Lru<PageRow[]>();
  readonly #suggestions = new Lru<{ id: string; title: string }[]>();
  readonly #facetResults = new Lru<{ total: number; facets: Facets }>();

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
    const cursor = query.cursor ? decodeCursor(query.cursor, sort) : null;

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
        rows = this.#rank(ranking);
      } else {
        const ranked = this.#rankAndCount(ranking);
        rows = ranked.rows;
        this.#counts.set(countsKey, ranked.combos);
      }
    } else {
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
      rows = this.#sqlite
        .prepare(
          `select ${CARD_COLUMNS}, ${key} as k
           from courses c join instructors i on i.id = c.instructor_id
           where ${pageWhere.join(' and ')}
           order by ${key} ${dir}, c.seq ${dir} limit ?`,
        )
        .all(...pageParams, limit + 1) as PageRow[];
    }
    if (pageKey !== null) this.#pages.set(pageKey, rows);
    const more = rows.length > limit;
    const pageRows = rows.slice(0, limit);
    const last = pageRows.at(-1);
    const enrolled = pageRows.length ? enrolledAmong(pageRows.map((r) => r.id)) : new Set();
    const { total, facets } = this.#facets(licenseId, version, match, shared, sharedParams, query);
    return {
      items: pageRows.map((r) => toCard(r, enrolled.has(r.id))),
      nextCursor: more && last ? encodeCursor({ sort, key: last.k, seq: last.seq }) : null,
      total,
      facets,
    };
  }

  /**
   * The text matches under the shared filters with their facet columns; only those the page's
   * facet filters keep are ranked (`k` is null for the others), as bm25 is the costly part.
   */
  static #matches(r: Ranking): string {
    const kept = r.facetWhere.length ? r.facetWhere.join(' and ') : '1';
    return `with m as materialized (
      select c.seq as seq, case when ${kept} then ${RANK} end as k, c.category as category,
        c.level as level, c.language as language, c.price_amount as price_amount
      from courses_fts join courses c indexed by courses_facets_idx on c.seq = courses_fts.rowid
      where courses_fts match ? and ${r.shared.join(' and ')}
    )`;
  }

  static #params(r: Ranking): unknown[] {
    return [...r.facetParams, r.match, ...r.sharedParams, ...r.facetParams, ...r.after, r.take];
  }

  /** Best first among the materialized matches the facet filters keep. */
  static #ranked(r: Ranking): string {
    const where = ['c.k is not null', ...r.facetWhere];
    if (r.after.length) where.push('(c.k > ? or (c.k = ? and c.seq > ?))');
    return `select c.seq as seq, c.k as k from m c
      where ${where.join(' and ')} order by c.k, c.seq limit ?`;
  }

  /**
   * A relevance page alone (its counts are known), ranked on the narrow seq index (every
   * filter column is in it): filters first, so only the courses they keep are ranked.
   */
  #rank(r: Ranking): PageRow[] {
    const where = [...r.shared, ...r.facetWhere];
    if (r.after.length) where.push(`(${RANK} > ? or (${RANK} = ? and c.seq > ?))`);
    const ranked = this.#sqlite
      .prepare(
        `select c.seq as seq, ${RANK} as k
         from courses_fts join courses c indexed by courses_facets_idx on c.seq = courses_fts.rowid
         where courses_fts match ? and ${where.join(' and ')}
         order by k, c.seq limit ?`,
      )
      .all(r.match, ...r.sharedParams, ...r.facetParams, ...r.after, r.take) as {
      seq: number;
      k: number;
    }[];
    return this.#cards(ranked);
  }

  /**
   * A relevance page and the facet combinations of the same text search in one statement:
   * the matches are ranked and their facet columns read once, then both come from that set.
   */
  #rankAndCount(r: Ranking): { rows: PageRow[]; combos: Combo[] } {
    const found = this.#sqlite
      .prepare(
        `${CourseSearch.#matches(r)}
         select * from (
           select 0 as part, seq as a, k as b, null as c, null as d, null as n
           from (${CourseSearch.#ranked(r)})
         )
         union all
         select 1, c.category, c.level, c.language, c.price_amount = 0, count(*)
         from m c group by 2, 3, 4, 5`,
      )
      .all(...CourseSearch.#params(r)) as {
      part: 0 | 1;
      a: number | string;
      b: number | string;
      c: string | null;
      d: number | null;
      n: number | null;
    }[];
    const ranked: { seq: number; k: number }[] = [];
    const combos: Combo[] = [];
    for (const r of found) {
      if (r.part === 0) ranked.push({ seq: r.a as number, k: r.b as number });
      else
        combos.push({
          category: r.a as string,
          level: r.b as string,
          language: r.c!,
          free: r.d!,
          n: r.n!,
        });
    }
    return { rows: this.#cards(ranked), combos };
  }

  /** Whole card rows of a ranked page, in its order. */
  #cards(ranked: { seq: number; k: number }[]): PageRow[] {
    if (ranked.length === 0) return [];
    ranked.sort((x, y) => x.k - y.k || x.seq - y.seq);
    const bySeq = new Map(
      (
        this.#sqlite
          .prepare(
            `select ${CARD_COLUMNS} from courses c join instructors i on i.id = c.instructor_id
             where c.seq in (${ranked.map(() => '?').join(', ')})`,
          )
          .all(...ranked.map((r) => r.seq)) as CardRow[]
      ).map((r) => [r.seq, r]),
    );
    return ranked.flatMap((r) => {
      const row = bySeq.get(r.seq);
      return row ? [{ ...row, k: r.k }] : [];
    });
  }

  /**
   * Published courses per facet combination under the shared filters, cached per catalog
   * version. Without text or ranges the trigger-kept table answers; otherwise they are
   * counted.
   */
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
    const ranged =
      query.minRating !== undefined || query.minPrice !== undefined || query.maxPrice !== undefined;
    let combos: Combo[];
    if (match === null && !ranged) {
      combos = this.#sqlite
        .prepare(
          `select category, level, language, free, n from course_facet_counts
           where license_id = ? and n > 0`,
        )
        .all(licenseId) as Combo[];
    } else if (match === null) {
      // Grouping every course in a price or rating range by facet sorts them all; instead each
      // combination the trigger-kept table knows counts its own slice of the category index,
      // which is already in (category, level, language, price) order.
      const rating = query.minRating !== undefined ? 'and c.rating_average >= ?' : '';
      const counted = this.#sqlite
        .prepare(
          `select f.category, f.level, f.language, f.free, (
             select count(*) from courses c
             where c.license_id = f.license_id and c.status = 'published'
               and c.category = f.category and c.level = f.level and c.language = f.language
               and c.price_amount between max(?, iif(f.free, 0, 1))
                 and min(?, iif(f.free, 0, ${Number.MAX_SAFE_INTEGER})) ${rating}
           ) as n
           from course_facet_counts f where f.license_id = ? and f.n > 0`,
        )
        .all(
          query.minPrice ?? 0,
          query.maxPrice ?? Number.MAX_SAFE_INTEGER,
          ...(query.minRating !== undefined ? [query.minRating] : []),
          licenseId,
        ) as Combo[];
      combos = counted.filter((c) => c.n > 0);
    } else {
      combos = this.#sqlite
        .prepare(
          `select c.category, c.level, c.language, c.price_amount = 0 as free, count(*) as n
           from courses_fts join courses c indexed by courses_facets_idx on c.seq = courses_fts.rowid
           where courses_fts match ? and ${shared.join(' and ')} group by 1, 2, 3, 4`,
        )
        .all(match, ...sharedParams) as Combo[];
    }
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
    const result = this.#countFacets(
      this.#combos(licenseId, version, match, shared, sharedParams, query),
      category,
      query,
    );
    this.#facetResults.set(key, result);
    return result;
  }

  #countFacets(
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
      for (const c of combos.filter(except(dim)))
        counts.set(c[dim], (counts.get(c[dim]) ?? 0) + c.n);
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
  #suggestFromShortlist(titles: string, licenseId: string): { id: string; title: string }[] | null {
    const found = this.#sqlite
      .prepare(
        `select c.id, c.title from (
           select rowid as seq, ${RANK} as k from courses_fts where courses_fts match ?
           order by k, rowid limit ${SHORTLIST}
         ) r join courses c on c.seq = r.seq
         where c.license_id = ? and c.status = 'published'
         order by r.k, r.seq limit ${SUGGESTIONS}`,
      )
      .all(titles, licenseId) as { id: string; title: string }[];
    return found.length === SUGGESTIONS ? found : null;
  }

  /** Titles that start with what was typed, best first, for type-ahead. */
  suggest(licenseId: string, q: string): { id: string; title: string }[] {
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
        .all(titles, licenseId) as { id: string; title: string }[]);
    this.#suggestions.set(key, found);
    return found;
  }
}
