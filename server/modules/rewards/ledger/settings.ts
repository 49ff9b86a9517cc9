import { and, asc, eq } from 'drizzle-orm';
import { writeTransaction, type Db, type Tx } from '../../../db/client.js';
import type { RewardRule, RewardSettings } from '../contract.js';
import { rewardRules, rewardSettings } from '../schema.js';
import type { LedgerContext } from './postings.js';

/**
 * A license's rewards settings (time zone, token expiry, token name) and its earning rules.
 * A license without a settings row has the defaults: UTC, tokens that never expire, and the
 * widgets' own word for tokens.
 */

export function readSettings(tx: Db | Tx, licenseId: string): RewardSettings {
  const row = tx.select().from(rewardSettings).where(eq(rewardSettings.licenseId, licenseId)).get();
  return {
    timeZone: row?.timeZone ?? 'UTC',
    expiryDays: row?.expiryDays ?? null,
    tokenName: row?.tokenName ?? null,
  };
}

export function updateSettings(
  ctx: LedgerContext,
  licenseId: string,
  patch: Partial<RewardSettings>,
): RewardSettings {
  const now = ctx.clock.now();
  return writeTransaction(ctx.db, (tx) => {
    const next = { ...readSettings(tx, licenseId), ...patch };
    tx.insert(rewardSettings)
      .values({ licenseId, ...next, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({
        target: rewardSettings.licenseId,
        set: { ...next, updatedAt: now },
      })
      .run();
    return next;
  });
}

export function listRules(db: Db, licenseId: string): RewardRule[] {
  return db
    .select({
      activity: rewardRules.activity,
      amount: rewardRules.amount,
      dailyCap: rewardRules.dailyCap,
    })
    .from(rewardRules)
    .where(eq(rewardRules.licenseId, licenseId))
    .orderBy(asc(rewardRules.activity))
    .all();
}

/** The license's rule for `activity`, or null when the activity earns nothing. */
export function ruleFor(tx: Db | Tx, licenseId: string, activity: string): RewardRule | null {
  return (
    tx
      .select({
        activity: rewardRules.activity,
        amount: rewardRules.amount,
        dailyCap: rewardRules.dailyCap,
      })
      .from(rewardRules)
      .where(and(eq(rewardRules.licenseId, licenseId), eq(rewardRules.activity, activity)))
      .get() ?? null
  );
}

export function setRule(ctx: LedgerContext, licenseId: string, rule: RewardRule): RewardRule {
  const now = ctx.clock.now();
  ctx.db
    .insert(rewardRules)
    .values({ licenseId, ...rule, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [rewardRules.licenseId, rewardRules.activity],
      set: { amount: rule.amount, dailyCap: rule.dailyCap, updatedAt: now },
    })
    .run();
  return rule;
}

export function deleteRule(db: Db, licenseId: string, activity: string): boolean {
  const result = db
    .delete(rewardRules)
    .where(and(eq(rewardRules.licenseId, licenseId), eq(rewardRules.activity, activity)))
    .run();
  return result.changes > 0;
}
