import { and, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import Stripe from 'stripe';
import { first, type Store } from '../../db/store.js';
import { ApiError } from '../../errors.js';
import { belowMinimumCharge, requireStripe, stripeError } from '../../lib/stripe.js';
import { parseInput } from '../../router.js';
import type { Clock } from '../../services.js';
import { TierOverrideInput, type Tier, type TierPrice } from './contract.js';
import { tierOverrides, tierStripePrices } from './schema.js';
import { defaultTiers, tiersOf } from './tiers.js';

/** How long a process keeps a license's tiers before reading them again. */
export const TIER_CACHE_TTL_MS = 30_000;

/** The Stripe objects that bill one tier at one price. */
export interface StripeTierPrice {
  tierId: string;
  interval: 'month' | 'year';
  currency: string;
  amount: number;
  productId: string;
  priceId: string;
}

/** Stripe product ids may be chosen; one per license and tier keeps them findable. */
export function stripeProductId(licenseId: string, tierId: string): string {
  return `lx_${licenseId}_${tierId}`;
}

/** The lookup key of the price currently billing a tier per interval in a currency. */
export function stripeLookupKey(licenseId: string, tierId: string, price: TierPrice): string {
  return `lx_${licenseId}_${tierId}_${price.interval}_${price.currency.toLowerCase()}`;
}

function isMissing(error: unknown): boolean {
  return error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404;
}

/**
 * The tiers each license offers (its own override, else the defaults) and their Stripe
 * products and prices. Prices are created, never changed: a new amount is a new Stripe price
 * that takes over the lookup key.
 */
export class TierCatalog {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #stripe: Stripe | null;
  readonly #logger: Logger;
  /** Tiers per license, read again after the TTL; this process's own changes drop them at once. */
  readonly #cache = new Map<string, { tiers: Tier[]; until: number }>();
  /** Counts this process's changes, so a read that overlapped one does not fill the cache. */
  #changes = 0;

  readonly #onChange: (licenseId: string) => void;

  constructor(options: {
    store: Store;
    clock: Clock;
    stripe: Stripe | null;
    logger: Logger;
    /** Called after the license's tiers changed here. */
    onChange?: (licenseId: string) => void;
  }) {
    this.#onChange = options.onChange ?? (() => undefined);
    this.#store = options.store;
    this.#clock = options.clock;
    this.#stripe = options.stripe;
    this.#logger = options.logger;
  }

  /**
   * The license's tiers, in the order it shows them. Cached for {@link TIER_CACHE_TTL_MS}:
   * a change made by the CLI (another process) shows within that time.
   */
  async list(licenseId: string): Promise<Tier[]> {
    const now = this.#clock.now().getTime();
    const cached = this.#cache.get(licenseId);
    if (cached && cached.until > now) return cached.tiers;
    const changes = this.#changes;
    const row = first(
      await this.#store.db
        .select({ tiers: tierOverrides.tiers })
        .from(tierOverrides)
        .where(eq(tierOverrides.licenseId, licenseId))
        .limit(1),
    );
    const tiers = row?.tiers ?? defaultTiers;
    // A change made here while this read was out may not be in it: answer it, keep nothing.
    if (changes !== this.#changes) return tiers;
    if (this.#cache.size >= 10_000) this.#cache.clear();
    this.#cache.set(licenseId, { tiers, until: now + TIER_CACHE_TTL_MS });
    return tiers;
  }

  /** The override, or null when the license offers the default tiers. */
  async override(licenseId: string): Promise<{ tiers: Tier[]; updatedAt: string } | null> {
    const row = first(
      await this.#store.db
        .select()
        .from(tierOverrides)
        .where(eq(tierOverrides.licenseId, licenseId))
        .limit(1),
    );
    return row ? { tiers: row.tiers, updatedAt: row.updatedAt.toISOString() } : null;
  }

  /**
   * Validates and stores a license's tiers, replacing any earlier override as a whole. A price
   * Stripe would refuse to charge (below its minimum for the currency) is refused here, when
   * it is authored, rather than at every checkout.
   */
  async setOverride(licenseId: string, input: unknown): Promise<Tier[]> {
    const tiers = tiersOf(parseInput(TierOverrideInput, input));
    const uncharged = tiers.flatMap((tier, t) =>
      tier.prices.flatMap((price, p) => {
        const message = belowMinimumCharge(price.amount, price.currency);
        return message ? [{ path: `body.plans.${t}.prices.${p}.amount`, message }] : [];
      }),
    );
    if (uncharged.length) {
      throw new ApiError(
        'validation_failed',
        `${uncharged.length} price(s) are below what Stripe can charge.`,
        { errors: uncharged },
      );
    }
    const now = this.#clock.now();
    await this.#store.write(async (tx) => {
      await tx
        .insert(tierOverrides)
        .values({ licenseId, tiers, createdAt: now, updatedAt: now })
        .onConflictDoUpdate({
          target: tierOverrides.licenseId,
          set: { tiers, updatedAt: now },
        });
    });
    this.#changed(licenseId);
    return tiers;
  }

  /** Back to the default tiers. Returns whether there was an override. */
  async clearOverride(licenseId: string): Promise<boolean> {
    const removed = await this.#store.write((tx) =>
      tx
        .delete(tierOverrides)
        .where(eq(tierOverrides.licenseId, licenseId))
        .returning({ licenseId: tierOverrides.licenseId }),
    );
    this.#changed(licenseId);
    return removed.length > 0;
  }

  /** After a change here has committed: the cached tiers go, and the answers built on them. */
  #changed(licenseId: string): void {
    this.#changes += 1;
    this.#cache.delete(licenseId);
    this.#onChange(licenseId);
  }

  /** The tier a Stripe price of this license bills, if it is one of ours. */
  async byPriceId(licenseId: string, priceId: string): Promise<StripeTierPrice | undefined> {
    return first(
      await this.#store.db
        .select()
        .from(tierStripePrices)
        .where(
          and(eq(tierStripePrices.licenseId, licenseId), eq(tierStripePrices.priceId, priceId)),
        )
        .limit(1),
    );
  }

  /** Every paid price of the license's tiers, created in Stripe where missing. */
  async syncPrices(licenseId: string): Promise<StripeTierPrice[]> {
    const synced: StripeTierPrice[] = [];
    for (const tier of await this.list(licenseId)) {
      for (const price of tier.prices) {
        if (price.amount > 0) synced.push(await this.ensurePrice(licenseId, tier, price));
      }
    }
    return synced;
  }

  /**
   * The Stripe price billing `price` for the tier. Known prices come from the database;
   * otherwise Stripe is asked by lookup key, and only then is a price created, with an
   * idempotency key naming exactly what it bills.
   */
  async ensurePrice(licenseId: string, tier: Tier, price: TierPrice): Promise<StripeTierPrice> {
    const currency = price.currency.toUpperCase();
    const key = and(
      eq(tierStripePrices.licenseId, licenseId),
      eq(tierStripePrices.tierId, tier.id),
      eq(tierStripePrices.interval, price.interval),
      eq(tierStripePrices.currency, currency),
      eq(tierStripePrices.amount, price.amount),
    );
    const known = first(await this.#store.db.select().from(tierStripePrices).where(key).limit(1));
    if (known) return known;
    const stripe = requireStripe(this.#stripe);

    const productId = await this.#ensureProduct(stripe, licenseId, tier);
    const lookupKey = stripeLookupKey(licenseId, tier.id, price);
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
          metadata: { license_id: licenseId, plan_id: tier.id, interval: price.interval },
        },
        {
          idempotencyKey: `lx_price_${licenseId}_${tier.id}_${price.interval}_${currency}_${price.amount}`,
        },
      );
    } catch (error) {
      this.#logger.warn({ err: error, licenseId, tierId: tier.id }, 'stripe price not synced');
      throw stripeError(error, { unavailable: 'The payment provider did not answer. Try again.' });
    }
    const priceId = stripePrice.id;
    await this.#store.write(async (tx) => {
      await tx
        .insert(tierStripePrices)
        .values({
          licenseId,
          tierId: tier.id,
          interval: price.interval,
          currency,
          amount: price.amount,
          productId,
          priceId,
          createdAt: this.#clock.now(),
        })
        .onConflictDoNothing();
    });
    return first(await this.#store.db.select().from(tierStripePrices).where(key).limit(1))!;
  }

  async #ensureProduct(stripe: Stripe, licenseId: string, tier: Tier): Promise<string> {
    const id = stripeProductId(licenseId, tier.id);
    try {
      const product = await stripe.products.retrieve(id);
      if (product.name !== tier.name || !product.active) {
        await stripe.products.update(id, { name: tier.name, active: true });
      }
      return id;
    } catch (error) {
      if (!isMissing(error)) {
        this.#logger.warn({ err: error, licenseId, tierId: tier.id }, 'stripe product not read');
        throw stripeError(error, { unavailable: 'The payment provider did not answer.' });
      }
    }
    try {
      await stripe.products.create(
        { id, name: tier.name, metadata: { license_id: licenseId, plan_id: tier.id } },
        { idempotencyKey: `lx_prod_${licenseId}_${tier.id}` },
      );
    } catch (error) {
      this.#logger.warn({ err: error, licenseId, tierId: tier.id }, 'stripe product not created');
      throw stripeError(error, { unavailable: 'The payment provider did not answer.' });
    }
    return id;
  }
}
