import type Stripe from 'stripe';
import type { Tx } from '../../db/client.js';
import type { Learner } from '../learners/service.js';
import type { CheckoutRequest, Priced } from './pricing.js';
import type { PaymentRow } from './schema.js';

/** A refund as the payments module recorded it, handed to the product that was bought. */
export interface RefundApplied {
  /** Minor units refunded by this refund (> 0). */
  amount: number;
  /** Minor units refunded on the payment so far, this refund included. */
  totalRefunded: number;
  /** True when the whole payment is now refunded. */
  full: boolean;
}

/** What checkout hands back to the widget, whichever kind of item is bought. */
export interface CheckoutSession {
  paymentId: string;
  paymentIntentId: string;
  clientSecret: string;
  amount: number;
  currency: string;
  status: string;
  /** `payment` for a one-off purchase, `subscription` when paying starts a subscription. */
  mode: 'payment' | 'subscription';
  /** Subscription mode: Stripe's subscription id. */
  subscriptionId?: string;
  /**
   * Subscription mode: `payment` confirms the first invoice's payment intent, `setup` (a trial)
   * saves a card with the setup intent named by `paymentIntentId`.
   */
  intentType?: 'payment' | 'setup';
  /** Subscription mode: ISO time the trial ends, null without a trial. */
  trialEnd?: string | null;
  /** Subscription mode: the tier subscribed to. */
  planId?: string;
  /** Subscription mode: the billing interval. */
  interval?: 'month' | 'year';
}

/**
 * One kind of purchasable item (a course, a plan…), registered with the payments module by
 * the module that owns it. Payments prices through it, and calls it back inside the very
 * transaction that records the payment's outcome, so an effect exists exactly when its cause
 * does.
 */
export interface Product<K extends CheckoutRequest['kind'] = CheckoutRequest['kind']> {
  /**
   * The server's price for the request. Throws an ApiError when the item is unknown, not for
   * sale, already owned, or the coupon does not apply.
   */
  price(learner: Learner, request: Extract<CheckoutRequest, { kind: K }>): Priced;
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
  plan: { id: string; name: string; interval: 'month' | 'year' };
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
