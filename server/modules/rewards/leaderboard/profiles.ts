import { and, eq, sql } from 'drizzle-orm';
import { writeTransaction, type Db } from '../../../db/client.js';
import type { Clock } from '../../../services.js';
import type { OptOut } from '../contract.js';
import { rewardClassMembers, rewardFriends, rewardProfiles, rewardScores } from '../schema.js';
import { bucket } from './scores.js';

/** What a learner token (or the customer's server) says about a learner. */
export interface LearnerProfile {
  /** `null` keeps the name already known (or none, stored as ''). */
  displayName: string | null;
  classes: string[];
}

/**
 * Who is on which board: display names and classes from learner tokens, friend lists from the
 * customer's server, and the learner's own opt-out.
 */
export class Profiles {
  readonly #db: Db;
  readonly #clock: Clock;
  /** Last profile written per learner, so unchanged tokens do not write on every request. */
  readonly #seen = new Map<string, string>();

  constructor(db: Db, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
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
  setOptOut(licenseId: string, learnerId: string, optedOut: boolean, displayName = ''): OptOut {
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
}
