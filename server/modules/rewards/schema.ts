import { index, integer, primaryKey, table, text, uniqueIndex } from '../../db/kit.js';
import { sql } from 'drizzle-orm';
import { tenantId, timestamps } from '../../db/columns.js';
import { licenses } from '../licenses/schema.js';
import {
  redemptionStatuses,
  rewardKinds,
  transactionTypes,
  type RewardDetails,
  type ShippingDetails,
} from './contract.js';

/*
 * Learners are named by the customer's own id (the token's `sub`), so activity reported by the
 * customer's server and requests made with a learner token meet on the same key without a
 * lookup. Accounts are `learner:<id>` or one of the system accounts below.
 */

export const systemAccounts = ['system:issuance', 'system:redemption', 'system:expiry'] as const;
export type SystemAccount = (typeof systemAccounts)[number];

/** Per-license rewards settings. A missing row means the defaults. */
export const rewardSettings = table('reward_settings', {
  licenseId: tenantId()
    .primaryKey()
    .references(() => licenses.id),
  /** IANA zone for daily caps and leaderboard weeks and months. */
  timeZone: text().notNull().default('UTC'),
  /** Tokens expire this many days after they are earned; `null` means never. */
  expiryDays: integer(),
  /** White-label name of the token shown by the wallet ("Acme Coins"). */
  tokenName: text(),
  ...timestamps,
});

/** Current balance per account; always equal to the sum of the account's postings. */
export const rewardAccounts = table(
  'reward_accounts',
  {
    licenseId: tenantId().references(() => licenses.id),
    account: text().notNull(),
    balance: integer().notNull().default(0),
    updatedAt: integer({ mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.licenseId, t.account] })],
);

export const rewardTransactions = table(
  'reward_transactions',
  {
    id: text().primaryKey(),
    licenseId: tenantId().references(() => licenses.id),
    learnerId: text().notNull(),
    type: text({ enum: transactionTypes }).notNull(),
    /** Tokens moved into (+) or out of (−) the learner's account. */
    amount: integer().notNull(),
    /** What earned or spent the tokens: an activity, a reward, a grant reason. */
    reason: text().notNull(),
    /** For a reversal: the transaction it reverses. Each transaction is reversed at most once. */
    reversesId: text(),
    /** For a reversal: tokens that could not be taken back because the balance was spent. */
    shortfall: integer().notNull().default(0),
    createdAt: integer({ mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    index('reward_transactions_learner_idx').on(t.licenseId, t.learnerId, t.createdAt),
    uniqueIndex('reward_transactions_reverses_idx').on(t.reversesId),
  ],
);

/** Double-entry legs: the postings of one transaction always sum to zero. */
export const rewardPostings = table(
  'reward_postings',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    licenseId: tenantId().references(() => licenses.id),
    transactionId: text()
      .notNull()
      .references(() => rewardTransactions.id),
    account: text().notNull(),
    amount: integer().notNull(),
  },
  (t) => [
    index('reward_postings_transaction_idx').on(t.transactionId),
    index('reward_postings_account_idx').on(t.licenseId, t.account),
  ],
);

/**
 * Tokens a learner holds, by when they came in, so spending and expiry take the oldest first.
 * The remaining amounts of a learner's lots always add up to the learner's balance.
 */
export const rewardLots = table(
  'reward_lots',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    licenseId: tenantId().references(() => licenses.id),
    learnerId: text().notNull(),
    transactionId: text().notNull(),
    remaining: integer().notNull(),
    expiresAt: integer({ mode: 'timestamp_ms' }),
  },
  (t) => [
    index('reward_lots_learner_idx').on(t.licenseId, t.learnerId, t.remaining),
    index('reward_lots_expiry_idx').on(t.licenseId, t.expiresAt),
  ],
);

/**
 * Results of earn, spend and redeem requests by idempotency key. A repeat with the same
 * parameters gets `result` back; different parameters under the same key are refused.
 */
export const rewardIdempotency = table(
  'reward_idempotency',
  {
    licenseId: tenantId().references(() => licenses.id),
    key: text().notNull(),
    fingerprint: text().notNull(),
    result: text({ mode: 'json' }).$type<unknown>().notNull(),
    createdAt: integer({ mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.licenseId, t.key] })],
);

/** How many tokens an activity earns, per license. */
export const rewardRules = table(
  'reward_rules',
  {
    licenseId: tenantId().references(() => licenses.id),
    activity: text().notNull(),
    /** Tokens per event, or per unit when the report carries `units` (e.g. per dollar spent). */
    amount: integer().notNull(),
    /** Most tokens one learner can earn from this activity per day; `null` means no cap. */
    dailyCap: integer(),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.licenseId, t.activity] })],
);

/** Tokens earned per learner, activity and local day, for the daily caps. */
export const rewardDailyEarnings = table(
  'reward_daily_earnings',
  {
    licenseId: tenantId().references(() => licenses.id),
    learnerId: text().notNull(),
    activity: text().notNull(),
    day: text().notNull(),
    amount: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.licenseId, t.learnerId, t.activity, t.day] })],
);

/* Leaderboards */

