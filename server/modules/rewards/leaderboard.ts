import { and, asc, desc, eq, gt, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import { writeTransaction, type Db, type Tx } from '../../db/client.js';
import { ApiError } from '../../errors.js';
import type { Clock } from '../../services.js';
import type {
  LeaderboardEntry,
  LeaderboardPage,
  LeaderboardScope,
  LeaderboardWindow,
} from './contract.js';
import { isPeriodOf, periodBefore } from './periods.js';
import {
  rewardClassMembers,
  rewardFriends,
  rewardProfiles,
  rewardScoreCounts,
  rewardScores,
} from './schema.js';

export interface LearnerProfile {
  /** `null` keeps the name already known (or none, stored as ''). */
  displayName: string | null;
  classes: string[];
}

interface ScoreRow {
  learnerId: string;
  score: number;
  reachedAt: number;
  /** The display name, when the query that found the row joined it. */
  name?: string | null;
}

function bucket(tx: Tx, licenseId: string, period: string, score: number, delta: number) {
  if (score <= 0) return;
  tx.insert(rewardScoreCounts)
    .values({ licenseId, period, score, learners: delta })
    .onConflictDoUpdate({
      target: [rewardScoreCounts.licenseId, rewardScoreCounts.period, rewardScoreCounts.score],
      set: { learners: sql`${rewardScoreCounts.learners} + ${delta}` },
    })
    .run();
  if (delta < 0) {
    tx.delete(rewardScoreCounts)
      .where(
        and(
          eq(rewardScoreCounts.licenseId, licenseId),
          eq(rewardScoreCounts.period, period),
          eq(rewardScoreCounts.score, score),
          lte(rewardScoreCounts.learners, 0),
        ),
      )
      .run();
  }
}

/**
 * Moves a learner's score in each period by `delta` (never below zero), keeping the per-score
 * counts in step. Called by the ledger inside the transaction that moved the tokens.
 */
export function applyScore(
  tx: Tx,
  licenseId: string,
  learnerId: string,
  delta: number,
  periods: string[],
  now: number,
): void {
  const profile = tx
    .select({ optedOut: rewardProfiles.optedOut })
    .from(rewardProfiles)
    .where(and(eq(rewardProfiles.licenseId, licenseId), eq(rewardProfiles.learnerId, learnerId)))
    .get();
  const visible = !profile?.optedOut;
  for (const period of periods) {
    const key = and(
      eq(rewardScores.licenseId, licenseId),
      eq(rewardScores.period, period),
      eq(rewardScores.learnerId, learnerId),
    );
    const old = tx.select().from(rewardScores).where(key).get();
    const before = old?.score ?? 0;
    const after = Math.max(0, before + delta);
    if (after === before) continue;
    if (old) {
      tx.update(rewardScores).set({ score: after, reachedAt: now }).where(key).run();
    } else {
      tx.insert(rewardScores)
        .values({ licenseId, period, learnerId, score: after, reachedAt: now, visible })
        .run();
    }
    if (old ? old.visible : visible) {
      bucket(tx, licenseId, period, before, -1);
      bucket(tx, licenseId, period, after, 1);
    }
  }
}

function encodeCursor(row: ScoreRow): string {
  return Buffer.from(`${row.score}|${row.reachedAt}|${row.learnerId}`).toString('base64url');
}

function decodeCursor(cursor: string): ScoreRow {
  const [score, reachedAt, ...rest] = Buffer.from(cursor, 'base64url').toString().split('|');
  const row = { score: Number(score), reachedAt: Number(reachedAt), learnerId: rest.join('|') };
  if (!Number.isSafeInteger(row.score) || !Number.isSafeInteger(row.reachedAt) || !row.learnerId) {
    throw new ApiError('validation_failed', 'The cursor is not one this API handed out.', {
      errors: [{ path: 'query.cursor', message: 'Unknown cursor' }],
    });
  }
  return row;
}

/** Orders rows best first: higher score, then who reached it first, then id for stability. */
function compare(a: ScoreRow, b: ScoreRow): number {
  return (
    b.score - a.score ||
    a.reachedAt - b.reachedAt ||
    (a.learnerId < b.learnerId ? -1 : a.learnerId > b.learnerId ? 1 : 0)
  );
}

/**
 * Leaderboards over the per-period score tables. The global board reads one index range per
 * page and ranks through the per-score counts; friends and class boards are small sets ranked
 * in memory.
 */

/** What a score row reads, wherever scores are listed. */
const scoreColumns = {
  learnerId: rewardScores.learnerId,
  score: rewardScores.score,
  reachedAt: rewardScores.reachedAt,
};
export class Leaderboards {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #timeZone: (licenseId: string) => string;
  /** Last profile written per learner, so unchanged tokens do not write on every request. */
  readonly #seen = new Map<string, string>();

  constructor(db: Db, clock: Clock, timeZone: (licenseId: string) => string) {
    this.#db = db;
    this.#clock = clock;
    this.#timeZone = timeZone;
  }

  /** Records the display name and classes a learner token carries. */
  touchProfile(licenseId: string, learnerId: string, profile: LearnerProfile): void {
    const classes = [...new Set(profile.classes)].sort();
    const memo = `${licenseId}\n${learnerId}`;
    const fingerprint = JSON.stringify([profile.displayName, classes]);
    if (this.#seen.get(memo) === fingerprint) return;
    const now = this.#clock.now();
    writeTransaction(this.#db, (tx) => {
      tx.insert(rewardProfiles)
        .values({ licenseId, learnerId, displayName: profile.displayName ?? '', updatedAt: now })
        .onConflictDoUpdate({
          target: [rewardProfiles.licenseId, rewardProfiles.learnerId],
          set: {
            displayName: profile.displayName ?? sql`${rewardProfiles.displayName}`,
            updatedAt: now,
          },
        })
        .run();
      tx.delete(rewardClassMembers)
        .where(
          and(
            eq(rewardClassMembers.licenseId, licenseId),
            eq(rewardClassMembers.learnerId, learnerId),
          ),
        )
        .run();
      for (const classId of classes) {
        tx.insert(rewardClassMembers).values({ licenseId, classId, learnerId }).run();
      }
    });
    if (this.#seen.size > 50_000) this.#seen.clear();
    this.#seen.set(memo, fingerprint);
  }

  /** Replaces a learner's friend list (as the customer's server knows it). */
  setFriends(licenseId: string, learnerId: string, friendIds: string[]): string[] {
    const friends = [...new Set(friendIds)].filter((id) => id !== learnerId).sort();
    writeTransaction(this.#db, (tx) => {
      tx.delete(rewardFriends)
        .where(and(eq(rewardFriends.licenseId, licenseId), eq(rewardFriends.learnerId, learnerId)))
        .run();
      for (const friendId of friends) {
        tx.insert(rewardFriends).values({ licenseId, learnerId, friendId }).run();
      }
    });
    return friends;
  }

  friends(licenseId: string, learnerId: string): string[] {
    return this.#db
      .select({ id: rewardFriends.friendId })
      .from(rewardFriends)
      .where(and(eq(rewardFriends.licenseId, licenseId), eq(rewardFriends.learnerId, learnerId)))
      .all()
      .map((r) => r.id);
  }

  /** Hides (or shows again) the learner on every board; the learner still sees their own rank. */
  setOptOut(licenseId: string, learnerId: string, optedOut: boolean, displayName = '') {
    const now = this.#clock.now();
    writeTransaction(this.#db, (tx) => {
      tx.insert(rewardProfiles)
        .values({ licenseId, learnerId, displayName, optedOut, updatedAt: now })
        .onConflictDoUpdate({
          target: [rewardProfiles.licenseId, rewardProfiles.learnerId],
          set: { optedOut, updatedAt: now },
        })
        .run();
      const rows = tx
        .select()
        .from(rewardScores)
        .where(
          and(
            eq(rewardScores.licenseId, licenseId),
            eq(rewardScores.learnerId, learnerId),
            eq(rewardScores.visible, optedOut),
          ),
        )
        .all();
      for (const row of rows) {
        bucket(tx, licenseId, row.period, row.score, optedOut ? -1 : 1);
      }
      tx.update(rewardScores)
        .set({ visible: !optedOut })
        .where(and(eq(rewardScores.licenseId, licenseId), eq(rewardScores.learnerId, learnerId)))
        .run();
    });
    return { optedOut };
  }

  /** The period a request names: an explicit one, or `offset` periods back from now. */
  resolvePeriod(licenseId: string, window: LeaderboardWindow, period?: string, offset = 0): string {
    if (period !== undefined) {
      if (!isPeriodOf(window, period)) {
        throw new ApiError('validation_failed', `"${period}" is not a ${window} period.`, {
          errors: [
            {
              path: 'query.period',
              message: 'Expected all, week:YYYY-MM-DD (a Monday) or month:YYYY-MM',
            },
          ],
        });
      }
      return period;
    }
    return periodBefore(window, this.#clock.now(), this.#timeZone(licenseId), offset);
  }

  #names(licenseId: string, ids: string[]): Map<string, { name: string; optedOut: boolean }> {
    const names = new Map<string, { name: string; optedOut: boolean }>();
    if (ids.length === 0) return names;
    for (let i = 0; i < ids.length; i += 500) {
      const rows = this.#db
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
        )
        .all();
      for (const r of rows) names.set(r.id, { name: r.name, optedOut: r.optedOut });
    }
    return names;
  }

  #scoreOf(licenseId: string, period: string, learnerId: string): ScoreRow | undefined {
    return this.#db
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
      .get();
  }

  /** 1 + visible learners with a higher score in the period. */
  #globalRank(licenseId: string, period: string, score: number): number {
    const row = this.#db
      .select({ above: sql<number>`coalesce(sum(${rewardScoreCounts.learners}), 0)` })
      .from(rewardScoreCounts)
      .where(
        and(
          eq(rewardScoreCounts.licenseId, licenseId),
          eq(rewardScoreCounts.period, period),
          gt(rewardScoreCounts.score, score),
        ),
      )
      .get();
    return 1 + (row?.above ?? 0);
  }

  /**
   * Ranks a contiguous run of the global ordering: the first distinct score is ranked through
   * the counts, and each next one is the previous rank plus how many share the previous score
   * (no visible learner can sit between two neighbours of a contiguous run).
   */
  #rankRun(licenseId: string, period: string, rows: ScoreRow[]): number[] {
    if (rows.length === 0) return [];
    const high = rows[0]!.score;
    const low = rows.at(-1)!.score;
    const counts = new Map(
      this.#db
        .select({ score: rewardScoreCounts.score, learners: rewardScoreCounts.learners })
        .from(rewardScoreCounts)
        .where(
          and(
            eq(rewardScoreCounts.licenseId, licenseId),
            eq(rewardScoreCounts.period, period),
            gte(rewardScoreCounts.score, low),
            lte(rewardScoreCounts.score, high),
          ),
        )
        .all()
        .map((r) => [r.score, r.learners]),
    );
    const ranks: number[] = [];
    let rank = this.#globalRank(licenseId, period, high);
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
  #globalSlice(
    licenseId: string,
    period: string,
    after: ScoreRow | undefined,
    limit: number,
    direction: 'down' | 'up',
  ): ScoreRow[] {
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
        ...this.#db
          .select(columns)
          .from(rewardScores)
          .leftJoin(rewardProfiles, profile)
          .where(and(base, eq(rewardScores.score, after.score), rest))
          .orderBy(
            ...(down
              ? [asc(rewardScores.reachedAt), asc(rewardScores.learnerId)]
              : [desc(rewardScores.reachedAt), desc(rewardScores.learnerId)]),
          )
          .limit(limit)
          .all(),
      );
    }
    if (rows.length < limit) {
      rows.push(
        ...this.#db
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
          .limit(limit - rows.length)
          .all(),
      );
    }
    return down ? rows : rows.reverse();
  }

  /** Scores of a closed set of learners (friends, a class) in a period, best first. */
  #memberRows(licenseId: string, period: string, ids: string[]): ScoreRow[] {
    const rows: ScoreRow[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      rows.push(
        ...this.#db
          .select(scoreColumns)
          .from(rewardScores)
          .where(
            and(
              eq(rewardScores.licenseId, licenseId),
              eq(rewardScores.period, period),
              gt(rewardScores.score, 0),
              inArray(rewardScores.learnerId, ids.slice(i, i + 500)),
            ),
          )
          .all(),
      );
    }
    return rows.sort(compare);
  }

  board(
    licenseId: string,
    viewer: { learnerId: string; displayName: string; classes: string[] },
    options: {
      scope: LeaderboardScope;
      window: LeaderboardWindow;
      period?: string;
      offset?: number;
      classId?: string;
      limit: number;
      cursor?: string;
      around?: number;
    },
  ): LeaderboardPage {
    const period = this.resolvePeriod(licenseId, options.window, options.period, options.offset);
    const mine = this.#scoreOf(licenseId, period, viewer.learnerId);
    const profile = this.#names(licenseId, [viewer.learnerId]).get(viewer.learnerId);
    const optedOut = profile?.optedOut ?? false;
    let classId: string | null = null;
    let entries: { row: ScoreRow; rank: number }[];
    let around: { row: ScoreRow; rank: number }[] = [];
    let myRank: number | null = null;
    let nextCursor: string | null = null;

    if (options.scope === 'global') {
      const after = options.cursor ? decodeCursor(options.cursor) : undefined;
      const rows = this.#globalSlice(licenseId, period, after, options.limit + 1, 'down');
      const page = rows.slice(0, options.limit);
      const ranks = this.#rankRun(licenseId, period, page);
      entries = page.map((row, i) => ({ row, rank: ranks[i]! }));
      if (rows.length > options.limit && page.length > 0) nextCursor = encodeCursor(page.at(-1)!);
      if (mine) {
        myRank = this.#globalRank(licenseId, period, mine.score);
        if (options.around && !optedOut) {
          const k = options.around;
          const run = [
            ...this.#globalSlice(licenseId, period, mine, k, 'up'),
            mine,
            ...this.#globalSlice(licenseId, period, mine, k, 'down'),
          ];
          const runRanks = this.#rankRun(licenseId, period, run);
          around = run.map((row, i) => ({ row, rank: runRanks[i]! }));
        }
      }
    } else {
      let members: string[];
      if (options.scope === 'friends') {
        members = [viewer.learnerId, ...this.friends(licenseId, viewer.learnerId)];
      } else {
        classId = options.classId ?? viewer.classes[0] ?? null;
        if (!classId || !viewer.classes.includes(classId)) {
          // Class boards are for members only: the token's `classes` claim decides.
          throw new ApiError(
            classId ? 'forbidden' : 'not_found',
            classId ? 'You are not a member of this class.' : 'Your token names no class.',
          );
        }
        members = this.#db
          .select({ id: rewardClassMembers.learnerId })
          .from(rewardClassMembers)
          .where(
            and(
              eq(rewardClassMembers.licenseId, licenseId),
              eq(rewardClassMembers.classId, classId),
            ),
          )
          .all()
          .map((r) => r.id);
        if (!members.includes(viewer.learnerId)) members.push(viewer.learnerId);
      }
      const names = this.#names(licenseId, members);
      const all = this.#memberRows(licenseId, period, members);
      const shown = all.filter((r) => !names.get(r.learnerId)?.optedOut);
      const ranked: { row: ScoreRow; rank: number }[] = [];
      shown.forEach((row, i) => {
        const prev = ranked[i - 1];
        ranked.push({ row, rank: prev && prev.row.score === row.score ? prev.rank : i + 1 });
      });
      const after = options.cursor ? decodeCursor(options.cursor) : undefined;
      const start = after ? shown.findIndex((r) => compare(r, after) > 0) : 0;
      const from = start < 0 ? shown.length : start;
      entries = ranked.slice(from, from + options.limit);
      if (from + options.limit < ranked.length && entries.length > 0) {
        nextCursor = encodeCursor(entries.at(-1)!.row);
      }
      if (mine) {
        myRank = 1 + shown.filter((r) => r.score > mine.score).length;
        const at = ranked.findIndex((r) => r.row.learnerId === viewer.learnerId);
        if (options.around && at >= 0) {
          around = ranked.slice(Math.max(0, at - options.around), at + options.around + 1);
        }
      }
    }

    const ids = [...new Set([...entries, ...around].map((e) => e.row))]
      .filter((r) => r.name === undefined)
      .map((r) => r.learnerId);
    const names = this.#names(licenseId, ids);
    const toEntry = ({ row, rank }: { row: ScoreRow; rank: number }): LeaderboardEntry => ({
      rank,
      // A learner only reported by the customer's server may have no name yet: never show the id.
      displayName:
        row.learnerId === viewer.learnerId
          ? viewer.displayName
          : (row.name ?? names.get(row.learnerId)?.name) || null,
      score: row.score,
      me: row.learnerId === viewer.learnerId,
    });
    return {
      scope: options.scope,
      window: options.window,
      period,
      classId,
      entries: entries.map(toEntry),
      around: around.map(toEntry),
      me: { rank: myRank, score: mine?.score ?? 0, displayName: viewer.displayName, optedOut },
      nextCursor,
    };
  }
}
