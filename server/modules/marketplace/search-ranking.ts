import { sql, type SQL } from 'drizzle-orm';
import { dialectOf, rows, type Db } from '../../db/store.js';
import { CARD_COLUMNS, type CardRow } from './cards.js';
import type { Suggestion } from './contract.js';
import type { Combo } from './search-facets.js';

/*
 * Full-text matching, relevance ranking and suggestions of course search. Every statement
 * that depends on the store's full-text engine is in one implementation of {@link FullText},
 * chosen once by {@link fullTextOf}: SQLite FTS5 (`courses_fts`, bm25) or PostgreSQL (the
 * generated tsvector `courses.search_vector` with a GIN index, ts_rank). Facet counts have
 * their own such seam (search-facets.ts).
 */

const MAX_TERMS = 8;
const SUGGESTIONS = 8;
/** How many of the whole index's best title matches a suggestion first looks among. */
const SHORTLIST = 64;

/** A card row of a result page with its sort key (`k`), which the next page's cursor carries. */
export type PageRow = CardRow & { k: number | null };

/** The conditions joined with `and`. */
export function allOf(conditions: SQL[]): SQL {
  return sql.join(conditions, sql` and `);
}

/**
 * Turns what a learner typed into a full-text query: words only (no operators or column
 * names get through), each quoted, all required. The last word is the one being typed: from
 * two characters on it matches as a prefix. This is FTS5's syntax; it is also the text part
 * of the cache keys.
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

/** What a relevance page is ranked from: the text, every filter, the cursor and the size. */
export interface Ranking {
  /** The query {@link ftsQuery} made. */
  match: string;
  /** Filters every count shares (license, status, ranges), on courses as `c`. */
  shared: SQL[];
  /** Facet filters (category, level, language, free), on courses as `c`. */
  facetWhere: SQL[];
  /** The rank and seq of the cursor's course, or null on the first page. */
  after: { k: number | null; seq: number } | null;
  take: number;
}

/** The statements of course search that depend on the store's full-text engine. */
export interface FullText {
  /** A condition on courses as `c`: the course matches the text. */
  matching(match: string): SQL;
  /**
   * A relevance page alone (its counts are known): filters first, so only the courses they
   * keep are ranked.
   */
  rankPage(db: Db, r: Ranking): Promise<PageRow[]>;
  /** A relevance page and the facet combinations of the same text search. */
  rankAndCount(db: Db, r: Ranking): Promise<{ rows: PageRow[]; combos: Combo[] }>;
  /** Up to 8 published courses of the license whose title matches, best first. */
  suggest(db: Db, licenseId: string, match: string): Promise<Suggestion[]>;
}

/** The full-text statements of `db`'s store. */
export function fullTextOf(db: Db): FullText {
  return dialectOf(db) === 'sqlite' ? sqliteFullText : postgresFullText;
}

/* SQLite: FTS5 over title, subtitle, tags and description, external content on courses.seq. */

/** bm25 weights of title, subtitle, tags and description. */
const RANK = sql.raw('bm25(courses_fts, 10.0, 4.0, 3.0, 1.0)');

/** FTS5 matches joined to their courses, read through the narrow index that holds every filter. */
export const MATCHED = sql.raw(
  'courses_fts join courses c indexed by courses_facets_idx on c.seq = courses_fts.rowid',
);

/**
 * The text matches under the shared filters with their facet columns; only those the page's
 * facet filters keep are ranked (`k` is null for the others), as bm25 is the costly part.
 */
function matches(r: Ranking): SQL {
  const kept = r.facetWhere.length ? allOf(r.facetWhere) : sql`1`;
  return sql`with m as materialized (
      select c.seq as seq, case when ${kept} then ${RANK} end as k, c.category as category,
        c.level as level, c.language as language, c.price_amount as price_amount
      from ${MATCHED}
      where courses_fts match ${r.match} and ${allOf(r.shared)}
    )`;
}

/** Best first among the materialized matches the facet filters keep (both stores). */
function ranked(r: Ranking): SQL {
  const where = [sql`c.k is not null`, ...r.facetWhere];
  if (r.after) {
    where.push(sql`(c.k > ${r.after.k} or (c.k = ${r.after.k} and c.seq > ${r.after.seq}))`);
  }
  return sql`select c.seq as seq, c.k as k from m c
      where ${allOf(where)} order by c.k, c.seq limit ${r.take}`;
}

/**
 * Whether the license's published courses are at least half of all courses ever created
 * (the highest `seq`): then the best title matches of the whole index are mostly its own.
 */