/** What the leaderboard shows for a learner: the token's display name, classes, opt-out. */
export const rewardProfiles = table(
  'reward_profiles',
  {
    licenseId: tenantId().references(() => licenses.id),
    learnerId: text().notNull(),
    displayName: text().notNull(),
    optedOut: integer({ mode: 'boolean' }).notNull().default(false),
    updatedAt: integer({ mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.licenseId, t.learnerId] })],
);

export const rewardClassMembers = table(
  'reward_class_members',
  {
    licenseId: tenantId().references(() => licenses.id),
    classId: text().notNull(),
    learnerId: text().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.licenseId, t.classId, t.learnerId] }),
    index('reward_class_members_learner_idx').on(t.licenseId, t.learnerId),
  ],
);

/** Friend lists as the customer's server sets them; one row per direction. */
export const rewardFriends = table(
  'reward_friends',
  {
    licenseId: tenantId().references(() => licenses.id),
    learnerId: text().notNull(),
    friendId: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.licenseId, t.learnerId, t.friendId] })],
);

/**
 * Tokens earned per learner and period (`all`, `week:2030-01-14`, `month:2030-01`), kept up
 * to date with every earning so a page of the board is one index range scan. `visible` is
 * false for learners who opted out; `reachedAt` breaks ties in favour of who got there first.
 */
export const rewardScores = table(
  'reward_scores',
  {
    licenseId: tenantId().references(() => licenses.id),
    period: text().notNull(),
    learnerId: text().notNull(),
    score: integer().notNull(),
    reachedAt: integer().notNull(),
    visible: integer({ mode: 'boolean' }).notNull().default(true),
  },
  (t) => [
    primaryKey({ columns: [t.licenseId, t.period, t.learnerId] }),
    index('reward_scores_rank_idx').on(
      t.licenseId,
      t.period,
      t.visible,
      sql`${t.score} desc`,
      t.reachedAt,
      t.learnerId,
    ),
  ],
);

/**
 * How many visible learners hold each score in a period. A rank is 1 + the learners above,
 * so it is a sum over distinct scores rather than a count over learners.
 */
export const rewardScoreCounts = table(
  'reward_score_counts',
  {
    licenseId: tenantId().references(() => licenses.id),
    period: text().notNull(),
    score: integer().notNull(),
    learners: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.licenseId, t.period, t.score] })],
);

/* Redemptions */

export const rewardItems = table(
  'reward_items',
  {
    id: text().primaryKey(),
    licenseId: tenantId().references(() => licenses.id),
    kind: text({ enum: rewardKinds }).notNull(),
    title: text().notNull(),
    description: text().notNull().default(''),
    cost: integer().notNull(),
    /** Units left; `null` means unlimited. */
    stock: integer(),
    /** Most redemptions per learner (excluding rejected and canceled); `null` means no limit. */
    perLearnerLimit: integer(),
    details: text({ mode: 'json' }).$type<RewardDetails>().notNull(),
    active: integer({ mode: 'boolean' }).notNull().default(true),
    ...timestamps,
  },
  (t) => [index('reward_items_license_idx').on(t.licenseId, t.active)],
);

export const rewardRedemptions = table(
  'reward_redemptions',
  {
    id: text().primaryKey(),
    licenseId: tenantId().references(() => licenses.id),
    learnerId: text().notNull(),
    itemId: text()
      .notNull()
      .references(() => rewardItems.id),
    kind: text({ enum: rewardKinds }).notNull(),
    title: text().notNull(),
    cost: integer().notNull(),
    status: text({ enum: redemptionStatuses }).notNull(),
    spendTransactionId: text().notNull(),
    reversalTransactionId: text(),
    shipping: text({ mode: 'json' }).$type<ShippingDetails>(),
    couponCode: text(),
    featureUntil: integer({ mode: 'timestamp_ms' }),
    /** The operator's note to the learner (why it was rejected, a tracking number). */
    note: text(),
    ...timestamps,
  },
  (t) => [
    index('reward_redemptions_learner_idx').on(t.licenseId, t.learnerId, t.createdAt),
    index('reward_redemptions_status_idx').on(t.licenseId, t.status),
    index('reward_redemptions_item_idx').on(t.licenseId, t.itemId, t.learnerId),
  ],
);

/** Coupon codes issued by course-coupon rewards, for the checkout to accept. */
export const rewardCoupons = table(
  'reward_coupons',
  {
    code: text().primaryKey(),
    licenseId: tenantId().references(() => licenses.id),
    learnerId: text().notNull(),
    redemptionId: text().notNull(),
    percentOff: integer(),
    amountOff: integer(),
    currency: text(),
    courseId: text(),
    /** Set by the checkout when the coupon is used; `null` while it is still valid. */
    usedAt: integer({ mode: 'timestamp_ms' }),
    createdAt: integer({ mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('reward_coupons_learner_idx').on(t.licenseId, t.learnerId)],
);

/** Features a learner unlocked with tokens, until a time; feature access reads these. */
export const rewardFeatureGrants = table(
  'reward_feature_grants',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    licenseId: tenantId().references(() => licenses.id),
    learnerId: text().notNull(),
    feature: text().notNull(),
    redemptionId: text().notNull(),
    expiresAt: integer({ mode: 'timestamp_ms' }).notNull(),
    revokedAt: integer({ mode: 'timestamp_ms' }),
  },
  (t) => [index('reward_feature_grants_learner_idx').on(t.licenseId, t.learnerId, t.feature)],
);
