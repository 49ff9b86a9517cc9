import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type Stripe from 'stripe';
import type { Store } from '../../db/store.js';
import { ApiError } from '../../errors.js';
import type { KeyedLock } from '../../lib/keyed-lock.js';
import { requireStripe, stripeObjectKey, stripeUnavailable } from '../../lib/stripe.js';
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

const idOf = (value: unknown): string | null =>
  typeof value === 'string'
    ? value
    : typeof (value as { id?: unknown } | null)?.id === 'string'
      ? (value as { id: string }).id
      : null;

/**
 * The Stripe object whose events queue behind one another: an invoice's subscription (its
 * effect writes the subscription too), a charge's payment intent, else the object itself.
 */
export function serialKeyOf(event: Stripe.Event): string {
  const object = event.data.object as {
    id?: unknown;
    subscription?: unknown;
    payment_intent?: unknown;
    parent?: { subscription_details?: { subscription?: unknown } | null } | null;
  };
  return (
    idOf(object.parent?.subscription_details?.subscription) ??
    idOf(object.subscription) ??
    idOf(object.payment_intent) ??
    idOf(object) ??
    event.id
  );
}

/**
 * Stripe event intake: verifies each webhook delivery, re-reads what the event is about from
 * Stripe, and applies its effect exactly once. Payment intents and refunds are handled here;
 * other event types go to the module that registered for them. Events about one object are
 * applied one at a time (re-read included), so a slow re-read cannot land after a newer one.
 */
export class StripeEvents {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #stripe: Stripe | null;
  readonly #webhookSecret: string | undefined;
  readonly #logger: Logger;
  readonly #registry: Registry;
  readonly #settlement: Settlement;
  readonly #refunds: Refunds;
  readonly #lock: KeyedLock;

  constructor(options: {
    store: Store;
    clock: Clock;
    stripe: Stripe | null;
    webhookSecret: string | undefined;
    logger: Logger;
    registry: Registry;
    settlement: Settlement;
    refunds: Refunds;
    /** Shared with checkout and subscription changes; events take it per Stripe object. */
    lock: KeyedLock;
  }) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#stripe = options.stripe;
    this.#webhookSecret = options.webhookSecret;
    this.#logger = options.logger;
    this.#registry = options.registry;
    this.#settlement = options.settlement;
    this.#refunds = options.refunds;
    this.#lock = options.lock;
  }

  /** Verifies one webhook delivery and applies its event (see {@link apply}). */
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
    return this.apply(event);
  }

  /**
   * Applies one event Stripe reported, exactly once: the event id is recorded in the same
   * write as its effect, so concurrent or later copies change nothing.
   */
  async apply(event: Stripe.Event): Promise<WebhookOutcome> {
    const stripe = requireStripe(this.#stripe);
    const outcome = { eventId: event.id, type: event.type };
    if (await this.#seen(event.id)) return { ...outcome, duplicate: true };
    return this.#lock.run(stripeObjectKey(serialKeyOf(event)), async () => {
      // A copy that waited here behind the first finds it applied.
      if (await this.#seen(event.id)) return { ...outcome, duplicate: true };
      const receivedAt = this.#clock.now();
      let effect: EventEffect | null;
      try {
        effect = await this.#effectOf(stripe, event);
      } catch (error) {
        // Not recorded, so Stripe's retry gets another chance.
        this.#logger.warn({ err: error, eventId: event.id }, 'stripe event not applied');
        if (error instanceof ApiError) throw error;
        throw stripeUnavailable(error, 'The event could not be read back from Stripe; retry.');
      }
      const object = event.data.object as { id?: string };
      const applied = await this.#store.write(async (tx) => {
        const now = this.#clock.now();
        const inserted = await tx
          .insert(stripeEvents)
          .values({
            id: event.id,
            type: event.type,
            objectId: typeof object.id === 'string' ? object.id : null,
            receivedAt,
            appliedAt: now,
          })
          .onConflictDoNothing()
          .returning({ id: stripeEvents.id });
        if (inserted.length === 0) return false;
        await effect?.(tx, now);
        return true;
      });
      return { ...outcome, duplicate: !applied };
    });
  }

  async #seen(eventId: string): Promise<boolean> {
    const found = await this.#store.db
      .select({ id: stripeEvents.id })
      .from(stripeEvents)
      .where(eq(stripeEvents.id, eventId))
      .limit(1);
    return found.length > 0;
  }

  /**
   * Fetches what the event's effect needs. Events can arrive in any order and late, so the
   * object is re-read from Stripe: its current state, not the snapshot in the event, is what
   * gets recorded, stamped with when the read was issued.
   */
  async #effectOf(stripe: Stripe, event: Stripe.Event): Promise<EventEffect | null> {
    switch (event.type) {
      case 'payment_intent.succeeded': {
        const readAt = this.#clock.now();
        // With its charge, for the amounts and card the receipt shows.
        const intent = await stripe.paymentIntents.retrieve(event.data.object.id, {
          expand: ['latest_charge'],
        });
        return (tx, now) => this.#settlement.applyIntent(tx, intent, readAt, now);
      }
      case 'payment_intent.payment_failed':
      case 'payment_intent.processing':
      case 'payment_intent.canceled': {
        const readAt = this.#clock.now();
        const intent = await stripe.paymentIntents.retrieve(event.data.object.id);
        return (tx, now) => this.#settlement.applyIntent(tx, intent, readAt, now);
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
