import path from 'node:path';
import type { Logger } from 'pino';
import Stripe from 'stripe';
import type { Store } from './db/store.js';
import type { Bus } from './lib/bus.js';
import type { Redis } from './lib/redis.js';
import type { Env } from './env.js';
import type { Allowance } from './lib/allowance.js';
import { KeyedLock } from './lib/keyed-lock.js';
import { stripeKeyMode } from './lib/stripe.js';
import { stripeEndpointOf } from './lib/stripe-endpoint.js';
import { BillingService } from './modules/billing/service.js';
import { defaultTiers } from './modules/billing/tiers.js';
import type { RewardUnlocks } from './modules/billing/dependencies.js';
import { EmbedConfigService } from './modules/embed/service.js';
import { LearnerService } from './modules/learners/service.js';
import { enqueueEvents } from './modules/outbox/service.js';
import { RewardsService } from './modules/rewards/service.js';
import { LicenseAdmin } from './modules/licenses/admin.js';
import type { SecretBox } from './modules/licenses/secrets.js';
import { LicenseService } from './modules/licenses/service.js';
import { courseProduct } from './modules/marketplace/product.js';
import { MarketplaceService } from './modules/marketplace/service.js';
import { purchaseRewards } from './modules/payments/rewards.js';
import { PaymentService } from './modules/payments/service.js';
import { WebhookService } from './modules/webhooks/service.js';
import { SupportService } from './modules/support/service.js';
import { ThemeService } from './modules/themes/service.js';
import { UsageMeter } from './modules/usage/meter.js';
import { SharedCounts } from './modules/usage/shared-counts.js';
import { RateLimits } from './modules/usage/rate-limit.js';
import { ClockedRedisStore } from './modules/usage/rate-limit-redis.js';
import { AuthFailures } from './middleware/auth-failures.js';

/** The only source of "now" on the server; tests hand in a fixed or steppable clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The slice of configuration request handling needs. Licensing settings have safe defaults. */
export type AppConfig = Pick<Env, 'bodyLimitBytes' | 'licenseCacheTtlMs' | 'stripePublishableKey'> &
  Partial<
    Pick<
      Env,
      | 'operatorToken'
      | 'trustedProxies'
      | 'usageFlushIntervalMs'
      | 'authFailureLimit'
      | 'originlessRequestsPerMinute'
      | 'stripeSecretKey'
      | 'stripeWebhookSecret'
      | 'stripeApiUrl'
      | 'stripeJsUrl'
      | 'dataDir'
      | 'webhooksAllowLoopback'
    >
  >;

/**
 * Everything a request handler may use, built once per process and read from the Hono
 * context with `c.get('services')`. Nothing in a module reaches for a global instead.
 */
export interface Services {
  config: AppConfig;
  /** The system of record: every read through `store.db`, every write through `store.write`. */
  store: Store;
  /** The cluster's shared state (rate limits), or null for a single process. */
  redis: Redis | null;
  clock: Clock;
  logger: Logger;
  licenses: LicenseService;
  licenseAdmin: LicenseAdmin;
  learners: LearnerService;
  usage: UsageMeter;
  rateLimits: RateLimits;
  /** Failed authentications per client address (see `AUTH_FAILURE_LIMIT`). */
  authFailures: AuthFailures;
  support: SupportService;
  rewards: RewardsService;
  themes: ThemeService;
  embed: EmbedConfigService;
  /** The Stripe client, or null when neither keys nor an emulator were given. */
  stripe: Stripe | null;
  payments: PaymentService;
  /** Partner webhooks: endpoints, deliveries and the worker that sends them (started by start.ts). */
  webhooks: WebhookService;
  /** Tiers, subscriptions and feature access; registers the `plan` kind with payments. */
  billing: BillingService;
  marketplace: MarketplaceService;
  /**
   * Stops timers and writes pending usage; the same promise on every call, and it never
   * rejects. Await it during shutdown, before closing the database.
   */
  close(): Promise<void>;
}

/*
 * Modules reach each other through the interfaces they declare (their `dependencies.ts`),
 * served here by the other modules' services, never by reading their tables.
 */

/** Reward unlocks as billing's feature cache reads them. */
function rewardUnlocks(rewards: RewardsService): RewardUnlocks {
  return {
    activeFeatures: (licenseId, learnerId) =>
      Promise.resolve(rewards.redemptions.activeFeatures(licenseId, learnerId)),
    newestGrant: (licenseId, learnerId) =>
      Promise.resolve(rewards.redemptions.newestFeatureGrant(licenseId, learnerId)),
  };
}

/**
 * A monthly allowance of the usage meter, for a module that uses it up as it writes. The unit
 * is given back on the day it was counted, even when the write fails after midnight.
 */
function allowanceOf(
  usage: UsageMeter,
  licenses: LicenseService,
  clock: Clock,
  metric: 'courses' | 'redemptions',
): Allowance {
  return {
    async consume(licenseId) {
      const license = await licenses.getById(licenseId);
      // Nothing is written for a license that does not exist, so there is nothing to count.
      if (!license) return () => {};
      return usage.reserve(license, metric);
    },
  };
}

