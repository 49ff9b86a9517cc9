import { EmulatorClock, type Clock } from './core/clock.js';
import { ExpansionRegistry } from './core/expand.js';
import type { Json } from './core/json.js';
import type { ApiRequest } from './core/router.js';
import { BalanceLedger } from './resources/balance.js';
import { BillingService, type BillingSettings } from './resources/billing.js';
import { CatalogService } from './resources/catalog.js';
import { CustomersService } from './resources/customers.js';
import { EventsService } from './resources/events.js';
import { PaymentIntentsService } from './resources/payment-intents.js';
import { PaymentMethodsService } from './resources/payment-methods.js';
import { RefundsService } from './resources/refunds.js';
import { SetupIntentsService } from './resources/setup-intents.js';
import { WebhookDispatcher, type DeliverySettings } from './webhooks/delivery.js';

export interface RequestInfo {
  id: string;
  idempotencyKey: string | null;
}

/**
 * Everything one emulator instance knows, shared by the resource services. Services reach each
 * other through this object rather than imports so that payment, invoice and subscription state
 * can call back into one another.
 */
export class EmulatorContext {
  readonly clock: EmulatorClock;
  readonly registry = new ExpansionRegistry();
  readonly webhooks: WebhookDispatcher;
  readonly events: EventsService;
  readonly customers: CustomersService;
  readonly catalog: CatalogService;
  readonly paymentMethods: PaymentMethodsService;
  readonly paymentIntents: PaymentIntentsService;
  readonly setupIntents: SetupIntentsService;
  readonly refunds: RefundsService;
  readonly billing: BillingService;
  readonly balance: BalanceLedger;
  currentRequest: RequestInfo | null = null;
  baseUrl = '';

  constructor(options: { clock: Clock; delivery: DeliverySettings; billing: BillingSettings }) {
    this.clock = new EmulatorClock(options.clock);
    this.webhooks = new WebhookDispatcher(this, options.delivery);
    this.events = new EventsService(this);
    this.balance = new BalanceLedger(this);
    this.customers = new CustomersService(this);
    this.catalog = new CatalogService(this);
    this.paymentMethods = new PaymentMethodsService(this);
    this.paymentIntents = new PaymentIntentsService(this);
    this.setupIntents = new SetupIntentsService(this);
    this.refunds = new RefundsService(this);
    this.billing = new BillingService(this, options.billing);
  }

  /** Runs `fn` as the work of one API request, so the events it records name that request. */
  withRequest<T>(request: Pick<ApiRequest, 'requestId' | 'idempotencyKey'>, fn: () => T): T {
    const previous = this.currentRequest;
    this.currentRequest = { id: request.requestId, idempotencyKey: request.idempotencyKey };
    try {
      return fn();
    } finally {
      this.currentRequest = previous;
    }
  }

  /** Runs `fn` as the emulator's own work: its events carry `request: null`, as Stripe's do. */
  withoutRequest<T>(fn: () => T): T {
    const previous = this.currentRequest;
    this.currentRequest = null;
    try {
      return fn();
    } finally {
      this.currentRequest = previous;
    }
  }

  now(): number {
    return this.clock.seconds();
  }

  expand<T extends Json>(value: T, request: Pick<ApiRequest, 'params' | 'view'>): T {
    return this.registry.expand(value, request.params.expand(), request.view);
  }
}
