import { z } from '@hono/zod-openapi';

/**
 * The rewards API contract: every request, response and event payload of the module, once.
 * Routes validate with these schemas, the OpenAPI document is generated from them, the
 * services return their inferred types, and the widgets import those types.
 */

/* Closed sets */

export const transactionTypes = ['earn', 'bonus', 'spend', 'reversal', 'expire'] as const;
export const TransactionType = z.enum(transactionTypes);
export type TransactionType = z.infer<typeof TransactionType>;

export const rewardKinds = ['feature_unlock', 'course_coupon', 'merchandise', 'partner'] as const;
export const RewardKind = z.enum(rewardKinds);
export type RewardKind = z.infer<typeof RewardKind>;

export const redemptionStatuses = ['requested', 'fulfilled', 'rejected', 'canceled'] as const;
export const RedemptionStatus = z.enum(redemptionStatuses);
export type RedemptionStatus = z.infer<typeof RedemptionStatus>;

export const leaderboardScopes = ['global', 'friends', 'class'] as const;
export const LeaderboardScope = z.enum(leaderboardScopes);
export type LeaderboardScope = z.infer<typeof LeaderboardScope>;

export const leaderboardWindows = ['week', 'month', 'all'] as const;
export const LeaderboardWindow = z.enum(leaderboardWindows);
export type LeaderboardWindow = z.infer<typeof LeaderboardWindow>;

/* Shared fields */

/** The largest amount one transaction may move; keeps sums far inside exact integers. */
export const MAX_AMOUNT = 1_000_000_000;

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

/** A record id in the path: 1 to 100 characters. */
export const IdParams = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

export const LearnerParams = z.object({
  learnerId: LearnerId.openapi({ param: { name: 'learnerId', in: 'path' } }),
});

export const ActivityParams = z.object({
  activity: ActivityName.openapi({ param: { name: 'activity', in: 'path' } }),
});

/* Ledger */

export const TransactionView = z
  .object({
    id: z.string(),
    type: TransactionType,
    amount: z.number().int(),
    reason: z.string(),
    reversesId: z.string().nullable(),
    shortfall: z.number().int(),
    createdAt: z.string(),
  })
  .openapi('RewardTransaction');
export type TransactionView = z.infer<typeof TransactionView>;

/** Tokens that expire within the next 30 days, and when the first of them does. */
export const ExpiringTokens = z.object({
  amount: z.number().int(),
  firstAt: z.string().nullable(),
});
export type ExpiringTokens = z.infer<typeof ExpiringTokens>;

/** A feature the learner unlocked with tokens, running until `until`. */
export const FeatureUnlock = z.object({ feature: z.string(), until: z.string() });
export type FeatureUnlock = z.infer<typeof FeatureUnlock>;

export const Wallet = z
  .object({
    balance: z.number().int(),
    tokenName: z.string().nullable(),
    expiring: ExpiringTokens,
    features: z.array(FeatureUnlock),
  })
  .openapi('RewardWallet');
export type Wallet = z.infer<typeof Wallet>;

