import { and, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type Stripe from 'stripe';
import type { Store } from '../../db/store.js';
import { ApiError } from '../../errors.js';
import { iso } from '../../lib/dates.js';
import { generateId } from '../../lib/ids.js';
import { isTransientStripeError, stripeError } from '../../lib/stripe.js';
import type { Clock } from '../../services.js';
import type { Learner } from '../learners/service.js';
import type { CheckoutRequest, CheckoutSession } from '../payments/contract.js';
import type { Priced, Product } from '../payments/products.js';
import type { TierCatalog } from './catalog.js';
import type { Tier, TierPrice } from './contract.js';
import type { LicenseLookup } from './dependencies.js';
import { subscriptions } from './schema.js';
import {
  FINAL_STATUSES,
  fromUnix,
  openRows,
  type SubscriptionStore,
} from './subscription-store.js';

/** Checkout in subscription mode: what Stripe.js confirms, and how. */
export type SubscriptionCheckoutSession = CheckoutSession &
  Required<
    Pick<CheckoutSession, 'subscriptionId' | 'intentType' | 'trialEnd' | 'planId' | 'interval'>
  > & {
    mode: 'subscription';
  };

/** What a learner asks for: a tier, an interval and maybe a currency. */
export interface TierRequest {
  planId: string;
  interval: 'month' | 'year';
  currency?: string | undefined;
}

/**
 * The tier and the price a request names, in the license's currency unless it names one.
 * `path` is where the tier id sits in the request, for the validation error.
 */
export async function resolveTier(
  catalog: TierCatalog,
  licenses: LicenseLookup,
  licenseId: string,
  request: TierRequest,
  path = 'body',
): Promise<{ tier: Tier; price: TierPrice }> {
  const tier = (await catalog.list(licenseId)).find((t) => t.id === request.planId);
  if (!tier) {
    throw new ApiError('validation_failed', `There is no plan "${request.planId}".`, {
      errors: [{ path: `${path}.planId`, message: 'Unknown plan' }],
    });
  }
  const currency =
    request.currency?.toUpperCase() ?? (await licenses.getById(licenseId))?.currency ?? 'USD';
  const candidates = tier.prices.filter((p) => p.interval === request.interval);
  const price =
    candidates.find((p) => p.currency.toUpperCase() === currency) ??
    (request.currency ? undefined : candidates[0]);
  if (!price || price.amount <= 0) {
    throw new ApiError(
      'validation_failed',
      `The ${tier.name} plan has nothing to pay per ${request.interval}${request.currency ? ` in ${currency}` : ''}.`,
      { errors: [{ path: `${path}.planId`, message: 'This plan and interval are not paid' }] },
    );
  }
  return { tier, price: { ...price, currency: price.currency.toUpperCase() } };
}

/**
 * The `plan` kind of checkout: a Stripe subscription to one of the license's tiers, created
 * `default_incomplete` so Stripe.js confirms its first payment (or, for a trial, saves the
 * card). Payments calls it under the learner's lock.
 */
export class SubscriptionCheckout {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #catalog: TierCatalog;
  readonly #licenses: LicenseLookup;
  readonly #rows: SubscriptionStore;

  constructor(options: {
    store: Store;
    clock: Clock;
    logger: Logger;
    catalog: TierCatalog;
    licenses: LicenseLookup;
    rows: SubscriptionStore;
  }) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#catalog = options.catalog;
    this.#licenses = options.licenses;
    this.#rows = options.rows;
  }

  readonly product: Product<'plan'> = {
    price: async (learner, request) => this.#price(learner, request),
    startCheckout: ({ stripe, learner, customerId, priced }) =>
      this.#start(stripe, learner, customerId, priced),
  };

  async #price(
    learner: Learner,
    request: Extract<CheckoutRequest, { kind: 'plan' }>,
  ): Promise<Priced> {
    const { tier, price } = await resolveTier(
      this.#catalog,
      this.#licenses,
      learner.licenseId,
      request,
    );
    const live = await this.#rows.live(this.#store.db, learner);
    if (live) {
      throw new ApiError(
        'conflict',
        'You already have a subscription: change its plan instead of starting another.',
        { extensions: { subscriptionId: live.id, planId: live.tierId, status: live.status } },
      );
    }
    return {
      kind: 'plan',
      item: `${tier.id}:${price.interval}`,
      amount: price.amount,
      currency: price.currency,
      description: `${tier.name} (${price.interval === 'month' ? 'monthly' : 'yearly'})`,
      metadata: { plan_id: tier.id, interval: price.interval },
    };
  }

  /** Whether the learner already had a trial here (one whose card was saved). */
  async #hadTrial(learner: Learner): Promise<boolean> {
    const rows = await this.#store.db
      .select({ trialEnd: subscriptions.trialEnd, awaitingSetup: subscriptions.awaitingSetup })
      .from(subscriptions)
      .where(
        and(
          eq(subscriptions.licenseId, learner.licenseId),
          eq(subscriptions.learnerId, learner.id),
        ),
      );
    return rows.some((r) => r.trialEnd !== null && !r.awaitingSetup);
  }

  async #start(
    stripe: Stripe,
    learner: Learner,
    customerId: string,
    priced: Priced,
  ): Promise<SubscriptionCheckoutSession> {
    const [tierId = '', interval = 'month'] = priced.item.split(':');
    const { tier, price } = await resolveTier(this.#catalog, this.#licenses, learner.licenseId, {
      planId: tierId,
      interval: interval as 'month' | 'year',
      currency: priced.currency,
    });
    const stripePrice = await this.#catalog.ensurePrice(learner.licenseId, tier, price);
    // The row and its idempotency key exist before Stripe is asked, so a retry after a lost
    // answer replays the same request instead of creating a second subscription.
    const row = await this.#store.write(async (tx) => {
      const live = await this.#rows.live(tx, learner);
      if (live) throw new ApiError('conflict', 'You already have a subscription.');
      const open = await this.#rows.newest(
        tx,
        learner,
        eq(subscriptions.tierId, tier.id),
        eq(subscriptions.interval, price.interval),
        eq(subscriptions.currency, price.currency),
        eq(subscriptions.amount, price.amount),
        openRows,
      );
      if (open) return open;
      const now = this.#clock.now();
      const id = generateId('lsub');
      const [inserted] = await tx
        .insert(subscriptions)
        .values({
          id,
          licenseId: learner.licenseId,
          learnerId: learner.id,
          tierId: tier.id,
          interval: price.interval,
          currency: price.currency,
          amount: price.amount,
          status: 'pending',
          idempotencyKey: `lx_${id}`,
          customerId,
          priceId: stripePrice.priceId,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      return inserted!;
    });

    await this.#abandonOthers(stripe, learner, row.id);

    const expand = ['latest_invoice.confirmation_secret', 'pending_setup_intent'];
    const trial = tier.trialDays > 0 && !(await this.#hadTrial(learner));
    let sub: Stripe.Subscription;
    const readAt = this.#clock.now();
    try {
      sub = row.stripeSubscriptionId
        ? await stripe.subscriptions.retrieve(row.stripeSubscriptionId, { expand })
        : await stripe.subscriptions.create(
            {
              customer: customerId,
              items: [{ price: stripePrice.priceId }],
              payment_behavior: 'default_incomplete',
              payment_settings: { save_default_payment_method: 'on_subscription' },
              ...(trial
                ? {
                    trial_period_days: tier.trialDays,
                    trial_settings: { end_behavior: { missing_payment_method: 'cancel' } },
                  }
                : {}),
              metadata: {
                license_id: learner.licenseId,
                learner_id: learner.id,
                subscription_row: row.id,
                plan_id: tier.id,
                interval: price.interval,
              },
              expand,
            },
            { idempotencyKey: row.idempotencyKey },
          );
    } catch (error) {
      this.#logger.warn({ err: error, subscriptionRow: row.id }, 'subscription not created');
      // Refused for good: this attempt (and its idempotency key) is done, so the next click
      // starts a fresh one instead of replaying what Stripe refuses.
      if (!isTransientStripeError(error)) await this.#retire(row.id);
      throw stripeError(error);
    }
    await this.#rows.save(sub, readAt, row.id);
    if (FINAL_STATUSES.has(sub.status)) {
      // Expired or cancelled meanwhile: this one is done, so the click starts afresh.
      return this.#start(stripe, learner, customerId, priced);
    }
    return this.#session(stripe, row.id, sub, tier.id, price.interval);
  }

  /**
   * Cancels the learner's other unpaid subscriptions in Stripe, so that paying for one tier
   * after starting checkout for another leaves one subscription, not two.
   */
  async #abandonOthers(stripe: Stripe, learner: Learner, keep: string): Promise<void> {
    const others = (
      await this.#store.db
        .select()
        .from(subscriptions)
        .where(
          and(
            eq(subscriptions.licenseId, learner.licenseId),
            eq(subscriptions.learnerId, learner.id),
            openRows,
          ),
        )
    ).filter((r) => r.id !== keep && r.stripeSubscriptionId);
    for (const other of others) {
      let sub: Stripe.Subscription;
      const readAt = this.#clock.now();
      try {
        sub = await stripe.subscriptions.cancel(other.stripeSubscriptionId!);
      } catch (error) {
        this.#logger.warn({ err: error, subscriptionRow: other.id }, 'open subscription kept');
        if (isTransientStripeError(error)) throw stripeError(error);
        // Stripe will not cancel it (gone, or over already): it is not open any more here.
        await this.#retire(other.id);
        continue;
      }
      await this.#rows.save(sub, readAt);
    }
  }

  /** Sets an open attempt Stripe refused aside, so it is neither reused nor live. */
  async #retire(rowId: string): Promise<void> {
    await this.#store.write(async (tx) => {
      await tx
        .update(subscriptions)
        .set({ status: 'canceled', updatedAt: this.#clock.now() })
        .where(and(eq(subscriptions.id, rowId), openRows));
    });
  }

  async #session(
    stripe: Stripe,
    rowId: string,
    sub: Stripe.Subscription,
    tierId: string,
    interval: 'month' | 'year',
  ): Promise<SubscriptionCheckoutSession> {
    const base = {
      paymentId: rowId,
      mode: 'subscription' as const,
      subscriptionId: sub.id,
      trialEnd: iso(fromUnix(sub.trial_end)),
      planId: tierId,
      interval,
    };
    const setup = sub.pending_setup_intent;
    if (setup && typeof setup !== 'string') {
      return {
        ...base,
        paymentIntentId: setup.id,
        clientSecret: setup.client_secret ?? '',
        amount: 0,
        currency: (sub.currency ?? 'usd').toUpperCase(),
        status: setup.status,
        intentType: 'setup',
      };
    }
    const invoice = typeof sub.latest_invoice === 'string' ? null : sub.latest_invoice;
    const secret = invoice?.confirmation_secret?.client_secret ?? '';
    const intentId = secret.split('_secret_')[0] ?? '';
    let status =
      sub.status === 'active' || sub.status === 'trialing'
        ? 'succeeded'
        : 'requires_payment_method';
    if (intentId) {
      try {
        status = (await stripe.paymentIntents.retrieve(intentId)).status;
      } catch (error) {
        throw stripeError(error);
      }
    }
    return {
      ...base,
      paymentIntentId: intentId,
      clientSecret: secret,
      amount: invoice?.amount_due ?? 0,
      currency: (invoice?.currency ?? sub.currency ?? 'usd').toUpperCase(),
      status,
      intentType: 'payment',
    };
  }
}
