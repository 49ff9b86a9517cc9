import { and, eq, max, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type Stripe from 'stripe';
import type { Db } from '../../db/client.js';
import type { Clock } from '../../services.js';
import type { LicenseService } from '../licenses/service.js';
import type { PaymentService } from '../payments/service.js';
import { rewardFeatureGrants } from '../rewards/schema.js';
import type { RewardsService } from '../rewards/service.js';
import { PlanCatalog } from './catalog.js';
import { FeatureAccess, type Entitlement } from './features.js';
import { freeTier } from './plans.js';
import { SUBSCRIPTION_EVENTS, SubscriptionService } from './subscriptions.js';

/**
 * Tiers, subscriptions and feature access. Registers the `plan` kind of checkout and the
 * subscription and invoice events with payments.
 */
export class BillingService {
  readonly plans: PlanCatalog;
  readonly subscriptions: SubscriptionService;
  readonly features: FeatureAccess;
  readonly #rewards: RewardsService;

  constructor(options: {
    db: Db;
    clock: Clock;
    stripe: Stripe | null;
    logger: Logger;
    licenses: LicenseService;
    payments: PaymentService;
    rewards: RewardsService;
  }) {
    const { db, clock, stripe, logger } = options;
    // A reward unlock is a new row here: the cache notices it on the learner's next request.
    // Prepared on first use, so a server whose migrations are pending still starts.
    let newestGrant: ReturnType<typeof prepareNewestGrant> | undefined;
    const prepareNewestGrant = () =>
      db
        .select({ id: max(rewardFeatureGrants.id) })
        .from(rewardFeatureGrants)
        .where(
          and(
            eq(rewardFeatureGrants.licenseId, sql.placeholder('licenseId')),
            eq(rewardFeatureGrants.learnerId, sql.placeholder('learnerId')),
          ),
        )
        .prepare();
    this.plans = new PlanCatalog({
      db,
      clock,
      stripe,
      logger,
      onChange: (licenseId) => this.features.invalidateLicense(licenseId),
    });
    this.features = new FeatureAccess({
      clock,
      logger,
      read: (licenseId, learnerId) => this.entitlement(licenseId, learnerId),
      probe: (licenseId, learnerId) =>
        (newestGrant ??= prepareNewestGrant()).get({ licenseId, learnerId })?.id ?? 0,
    });
    this.subscriptions = new SubscriptionService({
      db,
      clock,
      stripe,
      logger,
      catalog: this.plans,
      licenses: options.licenses,
      onTierChange: (licenseId, learnerId) => this.features.invalidate(licenseId, learnerId),
    });
    options.payments.registerProduct('plan', this.subscriptions.product);
    options.payments.handleEvents(SUBSCRIPTION_EVENTS, this.subscriptions.handleEvent);
    this.#rewards = options.rewards;
  }

  /** What the database says the learner may use: their tier's features and reward unlocks. */
  entitlement(licenseId: string, learnerId: string): Entitlement {
    const plans = this.plans.plans(licenseId);
    const planId = this.subscriptions.entitledPlan(licenseId, learnerId);
    const plan = (planId ? plans.find((p) => p.id === planId) : undefined) ?? freeTier(plans);
    return {
      tier: planId ?? plan?.id ?? null,
      planFeatures: [...(plan?.features ?? [])],
      rewards: this.#rewards.redemptions.activeFeatures(licenseId, learnerId),
    };
  }
}
