import { z } from '@hono/zod-openapi';
import { MAX_AMOUNT } from './ledger.js';
import { leaderboardScopes } from './leaderboard.js';
import { leaderboardWindows } from './periods.js';
import { redemptionStatuses, rewardKinds, transactionTypes } from './schema.js';

/** Request and response schemas of the rewards API; they validate and document at once. */

export const LearnerId = z
  .string()
  .min(1)
  .max(256)
  .openapi({ description: "The learner's id in the customer's system (the token's `sub`)." });

export const Amount = z.number().int().min(1).max(MAX_AMOUNT);

export const IdempotencyHeader = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .openapi({
      param: { name: 'idempotency-key', in: 'header' },
      description: 'Repeat a request with the same key to get the first result back.',
      example: 'lesson-42-learner-7',
    }),
});

export const ActivityName = z
  .string()
  .min(1)
  .max(64)
  .regex(
    /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/,
    'Lower-case words joined by dots, e.g. lesson.completed',
  );

export const Transaction = z
  .object({
    id: z.string(),
    type: z.enum(transactionTypes),
    amount: z.number().int(),
    reason: z.string(),
    reversesId: z.string().nullable(),
    shortfall: z.number().int(),
    createdAt: z.string(),
  })
  .openapi('RewardTransaction');

export const Wallet = z
  .object({
    balance: z.number().int(),
    tokenName: z.string().nullable(),
    expiring: z.object({ amount: z.number().int(), firstAt: z.string().nullable() }),
    features: z.array(z.object({ feature: z.string(), until: z.string() })),
  })
  .openapi('RewardWallet');

export const HistoryQuery = z.object({
  type: z.enum(transactionTypes).optional(),
  cursor: z.string().max(400).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const HistoryPage = z
  .object({ items: z.array(Transaction), nextCursor: z.string().nullable() })
  .openapi('RewardHistory');

export const RewardDetails = z
  .object({
    feature: z.string().min(1).max(64).optional(),
    days: z.number().int().min(1).max(3650).optional(),
    percentOff: z.number().int().min(1).max(100).optional(),
    amountOff: z.number().int().min(1).optional(),
    currency: z.string().length(3).optional(),
    courseId: z.string().min(1).max(100).optional(),
    partner: z.string().min(1).max(200).optional(),
  })
  .strict();

export const RewardItem = z
  .object({
    id: z.string(),
    kind: z.enum(rewardKinds),
    title: z.string(),
    description: z.string(),
    cost: z.number().int(),
    stock: z.number().int().nullable(),
    perLearnerLimit: z.number().int().nullable(),
    details: RewardDetails,
    active: z.boolean(),
  })
  .openapi('RewardItem');

export const RewardItemInput = z
  .object({
    kind: z.enum(rewardKinds),
    title: z.string().min(1).max(120),
    description: z.string().max(2000).optional(),
    cost: Amount,
    stock: z.number().int().min(0).nullable().optional(),
    perLearnerLimit: z.number().int().min(1).nullable().optional(),
    details: RewardDetails.optional(),
    active: z.boolean().optional(),
  })
  .strict();

export const Shipping = z
  .object({
    name: z.string().min(1).max(200),
    line1: z.string().min(1).max(200),
    line2: z.string().max(200).optional(),
    city: z.string().min(1).max(100),
    postalCode: z.string().min(1).max(20),
    region: z.string().max(100).optional(),
    country: z.string().length(2),
  })
  .strict();

export const Redemption = z
  .object({
    id: z.string(),
    itemId: z.string(),
    kind: z.enum(rewardKinds),
    title: z.string(),
    cost: z.number().int(),
    status: z.enum(redemptionStatuses),
    couponCode: z.string().nullable(),
    featureUntil: z.string().nullable(),
    note: z.string().nullable(),
    shipping: Shipping.nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('RewardRedemption');

export const RedeemInput = z
  .object({ itemId: z.string().min(1).max(100), shipping: Shipping.optional() })
  .strict();

export const LeaderboardQuery = z.object({
  scope: z.enum(leaderboardScopes).default('global'),
  window: z.enum(leaderboardWindows).default('week'),
  period: z.string().max(20).optional(),
  offset: z.coerce.number().int().min(0).max(520).default(0),
  classId: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(10),
  cursor: z.string().max(400).optional(),
  around: z.coerce.number().int().min(0).max(25).default(0),
});

const Entry = z.object({
  rank: z.number().int(),
  displayName: z.string().nullable(),
  score: z.number().int(),
  me: z.boolean(),
});

export const Leaderboard = z
  .object({
    scope: z.enum(leaderboardScopes),
    window: z.enum(leaderboardWindows),
    period: z.string(),
    classId: z.string().nullable(),
    entries: z.array(Entry),
    around: z.array(Entry),
    me: z.object({
      rank: z.number().int().nullable(),
      score: z.number().int(),
      displayName: z.string(),
      optedOut: z.boolean(),
    }),
    nextCursor: z.string().nullable(),
  })
  .openapi('Leaderboard');

export const Rule = z
  .object({
    activity: ActivityName,
    amount: Amount,
    dailyCap: z.number().int().min(1).nullable(),
  })
  .openapi('RewardRule');

export const Settings = z
  .object({
    timeZone: z.string(),
    expiryDays: z.number().int().nullable(),
    tokenName: z.string().nullable(),
  })
  .openapi('RewardSettings');

export const SettingsInput = z
  .object({
    timeZone: z.string().min(1).max(64).optional(),
    expiryDays: z.number().int().min(1).max(3650).nullable().optional(),
    tokenName: z.string().min(1).max(40).nullable().optional(),
  })
  .strict();

export const EarnResult = z
  .object({
    awarded: z.number().int(),
    capped: z.boolean(),
    transaction: Transaction.nullable(),
    balance: z.number().int(),
  })
  .openapi('RewardEarnResult');

export const MoveResult = z
  .object({ transaction: Transaction, balance: z.number().int() })
  .openapi('RewardMoveResult');
