import type Database from 'better-sqlite3';
import { CARD_COLUMNS, type CardRow } from './cards.js';
import type { Combo } from './search-facets.js';

/* Full-text matching and relevance ranking of course search (SQLite FTS5, bm25). */

/** bm25 weights of title, subtitle, tags and description. */
export const RANK = 'bm25(courses_fts, 10.0, 4.0, 3.0, 1.0)';
const MAX_TERMS = 8;

/** A card row of a result page with its sort key (`k`), which the next page's cursor carries. */
export type PageRow = CardRow & { k: number | null };

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

/** What a relevance page is ranked from: the text, every filter, the cursor and the size. */
export interface Ranking {
  match: string;
  shared: string[];
  sharedParams: unknown[];
  facetWhere: string[];
  facetParams: unknown[];
  /** Rank, rank and seq of the cursor's course, or empty on the first page. */
  after: unknown[];
  take: number;
}

/**
 * The text matches under the shared filters with their facet columns; only those the page's
 * facet filters keep are ranked (`k` is null for the others), as bm25 is the costly part.
 */
function matches(r: Ranking): string {
  const kept = r.facetWhere.length ? r.facetWhere.join(' and ') : '1';
  return `with m as materialized (
      select c.seq as seq, case when ${kept} then ${RANK} end as k, c.category as category,
        c.level as level, c.language as language, c.price_amount as price_amount
      from courses_fts join courses c indexed by courses_facets_idx on c.seq = courses_fts.rowid
      where courses_fts match ? and ${r.shared.join(' and ')}
    )`;
}

function params(r: Ranking): unknown[] {
  return [...r.facetParams, r.match, ...r.sharedParams, ...r.facetParams, ...r.after, r.take];
}

/** Best first among the materialized matches the facet filters keep. */
function ranked(r: Ranking): string {
  const where = ['c.k is not null', ...r.facetWhere];
  if (r.after.length) where.push('(c.k > ? or (c.k = ? and c.seq > ?))');
  return `select c.seq as seq, c.k as k from m c
      where ${where.join(' and ')} order by c.k, c.seq limit ?`;
}

/**
 * A relevance page alone (its counts are known), ranked on the narrow seq index (every
 * filter column is in it): filters first, so only the courses they keep are ranked.
 */
export function rankPage(sqlite: Database.Database, r: Ranking): PageRow[] {
  const where = [...r.shared, ...r.facetWhere];
  if (r.after.length) where.push(`(${RANK} > ? or (${RANK} = ? and c.seq > ?))`);
  const found = sqlite
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
  return cardsInOrder(sqlite, found);
}

/**
 * A relevance page and the facet combinations of the same text search in one statement:
 * the matches are ranked and their facet columns read once, then both come from that set.
 */
export function rankAndCount(
  sqlite: Database.Database,
  r: Ranking,
): { rows: PageRow[]; combos: Combo[] } {
  const found = sqlite
    .prepare(
      `${matches(r)}
         select * from (
           select 0 as part, seq as a, k as b, null as c, null as d, null as n
           from (${ranked(r)})
         )
         union all
         select 1, c.category, c.level, c.language, c.price_amount = 0, count(*)
         from m c group by 2, 3, 4, 5`,
    )
    .all(...params(r)) as {
    part: 0 | 1;
    a: number | string;
    b: number | string;
    c: string | null;
    d: number | null;
    n: number | null;
  }[];
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
  return { rows: cardsInOrder(sqlite, page), combos };
}

/** Whole card rows of a ranked page, in its order. */
function cardsInOrder(sqlite: Database.Database, page: { seq: number; k: number }[]): PageRow[] {
  if (page.length === 0) return [];
  page.sort((x, y) => x.k - y.k || x.seq - y.seq);
  const bySeq = new Map(
    (
      sqlite
        .prepare(
          `select ${CARD_COLUMNS} from courses c join instructors i on i.id = c.instructor_id
             where c.seq in (${page.map(() => '?').join(', ')})`,
        )
        .all(...page.map((r) => r.seq)) as CardRow[]
    ).map((r) => [r.seq, r]),
  );
  return page.flatMap((r) => {
    const row = bySeq.get(r.seq);
    return row ? [{ ...row, k: r.k }] : [];
  });
}
