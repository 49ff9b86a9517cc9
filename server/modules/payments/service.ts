import type { Logger } from 'pino';
import type Stripe from 'stripe';
import type { Store, Tx } from '../../db/store.js';
import type { KeyedLock } from '../../lib/keyed-lock.js';
import type { StripeMode } from '../../lib/stripe.js';
import type { Clock } from '../../services.js';
import type { Learner } from '../learners/service.js';
import { Checkout } from './checkout.js';
import type {
  CheckoutRequest,
  CheckoutSession,
  PaymentDetail,
  PaymentView,
  RefundReason,
  RefundView,
} from './contract.js';
import type {
  LearnerDirectory,
  LicenseModes,
  PartnerEvents,
  PurchaseRewards,
  Sealer,
} from './dependencies.js';
import {
  Registry,
  type EventPayments,
  type InvoicePaid,
  type PaymentRegistration,
  type Product,
  type StripeEventHandler,
} from './products.js';
import { PaymentQueries } from './queries.js';
import { Receipts } from './receipts.js';
import { Reconciliation, type ReconcileReport } from './reconciliation.js';
import { Refunds } from './refunds.js';
import type { ReceiptRow } from './schema.js';
import { Settlement } from './settlement.js';
import { StripeEvents, type WebhookOutcome } from './stripe-events.js';

/**
 * Payments through Stripe, as routes, the CLI and other modules reach them: checkout
 * (`checkout.ts`), Stripe event intake (`stripe-events.ts`), what Stripe reports paid
 * (`settlement.ts`), refunds (`refunds.ts`), reads (`queries.ts`), receipts
 * (`receipts.ts`) and reconciliation with Stripe's event list (`reconciliation.ts`). The Stripe client is handed in, so the same code talks to Stripe or to the
 * bundled emulator.
 */
export class PaymentService implements PaymentRegistration, EventPayments {
  readonly receipts: Receipts;
  readonly #registry = new Registry();
  readonly #settlement: Settlement;
  readonly #checkout: Checkout;
  readonly #events: StripeEvents;
  readonly #refunds: Refunds;
  readonly #queries: PaymentQueries;
  readonly #reconciliation: Reconciliation;

  constructor(options: {
    store: Store;
    clock: Clock;
    stripe: Stripe | null;
    /** The mode of the key `stripe` holds (see `stripeKeyMode`). */
    stripeMode: StripeMode;
    webhookSecret: string | undefined;
    logger: Logger;
    /** Seals the key receipt links are signed with. */
    secrets: Sealer;
    learners: LearnerDirectory;
    /** Each license's mode: a live license pays only through a live key. */
    licenses: LicenseModes;
    /** The partner events outbox. */
    events: PartnerEvents;
    /**
     * One checkout at a time per learner, shared with subscription changes; Stripe events
     * take it per Stripe object.
     */
    lock: KeyedLock;
    rewards?: PurchaseRewards;
  }) {
    const { store, clock, stripe, logger, learners, events, rewards } = options;
    const registry = this.#registry;
    this.receipts = new Receipts(store, clock, options.secrets, learners);
    const receipts = this.receipts;
    this.#settlement = new Settlement({
      store,
      logger,
      receipts,
      registry,
      learners,
      events,
      rewards,
    });
    const settlement = this.#settlement;
    this.#refunds = new Refunds({
      store,
      clock,
      stripe,
      logger,
      registry,
      settlement,
      events,
      rewards,
    });
    this.#checkout = new Checkout({
      store,
      clock,
      stripe,
      stripeMode: options.stripeMode,
      licenses: options.licenses,
      logger,
      registry,
      settlement,
      lock: options.lock,
    });
    this.#events = new StripeEvents({
      store,
      clock,
      stripe,
      webhookSecret: options.webhookSecret,
      logger,
      registry,
      settlement,
      refunds: this.#refunds,
      lock: options.lock,
    });
    this.#queries = new PaymentQueries(store, receipts);
    this.#reconciliation = new Reconciliation({
      store,
      clock,
      stripe,
      logger,
      events: this.#events,
    });
  }

  registerProduct<K extends CheckoutRequest['kind']>(kind: K, product: Product<K>): void {
    this.#registry.registerProduct(kind, product);
  }

  handleEvents(types: readonly string[], handler: StripeEventHandler): void {
    this.#registry.handleEvents(types, handler);
  }

  checkout(learner: Learner, request: CheckoutRequest): Promise<CheckoutSession> {
    return this.#checkout.start(learner, request);
  }

  /** A payment of this learner, by its payment intent; another learner's is not found. */
  find(learner: Learner, paymentIntentId: string): Promise<PaymentView> {
    return this.#queries.find(learner, paymentIntentId);
  }

  receiveWebhook(rawBody: string, signature: string | undefined): Promise<WebhookOutcome> {
    return this.#events.receive(rawBody, signature);
  }

  /**
   * Applies the events Stripe lists from `since` (within 30 days) that no webhook brought;
   * see `Reconciliation.run`.
   */
  reconcile(options: { since: Date }): Promise<ReconcileReport> {
    return this.#reconciliation.run(options);
  }

  /** Reconciles with Stripe now and then every `intervalMs` (0: never); see `server/start.ts`. */
  startReconciling(intervalMs: number): void {
    this.#reconciliation.start(intervalMs);
  }

  /** Stops the timed reconciliation, waiting for a run in progress. */
  stopReconciling(): Promise<void> {
    return this.#reconciliation.stop();
  }

  recordInvoicePaid(tx: Tx, paid: InvoicePaid, now: Date): Promise<void> {
    return this.#settlement.recordInvoicePaid(tx, paid, now);
  }

  /** The receipt of a subscription invoice recorded by `recordInvoicePaid`, if it has one. */
  receiptOfInvoice(licenseId: string, invoiceId: string): Promise<ReceiptRow | undefined> {
    return this.#settlement.receiptOfInvoice(licenseId, invoiceId);
  }

  /** A payment of a license with its receipt and refunds. */
  detail(licenseId: string, paymentId: string): Promise<PaymentDetail> {
    return this.#queries.detail(licenseId, paymentId);
  }

  /** A license's payments, newest first. */
  list(
    licenseId: string,
    options: { limit: number; status?: string | undefined; before?: Date | undefined },
  ): Promise<PaymentDetail[]> {
    return this.#queries.list(licenseId, options);
  }

  /** Refunds a payment in full or in part; see `Refunds.refund`. */
  refund(
    licenseId: string,
    paymentId: string,
    input: {
      amount?: number | undefined;
      reason?: RefundReason | undefined;
      idempotencyKey: string;
    },
  ): Promise<RefundView> {
    return this.#refunds.refund(licenseId, paymentId, input);
  }
}
