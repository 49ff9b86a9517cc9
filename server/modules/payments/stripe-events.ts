import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type Stripe from 'stripe';
import { writeTransaction, type Db } from '../../db/client.js';
import { ApiError } from '../../errors.js';
import { requireStripe, stripeError } from '../../lib/stripe.js';
import type { Clock } from '../../services.js';
import type { EventEffect, Registry } from './products.js';
import type { Refunds } from './refunds.js';
import { stripeEvents } from './schema.js';
import type { Settlement } from './settlement.js';

/** Stripe's default: a signature older than five minutes is a replay, not a delivery. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export interface WebhookOutcome {
  eventId: string;
  type: string;
  duplicate: boolean;
}

/**
 * Stripe event intake: verifies each webhook delivery, re-reads what the event is about from
 * Stripe, and applies its effect exactly once. Payment intents and refunds are handled here;
 * other event types go to the module that registered for them.
 */
export class StripeEvents {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #stripe: Stripe | null;
  readonly #webhookSecret: string | undefined;
  readonly #logger: Logger;
  readonly #registry: Registry;
  readonly #settlement: Settlement;
  readonly #refunds: Refunds;

  constructor(options: {
    db: Db;
    clock: Clock;
    stripe: Stripe | null;
    webhookSecret: string | undefined;
    logger: Logger;
    registry: Registry;
    settlement: Settlement;
    refunds: Refunds;
  }) {
    this.#db = options.db;
    this.#clock = options.clock;
    this.#stripe = options.stripe;
    this.#webhookSecret = options.webhookSecret;
    this.#logger = options.logger;
    this.#registry = options.registry;
    this.#settlement = options.settlement;
    this.#refunds = options.refunds;
  }

  /**
   * Verifies and applies one webhook delivery. The event id is recorded in the same
   * IMMEDIATE transaction as its effect, so concurrent or later copies change nothing.
   */
  async receive(rawBody: string, signature: string | undefined): Promise<WebhookOutcome> {
    const stripe = requireStripe(this.#stripe);
    if (!this.#webhookSecret) {
      throw new ApiError('service_unavailable', 'Stripe webhooks are not configured.');
    }
    if (!signature) {
      throw new ApiError('bad_request', 'The `Stripe-Signature` header is missing.', {
        errors: [{ path: 'header.stripe-signature', message: 'Required' }],
      });
    }
    let event: Stripe.Event;
    try {
      // The SDK refuses only old timestamps; one dated ahead would stay replayable until then.
      const signedAt = Number(/(?:^|,)t=(\d+)(?:,|$)/.exec(signature)?.[1]);
      if (signedAt > Date.now() / 1000 + WEBHOOK_TOLERANCE_SECONDS) throw new Error('future');
      event = await stripe.webhooks.constructEventAsync(
        rawBody,
        signature,
        this.#webhookSecret,
        WEBHOOK_TOLERANCE_SECONDS,
      );
    } catch {
      throw new ApiError(
        'bad_request',
        'The `Stripe-Signature` does not verify for this body, or it is too old.',
        { errors: [{ path: 'header.stripe-signature', message: 'Invalid or stale signature' }] },
      );
    }
    const outcome = { eventId: event.id, type: event.type };
    if (this.#seen(event.id)) return { ...outcome, duplicate: true };

    const receivedAt = this.#clock.now();
    let effect: EventEffect | null;
    try {
      effect = await this.#effectOf(stripe, event);
    } catch (error) {
      // Not recorded, so Stripe's retry gets another chance.
      this.#logger.warn({ err: error, eventId: event.id }, 'stripe event not applied');
      throw stripeError(error);
    }
    const object = event.data.object as { id?: string };
    const applied = writeTransaction(this.#db, (tx) => {
      const now = this.#clock.now();
      const inserted = tx
        .insert(stripeEvents)
        .values({
          id: event.id,
          type: event.type,
          objectId: typeof object.id === 'string' ? object.id : null,
          receivedAt,
          appliedAt: now,
        })
        .onConflictDoNothing()
        .run();
      if (inserted.changes === 0) return false;
      effect?.(tx, now);
      return true;
    });
    return { ...outcome, duplicate: !applied };
  }

  #seen(eventId: string): boolean {
    return (
      this.#db
        .select({ id: stripeEvents.id })
        .from(stripeEvents)
        .where(eq(stripeEvents.id, eventId))
        .get() !== undefined
    );
  }

  /**
   * Fetches what the event's effect needs. Events can arrive in any order and late, so the
   * object is re-read from Stripe: its current state, not the snapshot in the event, is what
   * gets recorded.
   */
  async #effectOf(stripe: Stripe, event: Stripe.Event): Promise<EventEffect | null> {
    switch (event.type) {
      case 'payment_intent.succeeded': {
        // With its charge, for the amounts and card the receipt shows.
        const intent = await stripe.paymentIntents.retrieve(event.data.object.id, {
          expand: ['latest_charge'],
        });
        return (tx, now) => this.#settlement.applyIntent(tx, intent, now);
      }
      case 'payment_intent.payment_failed':
      case 'payment_intent.processing':
      case 'payment_intent.canceled': {
        const intent = await stripe.paymentIntents.retrieve(event.data.object.id);
        return (tx, now) => this.#settlement.applyIntent(tx, intent, now);
      }
      case 'charge.refunded': {
        const charge = await stripe.charges.retrieve(event.data.object.id);
        const list: Stripe.Refund[] = [];
        for await (const refund of stripe.refunds.list({ charge: charge.id, limit: 100 })) {
          list.push(refund);
        }
        return (tx, now) => this.#refunds.applyRefunds(tx, charge, list, now);
      }
      default: {
        const handler = this.#registry.handlerOf(event.type);
        return handler ? handler(stripe, event, this.#settlement) : null;
      }
    }
  }
}
