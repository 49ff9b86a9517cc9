import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../../db/store.js';
import type { RewardRule, RewardSettings } from '../contract.js';
import { rewardRules, rewardSettings } from '../schema.js';
import type { LedgerContext } from './postings.js';

/**
 * A license's rewards settings (time zone, token expiry, token name) and its earning rules.
 * A license without a settings row has the defaults: UTC, tokens that never expire, and the
 * widgets' own word for tokens.
 */

export async function readSettings(tx: Db, licenseId: string): Promise<RewardSettings> {
  const [row] = await tx
    .select()
    .from(rewardSettings)
    .where(eq(rewardSettings.licenseId, licenseId))
    .limit(1);
  return {
    timeZone: row?.timeZone ?? 'UTC',
    expiryDays: row?.expiryDays ?? null,
    tokenName: row?.tokenName ?? null,
  };
}

export async function updateSettings(
  ctx: LedgerContext,
  licenseId: string,
  patch: Partial<RewardSettings>,
): Promise<RewardSettings> {
  const now = ctx.clock.now();
  return ctx.store.write(async (tx) => {
    const next = { ...(await readSettings(tx, licenseId)), ...patch };
    await tx
      .insert(rewardSettings)
      .values({ licenseId, ...next, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({
        target: rewardSettings.licenseId,
        set: { ...next, updatedAt: now },
      });
    return next;
  });
}

export async function listRules(db: Db, licenseId: string): Promise<RewardRule[]> {
  return db
    .select({
      activity: rewardRules.activity,
      amount: rewardRules.amount,
      dailyCap: rewardRules.dailyCap,
    })
    .from(rewardRules)
    .where(eq(rewardRules.licenseId, licenseId))
    .orderBy(asc(rewardRules.activity));
}

/** The license's rule for `activity`, or null when the activity earns nothing. */
export async function ruleFor(
  tx: Db,
  licenseId: string,
  activity: string,
): Promise<RewardRule | null> {
  const [rule] = await tx
    .select({
      activity: rewardRules.activity,
      amount: rewardRules.amount,
      dailyCap: rewardRules.dailyCap,
    })
    .from(rewardRules)
    .where(and(eq(rewardRules.licenseId, licenseId), eq(rewardRules.activity, activity)))
    .limit(1);
  return rule ?? null;
}

export async function setRule(
  ctx: LedgerContext,
  licenseId: string,
  rule: RewardRule,
): Promise<RewardRule> {
  const now = ctx.clock.now();
  await ctx.store.write(async (tx) => {
    await tx
      .insert(rewardRules)
      .values({ licenseId, ...rule, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({
        target: [rewardRules.licenseId, rewardRules.activity],
        set: { amount: rule.amount, dailyCap: rule.dailyCap, updatedAt: now },
      });
  });
  return rule;
}

export async function deleteRule(
  ctx: LedgerContext,
  licenseId: string,
  activity: string,
): Promise<boolean> {
  const deleted = await ctx.store.write(async (tx) =>
    tx
      .delete(rewardRules)
      .where(and(eq(rewardRules.licenseId, licenseId), eq(rewardRules.activity, activity)))
      .returning({ activity: rewardRules.activity }),
  );
  return deleted.length > 0;
}