export const HistoryQuery = z.object({
  type: TransactionType.optional(),
  cursor: z.string().max(400).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type HistoryQuery = z.infer<typeof HistoryQuery>;

export const HistoryPage = z
  .object({ items: z.array(TransactionView), nextCursor: z.string().nullable() })
  .openapi('RewardHistory');
export type HistoryPage = z.infer<typeof HistoryPage>;

export const ActivityInput = z
  .object({
    learnerId: LearnerId,
    activity: ActivityName,
    units: z.number().int().min(1).max(1_000_000).optional(),
    displayName: z.string().min(1).max(100).optional(),
    classes: z.array(z.string().min(1).max(100)).max(100).optional(),
  })
  .strict();
export type ActivityInput = z.infer<typeof ActivityInput>;

export const EarnResult = z
  .object({
    /** Tokens credited; less than asked when a daily cap was reached, 0 when it was already. */
    awarded: z.number().int(),
    capped: z.boolean(),
    transaction: TransactionView.nullable(),
    balance: z.number().int(),
  })
  .openapi('RewardEarnResult');
export type EarnResult = z.infer<typeof EarnResult>;

export const GrantInput = z
  .object({ learnerId: LearnerId, amount: Amount, reason: z.string().min(1).max(200) })
  .strict();
export type GrantInput = z.infer<typeof GrantInput>;

/** A bonus or a spend: the transaction and the balance after it. */
export const MoveResult = z
  .object({ transaction: TransactionView, balance: z.number().int() })
  .openapi('RewardMoveResult');
export type MoveResult = z.infer<typeof MoveResult>;

export const ReverseInput = z.object({ reason: z.string().min(1).max(200) }).strict();
export type ReverseInput = z.infer<typeof ReverseInput>;

/** `shortfall`: tokens that could not be taken back because the learner had spent them. */
export const ReversalResult = MoveResult.extend({ shortfall: z.number().int() });
export type ReversalResult = z.infer<typeof ReversalResult>;

/**
 * One share of an earn or bonus taken back (a refund's part of a purchase's tokens), as the
 * ledger's `reverseShareIn` returns it to the module that asked.
 */
export const ShareReversal = z.object({
  /** Tokens this share took back, its shortfall included (0: nothing was due). */
  tokens: z.number().int(),
  /** The reversal transaction, or null when nothing was due. */
  transaction: TransactionView.nullable(),
  shortfall: z.number().int(),
  /** Tokens of the original taken back in shares so far, this one included. */
  reversed: z.number().int(),
  balance: z.number().int(),
});
export type ShareReversal = z.infer<typeof ShareReversal>;

export const LedgerCheckQuery = z.object({ licenseId: z.string().min(1).max(100).optional() });

export const LedgerCheck = z.object({
  ok: z.boolean(),
  transactions: z.number().int(),
  postings: z.number().int(),
  accounts: z.number().int(),
  problems: z.array(z.string()),
});
export type LedgerCheck = z.infer<typeof LedgerCheck>;

/* Rules and settings */

export const RewardRule = z
  .object({
    activity: ActivityName,
    amount: Amount,
    dailyCap: z.number().int().min(1).nullable(),
  })
  .openapi('RewardRule');
export type RewardRule = z.infer<typeof RewardRule>;

export const RuleList = z.object({ rules: z.array(RewardRule) });

export const RuleInput = z
  .object({ amount: Amount, dailyCap: z.number().int().min(1).nullable() })
  .strict();

export const RewardSettings = z
  .object({
    timeZone: z.string(),
    expiryDays: z.number().int().nullable(),
    tokenName: z.string().nullable(),
  })
  .openapi('RewardSettings');
export type RewardSettings = z.infer<typeof RewardSettings>;

export const SettingsInput = z
  .object({
    timeZone: z.string().min(1).max(64).optional(),
    expiryDays: z.number().int().min(1).max(3650).nullable().optional(),
    tokenName: z.string().min(1).max(40).nullable().optional(),
  })
  .strict();
export type SettingsInput = z.infer<typeof SettingsInput>;

/* Catalog and redemptions */

export const RewardDetails = z
  .object({
    /** feature_unlock: the feature key and for how many days. */
    feature: z.string().min(1).max(64).optional(),
    days: z.number().int().min(1).max(3650).optional(),
    /** course_coupon: the discount and, optionally, the one course it applies to. */
    percentOff: z.number().int().min(1).max(100).optional(),
    amountOff: z.number().int().min(1).optional(),
    currency: z.string().length(3).optional(),
    courseId: z.string().min(1).max(100).optional(),
    /** partner: who fulfils it. */
    partner: z.string().min(1).max(200).optional(),
  })
  .strict();
export type RewardDetails = z.infer<typeof RewardDetails>;

export const RewardItemView = z
  .object({
    id: z.string(),
    kind: RewardKind,
    title: z.string(),
    description: z.string(),
    cost: z.number().int(),
    stock: z.number().int().nullable(),
    perLearnerLimit: z.number().int().nullable(),
    details: RewardDetails,
    active: z.boolean(),
  })
  .openapi('RewardItem');
export type RewardItemView = z.infer<typeof RewardItemView>;

export const RewardCatalog = z.object({ items: z.array(RewardItemView) });

export const RewardItemInput = z
  .object({
    kind: RewardKind,
    title: z.string().min(1).max(120),
    description: z.string().max(2000).optional(),
    cost: Amount,
    stock: z.number().int().min(0).nullable().optional(),
    perLearnerLimit: z.number().int().min(1).nullable().optional(),
    details: RewardDetails.optional(),
    active: z.boolean().optional(),
  })
  .strict();
export type RewardItemInput = z.infer<typeof RewardItemInput>;

export const RewardItemPatch = RewardItemInput.partial();
export type RewardItemPatch = z.infer<typeof RewardItemPatch>;

export const ShippingDetails = z
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
export type ShippingDetails = z.infer<typeof ShippingDetails>;

export const RedemptionView = z
  .object({
    id: z.string(),
    itemId: z.string(),
    kind: RewardKind,
    title: z.string(),
    cost: z.number().int(),
    status: RedemptionStatus,
    couponCode: z.string().nullable(),
    featureUntil: z.string().nullable(),
    note: z.string().nullable(),
    shipping: ShippingDetails.nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('RewardRedemption');
export type RedemptionView = z.infer<typeof RedemptionView>;

export const RedemptionList = z.object({ items: z.array(RedemptionView) });

export const RedeemInput = z
  .object({ itemId: z.string().min(1).max(100), shipping: ShippingDetails.optional() })
  .strict();
export type RedeemInput = z.infer<typeof RedeemInput>;

/** The operator's view of a redemption: with the learner it belongs to. */
export const OperatorRedemption = RedemptionView.extend({ learnerId: z.string() });
export type OperatorRedemption = z.infer<typeof OperatorRedemption>;

export const OperatorRedemptionList = z.object({ items: z.array(OperatorRedemption) });

export const OperatorRedemptionQuery = z.object({
  status: RedemptionStatus.optional(),
  learnerId: LearnerId.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type OperatorRedemptionQuery = z.infer<typeof OperatorRedemptionQuery>;

/** The operator's optional note on fulfilling or rejecting; the body may be left out. */
export const RedemptionNote = z
  .object({ note: z.string().max(1000).nullable().optional() })
  .strict();

/** A course coupon a learner redeemed, as the checkout reads it: unused, of this license. */
export const CourseCoupon = z.object({
  code: z.string(),
  learnerId: z.string(),
  redemptionId: z.string(),
  percentOff: z.number().int().nullable(),
  amountOff: z.number().int().nullable(),
  currency: z.string().nullable(),
  courseId: z.string().nullable(),
});
export type CourseCoupon = z.infer<typeof CourseCoupon>;

/**
 * The payload of the `redemption.requested|fulfilled|rejected|canceled` partner webhook
 * events, one per step of a redemption. `partner` names who fulfils a `partner` reward.
 */
export const redemptionEventTypes = redemptionStatuses.map((s) => `redemption.${s}` as const);
export type RedemptionEventType = `redemption.${RedemptionStatus}`;

export const RedemptionEvent = z.object({
  redemptionId: z.string(),
  learnerId: z.string(),
  itemId: z.string(),
  kind: RewardKind,
  title: z.string(),
  cost: z.number().int(),
  status: RedemptionStatus,
  partner: z.string().nullable(),
  note: z.string().nullable(),
  featureUntil: z.string().nullable(),
});
export type RedemptionEvent = z.infer<typeof RedemptionEvent>;

/* Leaderboards */

export const LeaderboardQuery = z.object({
  scope: LeaderboardScope.default('global'),
  window: LeaderboardWindow.default('week'),
  period: z.string().max(20).optional(),
  offset: z.coerce.number().int().min(0).max(520).default(0),
  classId: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(10),
  cursor: z.string().max(400).optional(),
  around: z.coerce.number().int().min(0).max(25).default(0),
});
export type LeaderboardQuery = z.infer<typeof LeaderboardQuery>;

/** Learner ids are the customer's own and may be e-mail addresses: they are never shown. */
export const LeaderboardEntry = z.object({
  rank: z.number().int(),
  displayName: z.string().nullable(),
  score: z.number().int(),
  me: z.boolean(),
});
export type LeaderboardEntry = z.infer<typeof LeaderboardEntry>;

export const LeaderboardPage = z
  .object({
    scope: LeaderboardScope,
    window: LeaderboardWindow,
    period: z.string(),
    classId: z.string().nullable(),
    entries: z.array(LeaderboardEntry),
    /** Learners just above and below the caller, when asked for. */
    around: z.array(LeaderboardEntry),
    /** The caller's own row, even when opted out (then shown to no one else). */
    me: z.object({
      rank: z.number().int().nullable(),
      score: z.number().int(),
      displayName: z.string(),
      optedOut: z.boolean(),
    }),
    nextCursor: z.string().nullable(),
  })
  .openapi('Leaderboard');
export type LeaderboardPage = z.infer<typeof LeaderboardPage>;

export const OptOutInput = z.object({ optedOut: z.boolean() }).strict();

export const OptOut = z.object({ optedOut: z.boolean() });
export type OptOut = z.infer<typeof OptOut>;

export const FriendsInput = z.object({ friends: z.array(LearnerId).max(5000) }).strict();

export const FriendList = z.object({ friends: z.array(z.string()) });
