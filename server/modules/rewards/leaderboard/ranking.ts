import { and, asc, desc, eq, gt, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import type { Db } from '../../../db/store.js';
import { rewardProfiles, rewardScoreCounts, rewardScores } from '../schema.js';
import { compare, scoreColumns, type ScoreRow } from './scores.js';

/**
 * The read side of the leaderboards. The global board reads one index range per page and
 * ranks through the per-score counts; friends and class boards are small sets ranked in
 * memory by the caller.
 */

/** Names and opt-outs of the given learners, 500 ids a query (SQLite's variable limit). */
export async function displayNames(
  db: Db,
  licenseId: string,
  ids: string[],
): Promise<Map<string, { name: string; optedOut: boolean }>> {
  const names = new Map<string, { name: string; optedOut: boolean }>();
  if (ids.length === 0) return names;
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .select({
        id: rewardProfiles.learnerId,
        name: rewardProfiles.displayName,
        optedOut: rewardProfiles.optedOut,
      })
      .from(rewardProfiles)
      .where(
        and(
          eq(rewardProfiles.licenseId, licenseId),
          inArray(rewardProfiles.learnerId, ids.slice(i, i + 500)),
        ),
      );
    for (const r of rows) names.set(r.id, { name: r.name, optedOut: r.optedOut });
  }
  return names;
}

/** The learner's positive score in the period, if any. */
export async function scoreOf(
  db: Db,
  licenseId: string,
  period: string,
  learnerId: string,
): Promise<ScoreRow | undefined> {
  const [row] = await db
    .select(scoreColumns)
    .from(rewardScores)
    .where(
      and(
        eq(rewardScores.licenseId, licenseId),
        eq(rewardScores.period, period),
        eq(rewardScores.learnerId, learnerId),
        gt(rewardScores.score, 0),
      ),
    )
    .limit(1);
  return row;
}

/** 1 + visible learners with a higher score in the period. */
export async function globalRank(
  db: Db,
  licenseId: string,
  period: string,
  score: number,
): Promise<number> {
  const [row] = await db
    .select({
      above: sql<number>`coalesce(sum(${rewardScoreCounts.learners}), 0)`.mapWith(Number),
    })
    .from(rewardScoreCounts)
    .where(
      and(
        eq(rewardScoreCounts.licenseId, licenseId),
        eq(rewardScoreCounts.period, period),
        gt(rewardScoreCounts.score, score),
      ),
    );
  return 1 + (row?.above ?? 0);
}

/**
 * Ranks a contiguous run of the global ordering: the first distinct score is ranked through
 * the counts, and each next one is the previous rank plus how many share the previous score
 * (no visible learner can sit between two neighbours of a contiguous run).
 */
export async function rankRun(
  db: Db,
  licenseId: string,
  period: string,
  rows: ScoreRow[],
): Promise<number[]> {
  if (rows.length === 0) return [];
  const high = rows[0]!.score;
  const low = rows.at(-1)!.score;
  const counted = await db
    .select({ score: rewardScoreCounts.score, learners: rewardScoreCounts.learners })
    .from(rewardScoreCounts)
    .where(
      and(
        eq(rewardScoreCounts.licenseId, licenseId),
        eq(rewardScoreCounts.period, period),
        gte(rewardScoreCounts.score, low),
        lte(rewardScoreCounts.score, high),
      ),
    );
  const counts = new Map(counted.map((r) => [r.score, r.learners]));
  const ranks: number[] = [];
  let rank = await globalRank(db, licenseId, period, high);
  let previous = high;
  for (const row of rows) {
    if (row.score !== previous) {
      rank += counts.get(previous) ?? 0;
      previous = row.score;
    }
    ranks.push(rank);
  }
  return ranks;
}

/**
 * Up to `limit` visible rows next to `after` in the board's order (`down`: worse, `up`:
 * better). Two index range scans: the rest of `after`'s tie group, then the scores beyond it;
 * one query with an OR across both would make SQLite scan the whole period.
 */
export async function globalSlice(
  db: Db,
  licenseId: string,
  period: string,
  after: ScoreRow | undefined,
  limit: number,
  direction: 'down' | 'up',
): Promise<ScoreRow[]> {
  const columns = { ...scoreColumns, name: rewardProfiles.displayName };
  const profile = and(
    eq(rewardProfiles.licenseId, rewardScores.licenseId),
    eq(rewardProfiles.learnerId, rewardScores.learnerId),
  );
  const base = and(
    eq(rewardScores.licenseId, licenseId),
    eq(rewardScores.period, period),
    eq(rewardScores.visible, true),
    gt(rewardScores.score, 0),
  );
  const down = direction === 'down';
  const rows: ScoreRow[] = [];
  if (after) {
    const rest = down
      ? sql`(${rewardScores.reachedAt}, ${rewardScores.learnerId}) > (${after.reachedAt}, ${after.learnerId})`
      : sql`(${rewardScores.reachedAt}, ${rewardScores.learnerId}) < (${after.reachedAt}, ${after.learnerId})`;
    rows.push(
      ...(await db
        .select(columns)
        .from(rewardScores)
        .leftJoin(rewardProfiles, profile)
        .where(and(base, eq(rewardScores.score, after.score), rest))
        .orderBy(
          ...(down
            ? [asc(rewardScores.reachedAt), asc(rewardScores.learnerId)]
            : [desc(rewardScores.reachedAt), desc(rewardScores.learnerId)]),
        )
        .limit(limit)),
    );
  }
  if (rows.length < limit) {
    rows.push(
      ...(await db
        .select(columns)
        .from(rewardScores)
        .leftJoin(rewardProfiles, profile)
        .where(
          and(
            base,
            after
              ? down
                ? lt(rewardScores.score, after.score)
                : gt(rewardScores.score, after.score)
              : undefined,
          ),
        )
        .orderBy(
          ...(down
            ? [desc(rewardScores.score), asc(rewardScores.reachedAt), asc(rewardScores.learnerId)]
            : [
                asc(rewardScores.score),
                desc(rewardScores.reachedAt),
                desc(rewardScores.learnerId),
              ]),
        )
        .limit(limit - rows.length)),
    );
  }
  return down ? rows : rows.reverse();
}

/** Scores of a closed set of learners (friends, a class) in a period, best first. */
export async function memberRows(
  db: Db,
  licenseId: string,
  period: string,
  ids: string[],
): Promise<ScoreRow[]> {
  const rows: ScoreRow[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    rows.push(
      ...(await db
        .select(scoreColumns)
        .from(rewardScores)
        .where(
          and(
            eq(rewardScores.licenseId, licenseId),
            eq(rewardScores.period, period),
            gt(rewardScores.score, 0),
            inArray(rewardScores.learnerId, ids.slice(i, i + 500)),
          ),
        )),
    );
  }
  return rows.sort(compare);
}