async function holdsMostCourses(db: Db, licenseId: string): Promise<boolean> {
  const [row] = await rows<{ most: number }>(
    db,
    sql`select (select coalesce(sum(n), 0) from course_facet_counts where license_id = ${licenseId}) * 2
           >= (select coalesce(max(seq), 0) from courses) as most`,
  );
  return row?.most === 1;
}

/**
 * The suggestions from the best `SHORTLIST` title matches of the whole index, without
 * looking up every match's license first; null unless a full set of them is the license's
 * published courses. Then they are exactly the best of the license's own: every match
 * outside the shortlist ranks below all of it.
 */
async function suggestFromShortlist(
  db: Db,
  titles: string,
  licenseId: string,
): Promise<Suggestion[] | null> {
  const found = await rows<Suggestion>(
    db,
    sql`select c.id, c.title from (
           select rowid as seq, ${RANK} as k from courses_fts where courses_fts match ${titles}
           order by k, rowid limit ${sql.raw(String(SHORTLIST))}
         ) r join courses c on c.seq = r.seq
         where c.license_id = ${licenseId} and c.status = 'published'
         order by r.k, r.seq limit ${sql.raw(String(SUGGESTIONS))}`,
  );
  return found.length === SUGGESTIONS ? found : null;
}

const sqliteFullText: FullText = {
  matching(match) {
    return sql`c.seq in (select rowid from courses_fts where courses_fts match ${match})`;
  },

  async rankPage(db, r) {
    const where = [...r.shared, ...r.facetWhere];
    if (r.after) {
      where.push(
        sql`(${RANK} > ${r.after.k} or (${RANK} = ${r.after.k} and c.seq > ${r.after.seq}))`,
      );
    }
    const found = await rows<{ seq: number; k: number }>(
      db,
      sql`select c.seq as seq, ${RANK} as k
         from ${MATCHED}
         where courses_fts match ${r.match} and ${allOf(where)}
         order by k, c.seq limit ${r.take}`,
    );
    return cardsInOrder(db, found);
  },

  /* One statement: the matches are ranked and their facet columns read once, then both the
     page and the counts come from that set. */
  async rankAndCount(db, r) {
    const found = await rows<{
      part: 0 | 1;
      a: number | string;
      b: number | string;
      c: string | null;
      d: number | null;
      n: number | null;
    }>(
      db,
      sql`${matches(r)}
         select * from (
           select 0 as part, seq as a, k as b, null as c, null as d, null as n
           from (${ranked(r)})
         )
         union all
         select 1, c.category, c.level, c.language, c.price_amount = 0, count(*)
         from m c group by 2, 3, 4, 5`,
    );
    const page: { seq: number; k: number }[] = [];
    const combos: Combo[] = [];
    for (const row of found) {
      if (row.part === 0) page.push({ seq: row.a as number, k: row.b as number });
      else
        combos.push({
          category: row.a as string,
          level: row.b as string,
          language: row.c!,
          free: row.d!,
          n: row.n!,
        });
    }
    return { rows: await cardsInOrder(db, page), combos };
  },

  async suggest(db, licenseId, match) {
    const titles = `title : (${match})`;
    return (
      ((await holdsMostCourses(db, licenseId)) &&
        (await suggestFromShortlist(db, titles, licenseId))) ||
      rows<Suggestion>(
        db,
        sql`select c.id, c.title from (
             select c.seq as seq, ${RANK} as k
             from ${MATCHED}
             where courses_fts match ${titles} and c.license_id = ${licenseId}
               and c.status = 'published'
             order by k, c.seq limit ${sql.raw(String(SUGGESTIONS))}
           ) r join courses c on c.seq = r.seq order by r.k, r.seq`,
      )
    );
  },
};

/*
 * PostgreSQL: `courses.search_vector`, generated from title (weight A), subtitle (B), tags (C)
 * and description (D) through the `course_search` configuration (words as FTS5's unicode61
 * reads them), with a GIN index; see migrations/postgres/0001_marketplace_search.sql.
 */

/**
 * ts_rank's weights of D, C, B and A: description 1, tags 3, subtitle 4 and title 10, the
 * bm25 weights above over 10.
 */
const TS_WEIGHTS = sql.raw(`'{0.1, 0.3, 0.4, 1.0}'::real[]`);
/** Title words only: suggestions match and rank titles alone, as `title : (…)` does on FTS5. */
const TS_TITLE_WEIGHTS = sql.raw(`'{0, 0, 0, 1}'::real[]`);