export function createServices(options: {
  config: AppConfig;
  /** The opened, migrated store; its owner closes it after `close()`. */
  store: Store;
  /** With Redis, limits are shared by every process of a cluster. */
  redis?: Redis;
  /** Cache invalidations shared by every process of a cluster (server/lib/bus.ts). */
  bus?: Bus;
  logger: Logger;
  clock?: Clock;
  /** Seals signing secrets; without one, a key that lives only as long as the process. */
  secrets?: SecretBox;
  /** A ready Stripe client (tests and the emulator); else one is built from the secret key. */
  stripe?: Stripe;
}): Services {
  const clock = options.clock ?? systemClock;
  const { store } = options;
  const redis = options.redis ?? null;
  const licenses = new LicenseService(
    store,
    clock,
    options.config.licenseCacheTtlMs,
    options.secrets,
  );
  const usage = new UsageMeter({
    store,
    clock,
    logger: options.logger,
    flushIntervalMs: options.config.usageFlushIntervalMs ?? 2_000,
    ...(redis ? { shared: new SharedCounts(redis) } : {}),
  });
  const themes = new ThemeService(store, clock, options.config.licenseCacheTtlMs);
  const rateLimits = new RateLimits({
    trustedProxies: options.config.trustedProxies ?? [],
    originlessPerMinute: options.config.originlessRequestsPerMinute ?? 60,
    clock,
    ...(redis ? { store: new ClockedRedisStore(redis, clock) } : {}),
    onUnavailable: (error, bucket) =>
      options.logger.warn({ err: error, bucket }, 'rate limit not checked: Redis unavailable'),
  });
  const authFailures = new AuthFailures({
    limitPerMinute: options.config.authFailureLimit ?? 0,
    clock,
  });
  const { stripeSecretKey, stripeApiUrl } = options.config;
  const stripe =
    options.stripe ??
    (stripeSecretKey
      ? new Stripe(stripeSecretKey, stripeApiUrl ? stripeEndpointOf(stripeApiUrl) : {})
      : null);
  const learners = new LearnerService(store, clock, licenses);
  // A checkout and a subscription change of one learner run one after the other.
  const learnerLock = new KeyedLock();
  const payments = new PaymentService({
    store,
    clock,
    stripe,
    // A client handed in holds a key this code cannot see (the demo's emulator, tests): test.
    stripeMode: options.stripe ? 'test' : stripeKeyMode(stripeSecretKey),
    webhookSecret: options.config.stripeWebhookSecret,
    logger: options.logger,
    secrets: licenses.secrets,
    learners,
    licenses: { modeOf: async (licenseId) => (await licenses.getById(licenseId))?.mode },
    events: { enqueueIn: enqueueEvents },
    lock: learnerLock,
    rewards: purchaseRewards(() => rewards.ledger, learners),
  });
  const rewards = new RewardsService(store, clock, {
    redemptions: allowanceOf(usage, licenses, clock, 'redemptions'),
  });
  let closing: Promise<void> | undefined;
  const services: Services = {
    config: options.config,
    store,
    redis,
    clock,
    logger: options.logger,
    licenses,
    licenseAdmin: new LicenseAdmin({
      store,
      clock,
      licenses,
      // Transition only: the views are synchronous until the licenses module is on the store.
      usage,
      tierFeatures: (tier) => defaultTiers.find((t) => t.id === tier)?.features ?? [],
    }),
    learners,
    usage,
    rateLimits,
    authFailures,
    support: new SupportService(store, clock),
    rewards,
    themes,
    embed: new EmbedConfigService(options.config, themes),
    stripe,
    payments,
    webhooks: new WebhookService({
      store,
      clock,
      secrets: licenses.secrets,
      logger: options.logger,
      allowLoopback: options.config.webhooksAllowLoopback ?? false,
    }),
    billing: new BillingService({
      store,
      clock,
      stripe,
      logger: options.logger,
      licenses,
      learners,
      payments,
      rewards: rewardUnlocks(rewards),
      lock: learnerLock,
    }),
    marketplace: new MarketplaceService({
      store,
      clock,
      filesDir: path.join(path.resolve(options.config.dataDir ?? 'data'), 'marketplace'),
      courses: allowanceOf(usage, licenses, clock, 'courses'),
      learners,
    }),
    close() {
      closing ??= (async () => {
        // Timers stop before the first await: nothing new starts even if the caller cannot wait.
        rateLimits.close();
        await usage.close();
      })();
      return closing;
    },
  };
  if (options.bus) {
    // A license suspended, a theme published or a tier changed on any process reaches the
    // caches of every process; a publish that fails leaves the others on their cache TTLs.
    const onError = (error: unknown) =>
      options.logger.warn({ err: error }, 'cache invalidation not shared with other processes');
    licenses.shareInvalidations(options.bus, onError);
    themes.shareInvalidations(options.bus, onError);
    services.billing.features.shareInvalidations(options.bus, onError);
  }
  services.payments.registerProduct(
    'course',
    courseProduct({
      marketplace: services.marketplace,
      earnings: services.marketplace.earnings,
      rewards: services.rewards,
      logger: options.logger,
    }),
  );
  return services;
}
