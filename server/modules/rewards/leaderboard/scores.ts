import { and, eq, lte, sql } from 'drizzle-orm';
import type { Tx } from '../../../db/store.js';
import { rewardProfiles, rewardScoreCounts, rewardScores } from '../schema.js';

/**
 * The write side of the leaderboards: one score row per learner and period, and the count of
 * visible learners per score, kept in step so a rank is a sum over distinct scores. The ledger
 * calls `applyScore` inside the transaction that moved the tokens.
 */

/** A learner's place in a period's ordering. */
export interface ScoreRow {
  learnerId: string;
  score: number;
  reachedAt: number;
  /** The display name, when the query that found the row joined it. */
  name?: string | null;
}

/** What a score row reads, wherever scores are listed. */
export const scoreColumns = {
  learnerId: rewardScores.learnerId,
  score: rewardScores.score,
  reachedAt: rewardScores.reachedAt,
};

/** Orders rows best first: higher score, then who reached it first, then id for stability. */
export function compare(a: ScoreRow, b: ScoreRow): number {
  return (
    b.score - a.score ||
    a.reachedAt - b.reachedAt ||
    (a.learnerId < b.learnerId ? -1 : a.learnerId > b.learnerId ? 1 : 0)
  );
}

/** Moves the count of visible learners at `score` by `delta`, dropping emptied counts. */
export async function bucket(
  tx: Tx,
  licenseId: string,
  period: string,
  score: number,
  delta: number,
): Promise<void> {
  if (score <= 0) return;
  await tx
    .insert(rewardScoreCounts)
    .values({ licenseId, period, score, learners: delta })
    .onConflictDoUpdate({
      target: [rewardScoreCounts.licenseId, rewardScoreCounts.period, rewardScoreCounts.score],
      set: { learners: sql`${rewardScoreCounts.learners} + ${delta}` },
    });
  if (delta < 0) {
    await tx
      .delete(rewardScoreCounts)
      .where(
        and(
          eq(rewardScoreCounts.licenseId, licenseId),
          eq(rewardScoreCounts.period, period),
          eq(rewardScoreCounts.score, score),
          lte(rewardScoreCounts.learners, 0),
        ),
      );
  }
}

/**
 * Moves a learner's score in each period by `delta` (never below zero), keeping the per-score
 * counts in step. Called by the ledger inside the transaction that moved the tokens.
 */
export async function applyScore(
  tx: Tx,
  licenseId: string,
  learnerId: string,
  delta: number,
  periods: string[],
  now: number,
): Promise<void> {
  const [profile] = await tx
    .select({ optedOut: rewardProfiles.optedOut })
    .from(rewardProfiles)
    .where(and(eq(rewardProfiles.licenseId, licenseId), eq(rewardProfiles.learnerId, learnerId)))
    .limit(1);
  const visible = !profile?.optedOut;
  for (const period of periods) {
    const key = and(
      eq(rewardScores.licenseId, licenseId),
      eq(rewardScores.period, period),
      eq(rewardScores.learnerId, learnerId),
    );
    const [old] = await tx.select().from(rewardScores).where(key).limit(1);
    const before = old?.score ?? 0;
    const after = Math.max(0, before + delta);
    if (after === before) continue;
    if (old) {
      await tx.update(rewardScores).set({ score: after, reachedAt: now }).where(key);
    } else {
      await tx
        .insert(rewardScores)
        .values({ licenseId, period, learnerId, score: after, reachedAt: now, visible });
    }
    if (old ? old.visible : visible) {
      await bucket(tx, licenseId, period, before, -1);
      await bucket(tx, licenseId, period, after, 1);
    }
  }
}
