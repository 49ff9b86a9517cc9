import { and, eq } from 'drizzle-orm';
import type { Store } from '../../db/store.js';
import { ApiError } from '../../errors.js';
import type { Clock } from '../../services.js';
import type {
  LeaderboardEntry,
  LeaderboardPage,
  LeaderboardQuery,
  LeaderboardWindow,
  OptOut,
} from './contract.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { Profiles, type LearnerProfile } from './leaderboard/profiles.js';
import {
  displayNames,
  globalRank,
  globalSlice,
  memberRows,
  rankRun,
  scoreOf,
} from './leaderboard/ranking.js';
import { compare, type ScoreRow } from './leaderboard/scores.js';
import { isPeriodOf, periodBefore } from './periods.js';
import { rewardClassMembers } from './schema.js';

export type { LearnerProfile } from './leaderboard/profiles.js';

/** Who is looking: the learner token's subject, name and classes. */
export interface Viewer {
  learnerId: string;
  displayName: string;
  classes: string[];
}

/** A board request: the query's scope, window and limit, the rest optional. */
export type BoardOptions = Pick<LeaderboardQuery, 'scope' | 'window' | 'limit'> &
  Partial<Omit<LeaderboardQuery, 'scope' | 'window' | 'limit'>>;

interface Ranked {
  row: ScoreRow;
  rank: number;
}

/** One board's rows before names are attached. */
interface RankedBoard {
  classId: string | null;
  entries: Ranked[];
  around: Ranked[];
  myRank: number | null;
  nextCursor: string | null;
}

const cursorOf = (row: ScoreRow) => encodeCursor([row.score, row.reachedAt], row.learnerId);

function rowAfter(cursor: string | undefined): ScoreRow | undefined {
  if (!cursor) return undefined;
  const { keys, id } = decodeCursor(cursor, 2);
  return { score: keys[0]!, reachedAt: keys[1]!, learnerId: id };
}

/**
 * Leaderboards over the per-period score tables: global, friends and class scopes, week,
 * month and all-time windows in the license's time zone, competition ranks, and the learners
 * around the viewer. Scores are written by the ledger (`leaderboard/scores.ts`); this class
 * reads them and keeps the profiles that decide who is shown and by which name.
 */
export class Leaderboards {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #timeZone: (licenseId: string) => Promise<string>;
  readonly #profiles: Profiles;

  constructor(store: Store, clock: Clock, timeZone: (licenseId: string) => Promise<string>) {
    this.#store = store;
    this.#clock = clock;
    this.#timeZone = timeZone;
    this.#profiles = new Profiles(store, clock);
  }

  /** Records the display name and classes a learner token carries. */
  async touchProfile(licenseId: string, learnerId: string, profile: LearnerProfile): Promise<void> {
    await this.#profiles.touchProfile(licenseId, learnerId, profile);
  }

  /** Replaces a learner's friend list (as the customer's server knows it). */
  async setFriends(licenseId: string, learnerId: string, friendIds: string[]): Promise<string[]> {
    return this.#profiles.setFriends(licenseId, learnerId, friendIds);
  }

  async friends(licenseId: string, learnerId: string): Promise<string[]> {
    return this.#profiles.friends(licenseId, learnerId);
  }

  /** Hides (or shows again) the learner on every board; the learner still sees their own rank. */
  async setOptOut(
    licenseId: string,
    learnerId: string,
    optedOut: boolean,
    displayName = '',
  ): Promise<OptOut> {
    return this.#profiles.setOptOut(licenseId, learnerId, optedOut, displayName);
  }

