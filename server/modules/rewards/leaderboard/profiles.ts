import { and, eq, sql } from 'drizzle-orm';
import type { Store } from '../../../db/store.js';
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
  readonly #store: Store;
  readonly #clock: Clock;
  /** Last profile written per learner, so unchanged tokens do not write on every request. */
  readonly #seen = new Map<string, string>();
  /**
   * Profile writes under way, by learner and profile: requests that arrive together with the
   * same token wait for the one write instead of queueing a write each.
   */
  readonly #writing = new Map<string, Promise<void>>();

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  /**
   * Records the display name and classes a learner token carries. Runs its own write (never
   * call it inside one): a request that finds the same profile being written waits for it.
   */
  async touchProfile(licenseId: string, learnerId: string, profile: LearnerProfile): Promise<void> {
    const classes = [...new Set(profile.classes)].sort();
    const memo = `${licenseId}\n${learnerId}`;
    const fingerprint = JSON.stringify([profile.displayName, classes]);
    if (this.#seen.get(memo) === fingerprint) return;
    const key = `${memo}\n${fingerprint}`;
    let writing = this.#writing.get(key);
    if (!writing) {
      writing = this.#writeProfile(licenseId, learnerId, profile.displayName, classes)
        .then(() => {
          if (this.#seen.size > 50_000) this.#seen.clear();
          this.#seen.set(memo, fingerprint);
        })
        .finally(() => this.#writing.delete(key));
      this.#writing.set(key, writing);
    }
    await writing;
  }

  async #writeProfile(
    licenseId: string,
    learnerId: string,
    displayName: string | null,
    classes: string[],
  ): Promise<void> {
    const now = this.#clock.now();
    await this.#store.write(async (tx) => {
      await tx
        .insert(rewardProfiles)
        .values({ licenseId, learnerId, displayName: displayName ?? '', updatedAt: now })
        .onConflictDoUpdate({
          target: [rewardProfiles.licenseId, rewardProfiles.learnerId],
          set: {
            displayName: displayName ?? sql`${rewardProfiles.displayName}`,
            updatedAt: now,
          },
        });
      await tx
        .delete(rewardClassMembers)
        .where(
          and(
            eq(rewardClassMembers.licenseId, licenseId),
            eq(rewardClassMembers.learnerId, learnerId),
          ),
        );
      for (const classId of classes) {
        await tx.insert(rewardClassMembers).values({ licenseId, classId, learnerId });
      }
    });
  }

  /** Replaces a learner's friend list (as the customer's server knows it). */
  async setFriends(licenseId: string, learnerId: string, friendIds: string[]): Promise<string[]> {
    const friends = [...new Set(friendIds)].filter((id) => id !== learnerId).sort();
    await this.#store.write(async (tx) => {
      await tx
        .delete(rewardFriends)
        .where(and(eq(rewardFriends.licenseId, licenseId), eq(rewardFriends.learnerId, learnerId)));
      for (const friendId of friends) {
        await tx.insert(rewardFriends).values({ licenseId, learnerId, friendId });
      }
    });
    return friends;
  }

  async friends(licenseId: string, learnerId: string): Promise<string[]> {
    const rows = await this.#store.db
      .select({ id: rewardFriends.friendId })
      .from(rewardFriends)
      .where(and(eq(rewardFriends.licenseId, licenseId), eq(rewardFriends.learnerId, learnerId)));
    return rows.map((r) => r.id);
  }

  /** Hides (or shows again) the learner on every board; the learner still sees their own rank. */
  async setOptOut(
    licenseId: string,
    learnerId: string,
    optedOut: boolean,
    displayName = '',
  ): Promise<OptOut> {
    const now = this.#clock.now();
    await this.#store.write(async (tx) => {
      await tx
        .insert(rewardProfiles)
        .values({ licenseId, learnerId, displayName, optedOut, updatedAt: now })
        .onConflictDoUpdate({
          target: [rewardProfiles.licenseId, rewardProfiles.learnerId],
          set: { optedOut, updatedAt: now },
        });
      const rows = await tx
        .select()
        .from(rewardScores)
        .where(
          and(
            eq(rewardScores.licenseId, licenseId),
            eq(rewardScores.learnerId, learnerId),
            eq(rewardScores.visible, optedOut),
          ),
        );
      for (const row of rows) {
        await bucket(tx, licenseId, row.period, row.score, optedOut ? -1 : 1);
      }
      await tx
        .update(rewardScores)
        .set({ visible: !optedOut })
        .where(and(eq(rewardScores.licenseId, licenseId), eq(rewardScores.learnerId, learnerId)));
    });
    return { optedOut };
  }
}
