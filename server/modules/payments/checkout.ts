import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import type Stripe from 'stripe';
import { writeTransaction, type Db } from '../../db/client.js';
import { generateId } from '../../lib/ids.js';
import type { KeyedLock } from '../../lib/keyed-lock.js';
import { ApiError } from '../../errors.js';
import {
  isTransientStripeError,
  requireStripe,
  stripeError,
  type StripeMode,
} from '../../lib/stripe.js';
import type { Clock } from '../../services.js';
import type { Learner } from '../learners/service.js';
import type { CheckoutRequest, CheckoutSession } from './contract.js';
import type { LicenseModes } from './dependencies.js';
import type { Priced, Registry } from './products.js';
import { payments, stripeCustomers } from './schema.js';
import { FINAL_STATUSES, type Settlement } from './settlement.js';

/** A payment in one of these can still be paid, so a second click reuses it. */
const OPEN_STATUSES = [
  'pending',
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
  'processing',
];

/** Stripe refused a request because the customer it names does not exist there. */
const refusedCustomer = (error: unknown) =>
  error instanceof ApiError &&
  error.extensions.stripeCode === 'resource_missing' &&
  error.extensions.stripeParam === 'customer';

/**
 * Checkout: prices the item through its product, finds or creates the learner's Stripe
 * customer, and creates (or reuses) the payment intent Stripe.js confirms, unless the product
 * pays some other way (a subscription).
 */
export class Checkout {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #stripe: Stripe | null;
  readonly #logger: Logger;
  readonly #registry: Registry;
  readonly #settlement: Settlement;
  readonly #lock: KeyedLock;
  readonly #stripeMode: StripeMode;
  readonly #licenses: LicenseModes;

  constructor(options: {
    db: Db;
    clock: Clock;
    stripe: Stripe | null;
    /** The mode of the Stripe key: a live license pays only through a live key. */
    stripeMode: StripeMode;
    licenses: LicenseModes;
    logger: Logger;
    registry: Registry;
    settlement: Settlement;
    /**
     * One checkout or subscription change at a time per learner (shared with billing);
     * idempotency keys cover other processes.
     */
    lock: KeyedLock;
  }) {
    this.#db = options.db;
    this.#clock = options.clock;
    this.#stripe = options.stripe;
    this.#logger = options.logger;
    this.#registry = options.registry;
    this.#settlement = options.settlement;
    this.#lock = options.lock;
    this.#stripeMode = options.stripeMode;
    this.#licenses = options.licenses;
  }