  /** The period a request names: an explicit one, or `offset` periods back from now. */
  async resolvePeriod(
    licenseId: string,
    window: LeaderboardWindow,
    period?: string,
    offset = 0,
  ): Promise<string> {
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
    return periodBefore(window, this.#clock.now(), await this.#timeZone(licenseId), offset);
  }

  async board(licenseId: string, viewer: Viewer, options: BoardOptions): Promise<LeaderboardPage> {
    const db = this.#store.db;
    const period = await this.resolvePeriod(
      licenseId,
      options.window,
      options.period,
      options.offset,
    );
    const mine = await scoreOf(db, licenseId, period, viewer.learnerId);
    const profile = (await displayNames(db, licenseId, [viewer.learnerId])).get(viewer.learnerId);
    const optedOut = profile?.optedOut ?? false;
    const ranked =
      options.scope === 'global'
        ? await this.#globalBoard(licenseId, period, mine, optedOut, options)
        : await this.#memberBoard(licenseId, period, mine, viewer, options);

    const ids = [...new Set([...ranked.entries, ...ranked.around].map((e) => e.row))]
      .filter((r) => r.name === undefined)
      .map((r) => r.learnerId);
    const names = await displayNames(db, licenseId, ids);
    const toEntry = ({ row, rank }: Ranked): LeaderboardEntry => ({
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
      classId: ranked.classId,
      entries: ranked.entries.map(toEntry),
      around: ranked.around.map(toEntry),
      me: {
        rank: ranked.myRank,
        score: mine?.score ?? 0,
        displayName: viewer.displayName,
        optedOut,
      },
      nextCursor: ranked.nextCursor,
    };
  }

  /** The license-wide board: index range scans, ranked through the per-score counts. */
  async #globalBoard(
    licenseId: string,
    period: string,
    mine: ScoreRow | undefined,
    optedOut: boolean,
    options: BoardOptions,
  ): Promise<RankedBoard> {
    const db = this.#store.db;
    const rows = await globalSlice(
      db,
      licenseId,
      period,
      rowAfter(options.cursor),
      options.limit + 1,
      'down',
    );
    const page = rows.slice(0, options.limit);
    const ranks = await rankRun(db, licenseId, period, page);
    const entries = page.map((row, i) => ({ row, rank: ranks[i]! }));
    const nextCursor =
      rows.length > options.limit && page.length > 0 ? cursorOf(page.at(-1)!) : null;
    let around: Ranked[] = [];
    let myRank: number | null = null;
    if (mine) {
      myRank = await globalRank(db, licenseId, period, mine.score);
      if (options.around && !optedOut) {
        const k = options.around;
        const run = [
          ...(await globalSlice(db, licenseId, period, mine, k, 'up')),
          mine,
          ...(await globalSlice(db, licenseId, period, mine, k, 'down')),
        ];
        const runRanks = await rankRun(db, licenseId, period, run);
        around = run.map((row, i) => ({ row, rank: runRanks[i]! }));
      }
    }
    return { classId: null, entries, around, myRank, nextCursor };
  }

  /** A friends or class board: a closed set of learners, ranked in memory. */
  async #memberBoard(
    licenseId: string,
    period: string,
    mine: ScoreRow | undefined,
    viewer: Viewer,
    options: BoardOptions,
  ): Promise<RankedBoard> {
    const db = this.#store.db;
    let classId: string | null = null;
    let members: string[];
    if (options.scope === 'friends') {
      members = [viewer.learnerId, ...(await this.friends(licenseId, viewer.learnerId))];
    } else {
      classId = options.classId ?? viewer.classes[0] ?? null;
      if (!classId || !viewer.classes.includes(classId)) {
        // Class boards are for members only: the token's `classes` claim decides.
        throw new ApiError(
          classId ? 'forbidden' : 'not_found',
          classId ? 'You are not a member of this class.' : 'Your token names no class.',
        );
      }
      members = await this.#classMembers(licenseId, classId);
      if (!members.includes(viewer.learnerId)) members.push(viewer.learnerId);
    }
    const names = await displayNames(db, licenseId, members);
    const all = await memberRows(db, licenseId, period, members);
    const shown = all.filter((r) => !names.get(r.learnerId)?.optedOut);
    const ranked: Ranked[] = [];
    shown.forEach((row, i) => {
      const prev = ranked[i - 1];
      ranked.push({ row, rank: prev && prev.row.score === row.score ? prev.rank : i + 1 });
    });
    const after = rowAfter(options.cursor);
    const start = after ? shown.findIndex((r) => compare(r, after) > 0) : 0;
    const from = start < 0 ? shown.length : start;
    const entries = ranked.slice(from, from + options.limit);
    const nextCursor =
      from + options.limit < ranked.length && entries.length > 0
        ? cursorOf(entries.at(-1)!.row)
        : null;
    let around: Ranked[] = [];
    let myRank: number | null = null;
    if (mine) {
      myRank = 1 + shown.filter((r) => r.score > mine.score).length;
      const at = ranked.findIndex((r) => r.row.learnerId === viewer.learnerId);
      if (options.around && at >= 0) {
        around = ranked.slice(Math.max(0, at - options.around), at + options.around + 1);
      }
    }
    return { classId, entries, around, myRank, nextCursor };
  }

  async #classMembers(licenseId: string, classId: string): Promise<string[]> {
    const rows = await this.#store.db
      .select({ id: rewardClassMembers.learnerId })
      .from(rewardClassMembers)
      .where(
        and(eq(rewardClassMembers.licenseId, licenseId), eq(rewardClassMembers.classId, classId)),
      );
    return rows.map((r) => r.id);
  }
}