/**
 * An {@link ftsQuery} match as a tsquery: every word required, the word being typed as a
 * prefix (`pyth:*`), and with `weight` (`A`) in that part of the vector only. The words are
 * letters and digits only, so no tsquery operator gets through either.
 */
function tsQuery(match: string, weight = ''): SQL {
  const terms = [...match.matchAll(/"([^"]+)"(\*?)/g)].map(([, word, prefix]) =>
    prefix || weight ? `${word}:${prefix}${weight}` : word,
  );
  return sql`to_tsquery('course_search', ${terms.join(' & ')})`;
}

/**
 * A course's (`c`) rank for `query`, negated so that lower is better as with bm25: pages, the
 * cursor and {@link ranked} read it the same way on both stores.
 */
function tsRank(query: SQL, weights = TS_WEIGHTS): SQL {
  return sql`(-ts_rank(${weights}, c.search_vector, ${query}))::float8`;
}

const postgresFullText: FullText = {
  matching(match) {
    return sql`c.search_vector @@ ${tsQuery(match)}`;
  },

  /* The page's seqs and ranks first, then the card rows of that page only. */
  rankPage(db, r) {
    const query = tsQuery(r.match);
    const after = r.after
      ? sql` where m.k > ${r.after.k} or (m.k = ${r.after.k} and m.seq > ${r.after.seq})`
      : sql``;
    return rows<PageRow>(
      db,
      sql`select ${CARD_COLUMNS}, p.k as k from (
           select m.seq as seq, m.k as k from (
             select c.seq as seq, ${tsRank(query)} as k from courses c
             where c.search_vector @@ ${query} and ${allOf([...r.shared, ...r.facetWhere])}
           ) m${after}
           order by m.k, m.seq limit ${r.take}
         ) p join courses c on c.seq = p.seq join instructors i on i.id = c.instructor_id
         order by p.k, p.seq`,
    );
  },

  /* One statement, as on SQLite: the matches are ranked and their facet columns read once;
     the page and the counts come back as two JSON arrays. */
  async rankAndCount(db, r) {
    const query = tsQuery(r.match);
    const kept = r.facetWhere.length ? allOf(r.facetWhere) : sql`true`;
    const [found] = await rows<{
      page: [number, number][];
      combos: [string, string, string, number, number][];
    }>(
      db,
      sql`with m as materialized (
           select c.seq as seq, case when ${kept} then ${tsRank(query)} end as k,
             c.category as category, c.level as level, c.language as language,
             c.price_amount as price_amount
           from courses c
           where c.search_vector @@ ${query} and ${allOf(r.shared)}
         ), p as (${ranked(r)})
         select
           (select coalesce(json_agg(json_build_array(p.seq, p.k)), '[]') from p) as page,
           (select coalesce(json_agg(json_build_array(g.category, g.level, g.language, g.free, g.n)), '[]')
            from (
              select c.category as category, c.level as level, c.language as language,
                (c.price_amount = 0)::int as free, count(*)::int as n
              from m c group by 1, 2, 3, 4
            ) g) as combos`,
    );
    const page = (found?.page ?? []).map(([seq, k]) => ({ seq, k }));
    const combos = (found?.combos ?? []).map(([category, level, language, free, n]) => ({
      category,
      level,
      language,
      free,
      n,
    }));
    return { rows: await cardsInOrder(db, page), combos };
  },

  suggest(db, licenseId, match) {
    const titles = tsQuery(match, 'A');
    return rows<Suggestion>(
      db,
      sql`select c.id, c.title from courses c
         where c.search_vector @@ ${titles} and c.license_id = ${licenseId}
           and c.status = 'published'
         order by ${tsRank(titles, TS_TITLE_WEIGHTS)}, c.seq
         limit ${sql.raw(String(SUGGESTIONS))}`,
    );
  },
};

/** Whole card rows of a ranked page, in its order. */
async function cardsInOrder(db: Db, page: { seq: number; k: number }[]): Promise<PageRow[]> {
  if (page.length === 0) return [];
  page.sort((x, y) => x.k - y.k || x.seq - y.seq);
  const found = await rows<CardRow>(
    db,
    sql`select ${CARD_COLUMNS} from courses c join instructors i on i.id = c.instructor_id
          where c.seq in (${sql.join(
            page.map((r) => sql`${r.seq}`),
            sql`, `,
          )})`,
  );
  const bySeq = new Map(found.map((r) => [r.seq, r]));
  return page.flatMap((r) => {
    const row = bySeq.get(r.seq);
    return row ? [{ ...row, k: r.k }] : [];
  });
}
