import type Stripe from 'stripe';
import type { Tx } from '../../db/client.js';
import { ApiError } from '../../errors.js';
import type { Learner } from '../learners/service.js';
import type { CheckoutRequest, CheckoutSession } from './contract.js';
import type { PaymentKind, PaymentRow } from './schema.js';

/*
 * How other modules plug into payments: they register the kinds of item they sell and the
 * Stripe events they handle. Payments knows them only through these interfaces.
 */

/** An item with the price the server computed for it. */
export interface Priced {
  kind: PaymentKind;
  /** Stable identifier of the item within its kind, stored with the payment. */
  item: string;
  /** Integer minor units. */
  amount: number;
  /** ISO 4217, upper case. */
  currency: string;
  description: string;
  /** Extra identifiers stored on the Stripe object (e.g. a coupon), all strings. */
  metadata?: Record<string, string>;
}

/** A refund as the payments module recorded it, handed to the product that was bought. */
export interface RefundApplied {
  /** Minor units refunded by this refund (> 0). */
  amount: number;
  /** Minor units refunded on the payment so far, this refund included. */
  totalRefunded: number;
  /** True when the whole payment is now refunded. */
  full: boolean;
}

/**
 * One kind of purchasable item (a course, a tier…), registered with the payments module by
 * the module that owns it. Payments prices through it, and calls it back inside the very
 * transaction that records the payment's outcome, so an effect exists exactly when its cause
 * does.
 */
export interface Product<K extends CheckoutRequest['kind'] = CheckoutRequest['kind']> {
  /**
   * The server's price for the request. Throws an ApiError when the item is unknown, not for
   * sale, already owned, or the coupon does not apply.
   */
  price(learner: Learner, request: Extract<CheckoutRequest, { kind: K }>): Priced | Promise<Priced>;
  /**
   * Starts paying some other way than a one-off payment intent (a subscription, for one).
   * Without it, checkout creates a payment intent for the price.
   */
  startCheckout?(context: {
    stripe: Stripe;
    learner: Learner;
    customerId: string;
    priced: Priced;
  }): Promise<CheckoutSession>;
  /** Inside the IMMEDIATE transaction that first records the payment as succeeded; once per payment. */
  succeeded?(tx: Tx, payment: PaymentRow, now: Date): void;
  /** Inside the transaction that records a refund; once per refund. */
  refunded?(tx: Tx, payment: PaymentRow, refund: RefundApplied, now: Date): void;
}

/** The effect of one Stripe event, applied in the transaction that records the event. */
export type EventEffect = (tx: Tx, now: Date) => void;

/** A subscription's invoice that Stripe reports paid, as the module that owns the subscription knows it. */
export interface InvoicePaid {
  licenseId: string;
  learnerId: string;
  /** The tier the invoice bills. */
  tier: { id: string; name: string; interval: 'month' | 'year' };
  /** Stripe's subscription id. */
  subscriptionId: string;
  /** The invoice as re-read from Stripe: its amount, currency and period are what is recorded. */
  invoice: Stripe.Invoice;
}

/** What payments offers the handlers of other Stripe events, inside their effects. */
export interface EventPayments {
  /**
   * Records a paid subscription invoice as a payment, once per Stripe invoice id: its receipt
   * (when something was paid), the purchase's tokens and the partner event `purchase.completed`.
   */
  recordInvoicePaid(tx: Tx, paid: InvoicePaid, now: Date): void;
}

/**
 * Reads what an event needs (re-reading the object from Stripe where order matters) and
 * returns its effect, or null when the event changes nothing here.
 */
export type StripeEventHandler = (
  stripe: Stripe,
  event: Stripe.Event,
  payments: EventPayments,
) => Promise<EventEffect | null>;

/** What a module that sells something, or handles Stripe events, is handed at construction. */
export interface PaymentRegistration {
  /** Makes a kind of item purchasable; the module that owns the item prices and fulfils it. */
  registerProduct<K extends CheckoutRequest['kind']>(kind: K, product: Product<K>): void;
  /** Hands Stripe events of these types to another module (subscriptions, for one). */
  handleEvents(types: readonly string[], handler: StripeEventHandler): void;
}

/** The products and event handlers registered with payments. */
export class Registry implements PaymentRegistration {
  readonly #products = new Map<string, Product>();
  readonly #eventHandlers = new Map<string, StripeEventHandler>();

  registerProduct<K extends CheckoutRequest['kind']>(kind: K, product: Product<K>): void {
    this.#products.set(kind, product as unknown as Product);
  }

  handleEvents(types: readonly string[], handler: StripeEventHandler): void {
    for (const type of types) {
      if (this.#eventHandlers.has(type)) throw new Error(`Stripe event ${type} is already handled`);
      this.#eventHandlers.set(type, handler);
    }
  }

  /** The product of a kind a learner asks to buy; a kind nobody sells is a validation error. */
  product(kind: string): Product {
    const product = this.#products.get(kind);
    if (!product) {
      throw new ApiError('validation_failed', `Nothing of kind "${kind}" is sold here.`, {
        errors: [{ path: 'body.kind', message: 'Not sold on this server' }],
      });
    }
    return product;
  }

  /** The product of a recorded payment's kind, if its module is still registered. */
  productOf(kind: string): Product | undefined {
    return this.#products.get(kind);
  }

  handlerOf(type: string): StripeEventHandler | undefined {
    return this.#eventHandlers.get(type);
  }
}
