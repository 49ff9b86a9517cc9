import type { Logger } from 'pino';
import type Stripe from 'stripe';
import type { Store } from '../../db/store.js';
import type { KeyedLock } from '../../lib/keyed-lock.js';
import type { Clock } from '../../services.js';
import type { PaymentRegistration } from '../payments/products.js';
import { TierCatalog } from './catalog.js';
import type { LearnerLookup, LicenseLookup, RewardUnlocks } from './dependencies.js';
import { FeatureAccess, type Entitlement } from './features.js';
import { SUBSCRIPTION_EVENTS } from './subscription-events.js';
import { SubscriptionService } from './subscriptions.js';
import { freeTier } from './tiers.js';

/**
 * Tiers, subscriptions and feature access. Registers the `plan` kind of checkout and the
 * subscription and invoice events with payments.
 */
export class BillingService {
  readonly tiers: TierCatalog;
  readonly subscriptions: SubscriptionService;
  readonly features: FeatureAccess;
  readonly #rewards: RewardUnlocks;

  constructor(options: {
    store: Store;
    clock: Clock;
    stripe: Stripe | null;
    logger: Logger;
    licenses: LicenseLookup;
    learners: LearnerLookup;
    payments: PaymentRegistration;
    rewards: RewardUnlocks;
    /** The per-learner lock payments' checkout takes too. */
    lock: KeyedLock;
  }) {
    const { store, clock, stripe, logger } = options;
    this.#rewards = options.rewards;
    this.tiers = new TierCatalog({
      store,
      clock,
      stripe,
      logger,
      onChange: (licenseId) => this.features.invalidateLicense(licenseId),
    });
    this.features = new FeatureAccess({
      clock,
      logger,
      read: (licenseId, learnerId) => this.entitlement(licenseId, learnerId),
      // A reward unlock is granted by the rewards module: the cache notices it on the
      // learner's next request.
      probe: (licenseId, learnerId) => this.#rewards.newestGrant(licenseId, learnerId),
    });
    this.subscriptions = new SubscriptionService({
      store,
      clock,
      stripe,
      logger,
      catalog: this.tiers,
      licenses: options.licenses,
      learners: options.learners,
      lock: options.lock,
      onTierChange: (licenseId, learnerId) => this.features.invalidate(licenseId, learnerId),
    });
    options.payments.registerProduct('plan', this.subscriptions.product);
    options.payments.handleEvents(SUBSCRIPTION_EVENTS, this.subscriptions.handleEvent);
  }

  /** What the database says the learner may use: their tier's features and reward unlocks. */
  async entitlement(licenseId: string, learnerId: string): Promise<Entitlement> {
    const tiers = await this.tiers.list(licenseId);
    const tierId = await this.subscriptions.entitledTier(licenseId, learnerId);
    const tier = (tierId ? tiers.find((t) => t.id === tierId) : undefined) ?? freeTier(tiers);
    return {
      tier: tierId ?? tier?.id ?? null,
      tierFeatures: [...(tier?.features ?? [])],
      rewards: await this.#rewards.activeFeatures(licenseId, learnerId),
    };
  }
}