  async start(learner: Learner, request: CheckoutRequest): Promise<CheckoutSession> {
    const product = this.#registry.product(request.kind);
    // Priced under the lock: a change of the learner's subscription still in flight is
    // finished first, so the price sees what it left.
    return this.#lock.run([learner.licenseId, learner.id], async () => {
      const priced = await product.price(learner, request);
      const stripe = requireStripe(this.#stripe);
      this.#requireMatchingMode(learner.licenseId);
      try {
        if (!product.startCheckout) return await this.#paymentIntent(stripe, learner, priced);
        const customerId = await this.#customer(stripe, learner);
        return await product.startCheckout({ stripe, learner, customerId, priced });
      } catch (error) {
        if (refusedCustomer(error)) this.#forgetCustomer(learner);
        throw error;
      }
    });
  }

  async #paymentIntent(stripe: Stripe, learner: Learner, priced: Priced): Promise<CheckoutSession> {
    const customerId = await this.#customer(stripe, learner);
    // The row and its idempotency key exist before Stripe is asked, so a retry after a lost
    // answer replays the same request instead of creating a second payment intent.
    const row = writeTransaction(this.#db, (tx) => {
      const open = tx
        .select()
        .from(payments)
        .where(
          and(
            eq(payments.licenseId, learner.licenseId),
            eq(payments.learnerId, learner.id),
            eq(payments.kind, priced.kind),
            eq(payments.item, priced.item),
            eq(payments.amount, priced.amount),
            eq(payments.currency, priced.currency),
            inArray(payments.status, OPEN_STATUSES),
          ),
        )
        .orderBy(desc(payments.createdAt))
        .limit(1)
        .get();
      if (open) return open;
      const now = this.#clock.now();
      const id = generateId('pay');
      return tx
        .insert(payments)
        .values({
          id,
          licenseId: learner.licenseId,
          learnerId: learner.id,
          kind: priced.kind,
          item: priced.item,
          amount: priced.amount,
          currency: priced.currency,
          description: priced.description,
          status: 'pending',
          idempotencyKey: `lx_${id}`,
          createdAt: now,
          updatedAt: now,
        })
        .returning()
        .get();
    });

    let intent: Stripe.PaymentIntent;
    const readAt = this.#clock.now();
    try {
      intent = row.paymentIntentId
        ? await stripe.paymentIntents.retrieve(row.paymentIntentId)
        : await stripe.paymentIntents.create(
            {
              amount: row.amount,
              currency: row.currency.toLowerCase(),
              customer: customerId,
              description: priced.description,
              automatic_payment_methods: { enabled: true },
              metadata: {
                license_id: learner.licenseId,
                learner_id: learner.id,
                payment_id: row.id,
                ...priced.metadata,
                kind: row.kind,
                item: row.item,
              },
            },
            { idempotencyKey: row.idempotencyKey },
          );
    } catch (error) {
      const failure = stripeError(error);
      this.#logger.warn({ err: error, paymentId: row.id }, 'payment intent not created');
      // Refused for good: this attempt (and its idempotency key) is done, so the next click
      // starts a fresh one instead of replaying what Stripe refuses.
      if (!isTransientStripeError(error)) this.#retire(row.id, failure);
      throw failure;
    }
    writeTransaction(this.#db, (tx) =>
      this.#settlement.applyIntent(tx, intent, readAt, this.#clock.now()),
    );
    if (FINAL_STATUSES.has(intent.status)) {
      // Paid or cancelled meanwhile: this row is done, so the click starts a fresh payment.
      return this.#paymentIntent(stripe, learner, priced);
    }
    return {
      paymentId: row.id,
      paymentIntentId: intent.id,
      clientSecret: intent.client_secret ?? '',
      amount: intent.amount,
      currency: intent.currency.toUpperCase(),
      status: intent.status,
      mode: 'payment',
    };
  }

  /**
   * A live license pays only through a live Stripe key: through a test key (the emulator's,
   * or a test account) test cards would "pay" for real. Refused before Stripe is called.
   */
  #requireMatchingMode(licenseId: string): void {
    const licenseMode = this.#licenses.modeOf(licenseId);
    if (licenseMode !== 'live' || this.#stripeMode === 'live') return;
    this.#logger.error({ licenseId }, 'live license refused: this server has a test Stripe key');
    throw new ApiError(
      'service_unavailable',
      'This live license cannot take payments here: the server talks to Stripe with a test ' +
        'key, which moves no real money. The operator sets a live STRIPE_SECRET_KEY.',
      { extensions: { licenseMode, stripeMode: this.#stripeMode } },
    );
  }

  /** Sets an attempt Stripe refused aside: `canceled`, with Stripe's code as failure code. */
  #retire(paymentId: string, failure: ApiError): void {
    const code = failure.extensions.stripeCode;
    this.#db
      .update(payments)
      .set({
        status: 'canceled',
        failureCode: typeof code === 'string' ? code : failure.code,
        updatedAt: this.#clock.now(),
      })
      .where(and(eq(payments.id, paymentId), inArray(payments.status, OPEN_STATUSES)))
      .run();
  }

  /**
   * Forgets the learner's Stripe customer after Stripe said it has no such customer (another
   * Stripe account, or an emulator that started afresh): the next checkout makes a new one.
   */
  #forgetCustomer(learner: Learner): void {
    this.#logger.warn({ learnerId: learner.id }, 'stripe customer unknown to stripe; forgotten');
    this.#db
      .delete(stripeCustomers)
      .where(
        and(
          eq(stripeCustomers.licenseId, learner.licenseId),
          eq(stripeCustomers.learnerId, learner.id),
        ),
      )
      .run();
  }

  /** The learner's Stripe customer, created once per license and learner. */
  async #customer(stripe: Stripe, learner: Learner): Promise<string> {
    const key = and(
      eq(stripeCustomers.licenseId, learner.licenseId),
      eq(stripeCustomers.learnerId, learner.id),
    );
    const known = this.#db.select().from(stripeCustomers).where(key).get();
    if (known) return known.customerId;
    let customer: Stripe.Customer;
    try {
      // Only identifiers go to Stripe: the learner's name and e-mail stay with the customer.
      customer = await stripe.customers.create(
        { metadata: { license_id: learner.licenseId, learner_id: learner.id } },
        { idempotencyKey: `lx_cus_${learner.licenseId}_${learner.id}` },
      );
    } catch (error) {
      this.#logger.warn({ err: error, learnerId: learner.id }, 'customer not created');
      throw stripeError(error);
    }
    this.#db
      .insert(stripeCustomers)
      .values({
        licenseId: learner.licenseId,
        learnerId: learner.id,
        customerId: customer.id,
        createdAt: this.#clock.now(),
      })
      .onConflictDoNothing()
      .run();
    return this.#db.select().from(stripeCustomers).where(key).get()!.customerId;
  }
}
