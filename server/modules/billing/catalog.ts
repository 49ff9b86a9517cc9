import { and, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import Stripe from 'stripe';
import type { Db } from '../../db/client.js';
import { ApiError } from '../../errors.js';
import { parseInput } from '../../router.js';
import type { Clock } from '../../services.js';
import { defaultPlans, PlanOverrideInput, plansOf, type Plan, type PlanPrice } from './plans.js';
import { planOverrides, planStripePrices } from './schema.js';

/** How long a process keeps a license's tiers before reading them again. */
export const PLAN_CACHE_TTL_MS = 30_000;

/** The Stripe objects that bill one tier at one price. */
export interface StripePlanPrice {
  planId: string;
  interval: 'month' | 'year';
  currency: string;
  amount: number;
  productId: string;
  priceId: string;
}

/** Stripe product ids may be chosen; one per license and tier keeps them findable. */
export function stripeProductId(licenseId: string, planId: string): string {
  return `lx_${licenseId}_${planId}`;
}

/** The lookup key of the price currently billing a tier per interval in a currency. */
export function stripeLookupKey(licenseId: string, planId: string, price: PlanPrice): string {
  return `lx_${licenseId}_${planId}_${price.interval}_${price.currency.toLowerCase()}`;
}

function isMissing(error: unknown): boolean {
  return error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404;
}

/**
 * The tiers each license offers (its own override, else the defaults) and their Stripe
 * products and prices. Prices are created, never changed: a new amount is a new Stripe price
 * that takes over the lookup key.
 */
export class PlanCatalog {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #stripe: Stripe | null;
  readonly #logger: Logger;
  /** Tiers per license, read again after the TTL; this process's own changes drop them at once. */
  readonly #cache = new Map<string, { plans: Plan[]; until: number }>();

  readonly #onChange: (licenseId: string) => void;

  constructor(options: {
    db: Db;
    clock: Clock;
    stripe: Stripe | null;
    logger: Logger;
    /** Called after the license's tiers changed here. */
    onChange?: (licenseId: string) => void;
  }) {
    this.#onChange = options.onChange ?? (() => undefined);
    this.#db = options.db;
    this.#clock = options.clock;
    this.#stripe = options.stripe;
    this.#logger = options.logger;
  }

  /**
   * The license's tiers, in the order it shows them. Cached for {@link PLAN_CACHE_TTL_MS}:
   * a change made by the CLI (another process) shows within that time.
   */
  plans(licenseId: string): Plan[] {
    const now = this.#clock.now().getTime();
    const cached = this.#cache.get(licenseId);
    if (cached && cached.until > now) return cached.plans;
    const row = this.#db
      .select({ plans: planOverrides.plans })
      .from(planOverrides)
      .where(eq(planOverrides.licenseId, licenseId))
      .get();
    const plans = row?.plans ?? defaultPlans;
    if (this.#cache.size >= 10_000) this.#cache.clear();
    this.#cache.set(licenseId, { plans, until: now + PLAN_CACHE_TTL_MS });
    return plans;
  }

  /** The override, or null when the license offers the default tiers. */
  override(licenseId: string): { plans: Plan[]; updatedAt: string } | null {
    const row = this.#db
      .select()
      .from(planOverrides)
      .where(eq(planOverrides.licenseId, licenseId))
      .get();
    return row ? { plans: row.plans, updatedAt: row.updatedAt.toISOString() } : null;
  }

  /** Validates and stores a license's tiers, replacing any earlier override as a whole. */
  setOverride(licenseId: string, input: unknown): Plan[] {
    const plans = plansOf(parseInput(PlanOverrideInput, input));
    const now = this.#clock.now();
    this.#db
      .insert(planOverrides)
      .values({ licenseId, plans, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({ target: planOverrides.licenseId, set: { plans, updatedAt: now } })
      .run();
    this.#cache.delete(licenseId);
    this.#onChange(licenseId);
    return plans;
  }

  /** Back to the default tiers. Returns whether there was an override. */
  clearOverride(licenseId: string): boolean {
    const removed = this.#db
      .delete(planOverrides)
      .where(eq(planOverrides.licenseId, licenseId))
      .run().changes;
    this.#cache.delete(licenseId);
    this.#onChange(licenseId);
    return removed > 0;
  }

  /** The tier a Stripe price of this license bills, if it is one of ours. */
  byPriceId(licenseId: string, priceId: string): StripePlanPrice | undefined {
    return this.#db
      .select()
      .from(planStripePrices)
      .where(and(eq(planStripePrices.licenseId, licenseId), eq(planStripePrices.priceId, priceId)))
      .get();
  }

  /** Every paid price of the license's tiers, created in Stripe where missing. */
  async syncPrices(licenseId: string): Promise<StripePlanPrice[]> {
    const synced: StripePlanPrice[] = [];
    for (const plan of this.plans(licenseId)) {
      for (const price of plan.prices) {
        if (price.amount > 0) synced.push(await this.ensurePrice(licenseId, plan, price));
      }
    }
    return synced;
  }

  /**
   * The Stripe price billing `price` for the tier. Known prices come from the database;
   * otherwise Stripe is asked by lookup key, and only then is a price created, with an
   * idempotency key naming exactly what it bills.
   */
  async ensurePrice(licenseId: string, plan: Plan, price: PlanPrice): Promise<StripePlanPrice> {
    const currency = price.currency.toUpperCase();
    const key = and(
      eq(planStripePrices.licenseId, licenseId),
      eq(planStripePrices.planId, plan.id),
      eq(planStripePrices.interval, price.interval),
      eq(planStripePrices.currency, currency),
      eq(planStripePrices.amount, price.amount),
    );
    const known = this.#db.select().from(planStripePrices).where(key).get();
    if (known) return known;
    const stripe = this.#stripe;
    if (!stripe) throw new ApiError('service_unavailable', 'Payments are not configured here.');

    const productId = await this.#ensureProduct(stripe, licenseId, plan);
    const lookupKey = stripeLookupKey(licenseId, plan.id, price);
    let stripePrice: Stripe.Price | undefined;
    try {
      const found = await stripe.prices.list({ lookup_keys: [lookupKey], limit: 1 });
      stripePrice = found.data.find(
        (p) =>
          p.unit_amount === price.amount &&
          p.currency === currency.toLowerCase() &&
          p.recurring?.interval === price.interval &&
          (typeof p.product === 'string' ? p.product : p.product.id) === productId,
      );
      stripePrice ??= await stripe.prices.create(
        {
          product: productId,
          currency: currency.toLowerCase(),
          unit_amount: price.amount,
          recurring: { interval: price.interval },
          lookup_key: lookupKey,
          transfer_lookup_key: true,
          metadata: { license_id: licenseId, plan_id: plan.id, interval: price.interval },
        },
        {
          idempotencyKey: `lx_price_${licenseId}_${plan.id}_${price.interval}_${currency}_${price.amount}`,
        },
      );
    } catch (error) {
      this.#logger.warn({ err: error, licenseId, planId: plan.id }, 'stripe price not synced');
      throw new ApiError('service_unavailable', 'The payment provider did not answer. Try again.');
    }
    this.#db
      .insert(planStripePrices)
      .values({
        licenseId,
        planId: plan.id,
        interval: price.interval,
        currency,
        amount: price.amount,
        productId,
        priceId: stripePrice.id,
        createdAt: this.#clock.now(),
      })
      .onConflictDoNothing()
      .run();
    return this.#db.select().from(planStripePrices).where(key).get()!;
  }

  async #ensureProduct(stripe: Stripe, licenseId: string, plan: Plan): Promise<string> {
    const id = stripeProductId(licenseId, plan.id);
    try {
      const product = await stripe.products.retrieve(id);
      if (product.name !== plan.name || !product.active) {
        await stripe.products.update(id, { name: plan.name, active: true });
      }
      return id;
    } catch (error) {
      if (!isMissing(error)) {
        this.#logger.warn({ err: error, licenseId, planId: plan.id }, 'stripe product not read');
        throw new ApiError('service_unavailable', 'The payment provider did not answer.');
      }
    }
    try {
      await stripe.products.create(
        { id, name: plan.name, metadata: { license_id: licenseId, plan_id: plan.id } },
        { idempotencyKey: `lx_prod_${licenseId}_${plan.id}` },
      );
    } catch (error) {
      this.#logger.warn({ err: error, licenseId, planId: plan.id }, 'stripe product not created');
      throw new ApiError('service_unavailable', 'The payment provider did not answer.');
    }
    return id;
  }
}
