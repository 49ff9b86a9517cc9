import type { Logger } from 'pino';
import type Stripe from 'stripe';
import type { Store } from '../../db/store.js';
import { ApiError } from '../../errors.js';
import type { KeyedLock } from '../../lib/keyed-lock.js';
import { requireStripe, stripeError, stripeObjectKey } from '../../lib/stripe.js';
import type { Clock } from '../../services.js';
import type { Learner } from '../learners/service.js';
import type { TierCatalog } from './catalog.js';
import type { ChangeResult, SubscriptionView, TierChange } from './contract.js';
import type { LicenseLookup } from './dependencies.js';
import type { SubscriptionRow } from './schema.js';
import { resolveTier } from './subscription-checkout.js';
import type { SubscriptionStore } from './subscription-store.js';

type LiveRow = SubscriptionRow & { stripeSubscriptionId: string };

/**
 * What a learner does with their live subscription: move it to another tier or interval
 * (prorated), cancel it at the period's end, or resume it. Each runs under the learner's lock,
 * the same one checkout takes, so a change never interleaves with a checkout or another change.
 */
export class TierChanges {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #stripe: Stripe | null;
  readonly #logger: Logger;
  readonly #catalog: TierCatalog;
  readonly #licenses: LicenseLookup;
  readonly #rows: SubscriptionStore;
  readonly #lock: KeyedLock;

  constructor(options: {
    store: Store;
    clock: Clock;
    stripe: Stripe | null;
    logger: Logger;
    catalog: TierCatalog;
    licenses: LicenseLookup;
    rows: SubscriptionStore;
    lock: KeyedLock;
  }) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#stripe = options.stripe;
    this.#logger = options.logger;
    this.#catalog = options.catalog;
    this.#licenses = options.licenses;
    this.#rows = options.rows;
    this.#lock = options.lock;
  }

  #serial<T>(learner: Learner, work: () => Promise<T>): Promise<T> {
    return this.#lock.run([learner.licenseId, learner.id], work);
  }

  async #requireLive(learner: Learner): Promise<LiveRow> {
    const row = await this.#rows.live(this.#store.db, learner);
    if (!row?.stripeSubscriptionId) {
      throw new ApiError('not_found', 'You have no subscription. Subscribe through checkout.');
    }
    return row as LiveRow;
  }

  /**
   * Makes a change in Stripe and writes the subscription Stripe answers with, under the
   * subscription's own lock, so Stripe's events about it are applied before or after, never
   * in between.
   */
  #sync(subscriptionId: string, run: () => Promise<Stripe.Subscription>): Promise<void> {
    return this.#lock.run(stripeObjectKey(subscriptionId), () => this.#change(run));
  }

  async #change(run: () => Promise<Stripe.Subscription>): Promise<void> {
    let sub: Stripe.Subscription;
    const readAt = this.#clock.now();
    try {
      sub = await run();
    } catch (error) {
      const failure = stripeError(error, {
        refused: {
          kinds: ['card'],
          answer: (declined) =>
            new ApiError('conflict', declined.message, { extensions: { decline: declined.code } }),
        },
      });
      if (failure !== error && failure.code === 'service_unavailable') {
        this.#logger.warn({ err: error }, 'subscription change not made');
      }
      throw failure;
    }
    await this.#rows.save(sub, readAt);
  }

  /**
   * Moves the learner's subscription to another tier or interval. The difference is prorated
   * and invoiced at once (an upgrade is charged, a downgrade credited to the next invoices).
   * With `preview`, nothing changes: Stripe's preview of that invoice is returned.
   */
  async change(learner: Learner, request: TierChange): Promise<ChangeResult> {
    const stripe = requireStripe(this.#stripe);
    return this.#serial(learner, async () => {
      const row = await this.#requireLive(learner);
      const { tier, price } = await resolveTier(this.#catalog, this.#licenses, learner.licenseId, {
        planId: request.planId,
        interval: request.interval,
        currency: request.currency ?? row.currency,
      });
      if (
        tier.id === row.tierId &&
        price.interval === row.interval &&
        price.amount === row.amount &&
        price.currency === row.currency
      ) {
        throw new ApiError('conflict', `You are already on ${tier.name} (${price.interval}ly).`);
      }
      const target = await this.#catalog.ensurePrice(learner.licenseId, tier, price);
      let itemId: string;
      try {
        const sub = await stripe.subscriptions.retrieve(row.stripeSubscriptionId);
        itemId = sub.items.data[0]!.id;
      } catch (error) {
        throw stripeError(error);
      }
      const items = [{ id: itemId, price: target.priceId }];
      if (request.preview) {
        let invoice: Stripe.Invoice;
        try {
          invoice = await stripe.invoices.createPreview({
            customer: row.customerId,
            subscription: row.stripeSubscriptionId,
            subscription_details: { items, proration_behavior: 'always_invoice' },
          });
        } catch (error) {
          throw stripeError(error);
        }
        return {
          subscription: await this.#rows.view(row),
          preview: {
            amountDue: invoice.lines.data.reduce((sum, l) => sum + l.amount, 0),
            currency: invoice.currency.toUpperCase(),
            lines: invoice.lines.data.map((l) => ({
              description: l.description,
              amount: l.amount,
              proration: l.parent?.subscription_item_details?.proration ?? false,
            })),
          },
        };
      }
      await this.#sync(row.stripeSubscriptionId, () =>
        stripe.subscriptions.update(
          row.stripeSubscriptionId,
          {
            items,
            proration_behavior: 'always_invoice',
            payment_behavior: 'allow_incomplete',
            cancel_at_period_end: false,
          },
          {
            idempotencyKey: `lx_${row.id}_${row.priceId}_to_${target.priceId}_${row.updatedAt.getTime()}`,
          },
        ),
      );
      const current = (await this.#rows.current(this.#store.db, learner))!;
      return { subscription: await this.#rows.view(current), preview: null };
    });
  }

  /** Cancels at the end of the period (or trial); the learner keeps the tier until then. */
  async cancel(learner: Learner): Promise<SubscriptionView> {
    return this.#setCancelAtPeriodEnd(learner, true);
  }

  /** Undoes a cancellation that has not taken effect yet. */
  async resume(learner: Learner): Promise<SubscriptionView> {
    return this.#setCancelAtPeriodEnd(learner, false);
  }

  async #setCancelAtPeriodEnd(learner: Learner, cancel: boolean): Promise<SubscriptionView> {
    const stripe = requireStripe(this.#stripe);
    return this.#serial(learner, async () => {
      const row = await this.#requireLive(learner);
      if (row.cancelAtPeriodEnd !== cancel) {
        await this.#sync(row.stripeSubscriptionId, () =>
          stripe.subscriptions.update(row.stripeSubscriptionId, { cancel_at_period_end: cancel }),
        );
      }
      return this.#rows.view((await this.#rows.byId(row.id))!);
    });
  }
}
