import { invalidRequest, resourceMissing } from '../core/errors.js';
import { newId, PREFIX } from '../core/ids.js';
import type { Json, JsonObject } from '../core/json.js';
import { createdFilter, LIST_PARAMS, newestFirst, paginate } from '../core/list.js';
import { applyMetadata } from '../core/params.js';
import type { Router } from '../core/router.js';
import type { View } from '../core/version.js';
import type { EmulatorContext } from '../context.js';
import type { CardOutcome } from './cards.js';
import type { CustomerRecord } from './customers.js';
import type { ConfirmResult, PaymentIntentRecord } from './payment-intents.js';
import type { PaymentMethodRecord } from './payment-methods.js';
import type { SubscriptionRecord } from './subscriptions.js';

export type BillingReason =
  'subscription_create' | 'subscription_cycle' | 'subscription_update' | 'manual';

export interface InvoiceLineRecord {
  id: string;
  amount: number;
  currency: string;
  description: string;
  periodStart: number;
  periodEnd: number;
  price: string;
  quantity: number;
  proration: boolean;
  subscription: string | null;
  subscriptionItem: string | null;
  /** Set when the line came from a pending invoice item (a proration). */
  invoiceItem: string | null;
}

export type LineDraft = Omit<InvoiceLineRecord, 'id' | 'invoiceItem'>;

export interface InvoiceItemRecord extends LineDraft {
  id: string;
  created: number;
  customer: string;
  invoice: string | null;
}

export interface InvoicePaymentRecord {
  id: string;
  created: number;
  invoice: string;
  paymentIntent: string;
  currency: string;
  amountRequested: number;
  amountPaid: number | null;
  status: 'open' | 'paid' | 'canceled';
  paidAt: number | null;
  canceledAt: number | null;
}

export interface InvoiceRecord {
  id: string;
  created: number;
  customer: string;
  customerEmail: string | null;
  customerName: string | null;
  subscription: string | null;
  subscriptionMetadata: Record<string, string>;
  status: 'draft' | 'open' | 'paid' | 'void' | 'uncollectible';
  billingReason: BillingReason;
  currency: string;
  lines: InvoiceLineRecord[];
  subtotal: number;
  total: number;
  startingBalance: number;
  endingBalance: number | null;
  amountDue: number;
  amountPaid: number;
  attemptCount: number;
  attempted: boolean;
  nextPaymentAttempt: number | null;
  autoAdvance: boolean;
  number: string | null;
  periodStart: number;
  periodEnd: number;
  description: string | null;
  metadata: Record<string, string>;
  finalizedAt: number | null;
  paidAt: number | null;
  voidedAt: number | null;
  markedUncollectibleAt: number | null;
  paymentIntent: string | null;
  payments: string[];
  charge: string | null;
}

export interface CreateInvoiceOptions {
  customer: CustomerRecord;
  subscription: SubscriptionRecord | null;
  reason: BillingReason;
  lines: LineDraft[];
  currency: string;
  periodStart: number;
  periodEnd: number;
  /** Pull the customer's pending invoice items (prorations) onto this invoice. */
  includePending: boolean;
  /** Ask the payment to save the card for later renewals. */
  saveCard: boolean;
}

export interface AttemptOptions {
  offSession: boolean;
  paymentMethod?: PaymentMethodRecord;
  outcomeOverride?: CardOutcome;
}

const PI_DESCRIPTIONS: Readonly<Record<BillingReason, string>> = {
  subscription_create: 'Subscription creation',
  subscription_cycle: 'Subscription cycle',
  subscription_update: 'Subscription update',
  manual: 'Invoice',
};

export class InvoicesService {
  readonly #invoices = new Map<string, InvoiceRecord>();
  readonly #items = new Map<string, InvoiceItemRecord>();
  readonly #payments = new Map<string, InvoicePaymentRecord>();

  constructor(private readonly ctx: EmulatorContext) {
    ctx.registry.register({
      object: 'invoice',
      prefix: PREFIX.invoice,
      load: (id, view) => {
        const inv = this.#invoices.get(id);
        return inv ? this.serialize(inv, view) : undefined;
      },
      refs: (view) => [
        'customer',
        'default_payment_method',
        'default_source',
        'latest_revision',
        'on_behalf_of',
        'application',
        'test_clock',
        ...(view.legacy ? ['subscription', 'payment_intent', 'charge'] : []),
      ],
      embedded: ['lines'],
      includes: {
        confirmation_secret: (inv, view) =>
          view.legacy ? null : this.#confirmationSecret(inv.id as string),
        payments: (inv, view) => this.#paymentsList(inv.id as string, view),
      },
    });
    ctx.registry.register({
      object: 'invoice_payment',
      prefix: PREFIX.invoicePayment,
      load: (id, view) => {
        const p = this.#payments.get(id);
        return p ? this.serializePayment(p, view) : undefined;
      },
      refs: () => ['invoice'],
      embedded: ['payment'],
    });
    ctx.registry.register({
      object: 'invoiceitem',
      prefix: PREFIX.invoiceItem,
      load: (id, view) => {
        const item = this.#items.get(id);
        return item ? this.serializeItem(item, view) : undefined;
      },
      refs: () => ['customer', 'invoice', 'subscription'],
    });
  }

  find(id: string): InvoiceRecord | undefined {
    return this.#invoices.get(id);
  }

  require(id: string, param = 'id'): InvoiceRecord {
    const inv = this.#invoices.get(id);
    if (!inv) throw resourceMissing('invoice', id, param);
    return inv;
  }

  all(): InvoiceRecord[] {
    return [...this.#invoices.values()];
  }

  clear(): void {
    this.#invoices.clear();
    this.#items.clear();
    this.#payments.clear();
  }

  #confirmationSecret(invoiceId: string): Json {
    const inv = this.#invoices.get(invoiceId);
    const pi = inv?.paymentIntent ? this.ctx.paymentIntents.find(inv.paymentIntent) : undefined;
    return pi ? { client_secret: pi.clientSecret, type: 'payment_intent' } : null;
  }

  #paymentsList(invoiceId: string, view: View): JsonObject {
    const inv = this.#invoices.get(invoiceId);
    const data = (inv?.payments ?? [])
      .map((id) => this.#payments.get(id))
      .filter((p): p is InvoicePaymentRecord => p !== undefined)
      .map((p) => this.serializePayment(p, view));
    return {
      object: 'list',
      data,
      has_more: false,
      total_count: data.length,
      url: `/v1/invoice_payments?invoice=${invoiceId}`,
    };
  }

  serializePayment = (p: InvoicePaymentRecord, _view: View): JsonObject => ({
    id: p.id,
    object: 'invoice_payment',
    amount_paid: p.amountPaid,
    amount_requested: p.amountRequested,
    created: p.created,
    currency: p.currency,
    invoice: p.invoice,
    is_default: true,
    livemode: false,
    payment: { payment_intent: p.paymentIntent, type: 'payment_intent' },
    status: p.status,
    status_transitions: { canceled_at: p.canceledAt, paid_at: p.paidAt },
  });

  serializeItem = (item: InvoiceItemRecord, _view: View): JsonObject => ({
    id: item.id,
    object: 'invoiceitem',
    amount: item.amount,
    currency: item.currency,
    customer: item.customer,
    date: item.created,
    description: item.description,
    discountable: false,
    discounts: [],
    invoice: item.invoice,
    livemode: false,
    metadata: {},
    parent: item.subscription
      ? {
          subscription_details: {
            subscription: item.subscription,
            subscription_item: item.subscriptionItem,
          },
          type: 'subscription_details',
        }
      : null,
    period: { end: item.periodEnd, start: item.periodStart },
    pricing: {
      price_details: {
        price: item.price,
        product: this.ctx.catalog.findPrice(item.price)?.product ?? null,
      },
      type: 'price_details',
      unit_amount_decimal: String(
        item.quantity === 0 ? 0 : Math.round(item.amount / item.quantity),
      ),
    },
    proration: item.proration,
    quantity: item.quantity,
    tax_rates: [],
    test_clock: null,
  });

  serializeLine(line: InvoiceLineRecord, inv: InvoiceRecord, view: View): JsonObject {
    const price = this.ctx.catalog.findPrice(line.price);
    const unitAmountDecimal = String(
      line.quantity === 0 ? 0 : Math.round(line.amount / line.quantity),
    );
    const common: JsonObject = {
      id: line.id,
      object: 'line_item',
      amount: line.amount,
      currency: line.currency,
      description: line.description,
      discount_amounts: [],
      discountable: !line.proration,
      discounts: [],
      invoice: inv.id,
      livemode: false,
      metadata: {},
      period: { end: line.periodEnd, start: line.periodStart },
      quantity: line.quantity,
    };
    if (view.legacy) {
      return {
        ...common,
        amount_excluding_tax: line.amount,
        invoice_item: line.invoiceItem,
        plan: price ? this.ctx.catalog.serializePlan(price) : null,
        price: price ? this.ctx.catalog.serializePrice(price, view) : null,
        proration: line.proration,
        proration_details: { credited_items: null },
        subscription: line.subscription,
        subscription_item: line.subscriptionItem,
        tax_amounts: [],
        tax_rates: [],
        type: line.invoiceItem ? 'invoiceitem' : 'subscription',
        unit_amount_excluding_tax: unitAmountDecimal,
      };
    }
    const details = {
      invoice_item: line.invoiceItem,
      proration: line.proration,
      proration_details: { credited_items: null },
      subscription: line.subscription,
    };
    return {
      ...common,
      parent: line.invoiceItem
        ? {
            invoice_item_details: details,
            subscription_item_details: null,
            type: 'invoice_item_details',
          }
        : {
            invoice_item_details: null,
            subscription_item_details: { ...details, subscription_item: line.subscriptionItem },
            type: 'subscription_item_details',
          },
      pretax_credit_amounts: [],
      pricing: {
        price_details: { price: line.price, product: price?.product ?? null },
        type: 'price_details',
        unit_amount_decimal: unitAmountDecimal,
      },
      taxes: [],
    };
  }

  serialize = (inv: InvoiceRecord, view: View): JsonObject => {
    const amountRemaining =
      inv.status === 'paid' || inv.status === 'void' ? 0 : inv.amountDue - inv.amountPaid;
    const out: JsonObject = {
      id: inv.id,
      object: 'invoice',
      account_country: 'US',
      account_name: 'Stripe emulator',
      account_tax_ids: null,
      amount_due: inv.amountDue,
      amount_overpaid: 0,
      amount_paid: inv.amountPaid,
      amount_remaining: amountRemaining,
      amount_shipping: 0,
      application: null,
      attempt_count: inv.attemptCount,
      attempted: inv.attempted,
      auto_advance: inv.autoAdvance,
      automatic_tax: {
        disabled_reason: null,
        enabled: false,
        liability: null,
        provider: null,
        status: null,
      },
      automatically_finalizes_at: null,
      billing_reason: inv.billingReason,
      collection_method: 'charge_automatically',
      created: inv.created,
      currency: inv.currency,
      custom_fields: null,
      customer: inv.customer,
      customer_account: null,
      customer_address: null,
      customer_email: inv.customerEmail,
      customer_name: inv.customerName,
      customer_phone: null,
      customer_shipping: null,
      customer_tax_exempt: 'none',
      customer_tax_ids: [],
      default_payment_method: null,
      default_source: null,
      default_tax_rates: [],
      description: inv.description,
      discounts: [],
      due_date: null,
      effective_at: inv.finalizedAt,
      ending_balance: inv.endingBalance,
      footer: null,
      from_invoice: null,
      hosted_invoice_url: null,
      invoice_pdf: null,
      issuer: { type: 'self' },
      last_finalization_error: null,
      latest_revision: null,
      lines: {
        object: 'list',
        data: inv.lines.map((l) => this.serializeLine(l, inv, view)),
        has_more: false,
        total_count: inv.lines.length,
        url: `/v1/invoices/${inv.id}/lines`,
      },
      livemode: false,
      metadata: inv.metadata,
      next_payment_attempt: inv.nextPaymentAttempt,
      number: inv.number,
      on_behalf_of: null,
      payment_settings: {
        default_mandate: null,
        payment_method_options: null,
        payment_method_types: null,
      },
      period_end: inv.periodEnd,
      period_start: inv.periodStart,
      post_payment_credit_notes_amount: 0,
      pre_payment_credit_notes_amount: 0,
      receipt_number: null,
      rendering: null,
      shipping_cost: null,
      shipping_details: null,
      starting_balance: inv.startingBalance,
      statement_descriptor: null,
      status: inv.status,
      status_transitions: {
        finalized_at: inv.finalizedAt,
        marked_uncollectible_at: inv.markedUncollectibleAt,
        paid_at: inv.paidAt,
        voided_at: inv.voidedAt,
      },
      subtotal: inv.subtotal,
      subtotal_excluding_tax: inv.subtotal,
      test_clock: null,
      total: inv.total,
      total_discount_amounts: [],
      total_excluding_tax: inv.total,
      total_pretax_credit_amounts: [],
      total_taxes: [],
      webhooks_delivered_at: inv.finalizedAt,
    };
    if (view.legacy) {
      out.subscription = inv.subscription;
      out.subscription_details = { metadata: inv.subscriptionMetadata };
      out.payment_intent = inv.paymentIntent;
      out.charge = inv.charge;
      out.paid = inv.status === 'paid';
      out.paid_out_of_band = false;
      out.tax = null;
    } else {
      out.parent = inv.subscription
        ? {
            quote_details: null,
            subscription_details: {
              metadata: inv.subscriptionMetadata,
              subscription: inv.subscription,
            },
            type: 'subscription_details',
          }
        : null;
    }
    return out;
  };

  /** Adds a pending line (a proration) that the customer's next invoice will carry. */
  addPendingItem(customer: string, draft: LineDraft): InvoiceItemRecord {
    const item: InvoiceItemRecord = {
      ...draft,
      id: newId(PREFIX.invoiceItem),
      created: this.ctx.now(),
      customer,
      invoice: null,
    };
    this.#items.set(item.id, item);
    this.ctx.events.emit('invoiceitem.created', this.serializeItem, item);
    return item;
  }

  pendingItems(customer: string, subscription: string | null): InvoiceItemRecord[] {
    return [...this.#items.values()].filter(
      (i) =>
        i.invoice === null &&
        i.customer === customer &&
        (subscription === null || i.subscription === subscription),
    );
  }

  /**
   * Creates and finalizes an invoice, applies the customer's credit balance, and either marks
   * it paid (nothing due) or opens a PaymentIntent to collect it.
   */
  create(options: CreateInvoiceOptions): InvoiceRecord {
    const { customer, subscription } = options;
    const now = this.ctx.now();
    const id = newId(PREFIX.invoice);
    const lines: InvoiceLineRecord[] = options.lines.map((d) => ({
      ...d,
      id: newId(PREFIX.invoiceLine),
      invoiceItem: null,
    }));
    if (options.includePending) {
      for (const item of this.pendingItems(customer.id, subscription?.id ?? null)) {
        item.invoice = id;
        lines.push({
          id: newId(PREFIX.invoiceLine),
          amount: item.amount,
          currency: item.currency,
          description: item.description,
          periodStart: item.periodStart,
          periodEnd: item.periodEnd,
          price: item.price,
          quantity: item.quantity,
          proration: item.proration,
          subscription: item.subscription,
          subscriptionItem: item.subscriptionItem,
          invoiceItem: item.id,
        });
      }
    }
    const total = lines.reduce((sum, l) => sum + l.amount, 0);
    const inv: InvoiceRecord = {
      id,
      created: now,
      customer: customer.id,
      customerEmail: customer.email,
      customerName: customer.name,
      subscription: subscription?.id ?? null,
      subscriptionMetadata: subscription ? { ...subscription.metadata } : {},
      status: 'draft',
      billingReason: options.reason,
      currency: options.currency,
      lines,
      subtotal: total,
      total,
      startingBalance: 0,
      endingBalance: null,
      amountDue: Math.max(0, total),
      amountPaid: 0,
      attemptCount: 0,
      attempted: false,
      nextPaymentAttempt: null,
      autoAdvance: true,
      number: null,
      periodStart: options.periodStart,
      periodEnd: options.periodEnd,
      description: null,
      metadata: {},
      finalizedAt: null,
      paidAt: null,
      voidedAt: null,
      markedUncollectibleAt: null,
      paymentIntent: null,
      payments: [],
      charge: null,
    };
    this.#invoices.set(inv.id, inv);
    this.ctx.events.emit('invoice.created', this.serialize, inv);

    // Finalizing applies the customer's balance: credit (negative) reduces what is due, and a
    // negative total becomes credit for later invoices.
    inv.startingBalance = customer.balance;
    const net = total + customer.balance;
    inv.amountDue = Math.max(0, net);
    inv.endingBalance = net < 0 ? net : 0;
    this.ctx.customers.adjustBalance(customer, inv.endingBalance - customer.balance);
    inv.status = 'open';
    inv.number = this.ctx.customers.nextInvoiceNumber(customer);
    inv.finalizedAt = now;
    this.ctx.events.emit('invoice.finalized', this.serialize, inv);

    if (inv.amountDue === 0) {
      this.#markPaid(inv, null);
      return inv;
    }
    const pi = this.ctx.paymentIntents.createIntent({
      amount: inv.amountDue,
      currency: inv.currency,
      customer: customer.id,
      description: PI_DESCRIPTIONS[options.reason],
      invoice: inv.id,
      setupFutureUsage: options.saveCard ? 'off_session' : null,
    });
    inv.paymentIntent = pi.id;
    const payment: InvoicePaymentRecord = {
      id: newId(PREFIX.invoicePayment),
      created: now,
      invoice: inv.id,
      paymentIntent: pi.id,
      currency: inv.currency,
      amountRequested: inv.amountDue,
      amountPaid: null,
      status: 'open',
      paidAt: null,
      canceledAt: null,
    };
    this.#payments.set(payment.id, payment);
    inv.payments.push(payment.id);
    return inv;
  }

  /**
   * Charges an open invoice with a card. The outcome flows back through the PaymentIntent's
   * callbacks, so a payment made here and one made in the browser end the same way.
   */
  attempt(
    inv: InvoiceRecord,
    options: AttemptOptions,
  ): ConfirmResult | { status: 'no_payment_method' } {
    const pi = inv.paymentIntent ? this.ctx.paymentIntents.find(inv.paymentIntent) : undefined;
    if (!pi || inv.status !== 'open') {
      throw invalidRequest(`Invoice ${inv.id} is not open and cannot be paid.`, {
        code: 'invoice_not_editable',
      });
    }
    const pm = options.paymentMethod ?? this.ctx.billing.defaultPaymentMethod(inv);
    if (!pm) {
      this.ctx.billing.invoicePaymentFailed(inv.id, pi);
      return { status: 'no_payment_method' };
    }
    if (pi.status === 'requires_action') {
      pi.status = 'requires_payment_method';
      pi.nextAction = null;
    }
    return this.ctx.paymentIntents.confirm(pi, {
      paymentMethod: pm,
      offSession: options.offSession,
      outcomeOverride: options.outcomeOverride,
    });
  }

  #markPaid(inv: InvoiceRecord, pi: PaymentIntentRecord | null): void {
    inv.status = 'paid';
    inv.amountPaid = inv.amountDue;
    inv.paidAt = this.ctx.now();
    inv.nextPaymentAttempt = null;
    if (pi) {
      inv.attempted = true;
      inv.attemptCount += 1;
      inv.charge = pi.latestCharge;
      for (const id of inv.payments) {
        const payment = this.#payments.get(id);
        if (payment?.paymentIntent !== pi.id) continue;
        payment.status = 'paid';
        payment.amountPaid = pi.amountReceived;
        payment.paidAt = inv.paidAt;
        this.ctx.events.emit('invoice_payment.paid', this.serializePayment, payment);
      }
    }
    this.ctx.events.emit('invoice.paid', this.serialize, inv);
    this.ctx.events.emit('invoice.payment_succeeded', this.serialize, inv);
  }

  /** Records a successful payment; returns false when the invoice was not waiting for one. */
  paymentSucceeded(inv: InvoiceRecord, pi: PaymentIntentRecord): boolean {
    if (inv.status !== 'open') return false;
    this.#markPaid(inv, pi);
    return true;
  }

  /**
   * Records a failed attempt and schedules the next automatic retry, if any remain. Returns
   * true when this was the last attempt the retry schedule allows.
   */
  paymentFailed(inv: InvoiceRecord, retryDays: readonly number[]): boolean {
    inv.attempted = true;
    inv.attemptCount += 1;
    const automatic = inv.billingReason !== 'subscription_create' && inv.autoAdvance;
    const delay = retryDays[inv.attemptCount - 1];
    inv.nextPaymentAttempt =
      automatic && delay !== undefined ? this.ctx.now() + delay * 86400 : null;
    this.ctx.events.emit('invoice.payment_failed', this.serialize, inv);
    return automatic && delay === undefined;
  }

  paymentActionRequired(inv: InvoiceRecord): void {
    inv.attempted = true;
    inv.attemptCount += 1;
    inv.nextPaymentAttempt = null;
    this.ctx.events.emit('invoice.payment_action_required', this.serialize, inv);
  }

  /** Stops automatic collection, as when the subscription behind the invoice ends. */
  stopCollection(inv: InvoiceRecord): void {
    inv.nextPaymentAttempt = null;
    inv.autoAdvance = false;
  }

  void(inv: InvoiceRecord): void {
    if (inv.status !== 'open' && inv.status !== 'uncollectible') {
      throw invalidRequest(
        `You can only void invoices with a status of \`open\` or \`uncollectible\`. This invoice has a status of \`${inv.status}\`.`,
        { code: 'invoice_not_editable' },
      );
    }
    const before = structuredClone(inv);
    inv.status = 'void';
    inv.voidedAt = this.ctx.now();
    inv.nextPaymentAttempt = null;
    inv.autoAdvance = false;
    const pi = inv.paymentIntent ? this.ctx.paymentIntents.find(inv.paymentIntent) : undefined;
    if (pi && pi.status !== 'succeeded' && pi.status !== 'canceled')
      this.ctx.paymentIntents.cancel(pi, 'void_invoice');
    for (const id of inv.payments) {
      const payment = this.#payments.get(id);
      if (payment && payment.status === 'open') {
        payment.status = 'canceled';
        payment.canceledAt = inv.voidedAt;
      }
    }
    this.ctx.events.emit('invoice.voided', this.serialize, inv, before);
  }

  routes(router: Router): void {
    router.get('/v1/invoices/:id', (req) => {
      req.params.allowOnly(['expand']);
      const inv = this.require(req.pathParams.id ?? '');
      return { body: this.ctx.expand(this.serialize(inv, req.view), req) };
    });

    router.get('/v1/invoices/:id/lines', (req) => {
      const p = req.params.allowOnly([...LIST_PARAMS]);
      const inv = this.require(req.pathParams.id ?? '');
      return {
        body: this.ctx.expand(
          paginate(
            [...inv.lines],
            p,
            `/v1/invoices/${inv.id}/lines`,
            (l) => this.serializeLine(l, inv, req.view),
            'line item',
          ),
          req,
        ),
      };
    });

    router.post('/v1/invoices/:id', (req) => {
      const p = req.params.allowOnly(['metadata', 'description', 'auto_advance', 'expand']);
      const inv = this.require(req.pathParams.id ?? '');
      const before = structuredClone(inv);
      const description = p.nullableString('description');
      if (description !== undefined) inv.description = description;
      const autoAdvance = p.bool('auto_advance');
      if (autoAdvance !== undefined) inv.autoAdvance = autoAdvance;
      inv.metadata = applyMetadata(inv.metadata, p.metadata());
      this.ctx.events.emit('invoice.updated', this.serialize, inv, before);
      return { body: this.ctx.expand(this.serialize(inv, req.view), req) };
    });

    router.post('/v1/invoices/:id/pay', (req) => {
      const p = req.params.allowOnly([
        'payment_method',
        'off_session',
        'paid_out_of_band',
        'expand',
      ]);
      const inv = this.require(req.pathParams.id ?? '');
      if (inv.status === 'paid') {
        throw invalidRequest('Invoice is already paid', {
          code: 'invoice_payment_intent_requires_action',
        });
      }
      if (p.bool('paid_out_of_band')) {
        const pi = inv.paymentIntent ? this.ctx.paymentIntents.find(inv.paymentIntent) : undefined;
        if (pi && pi.status !== 'canceled') this.ctx.paymentIntents.cancel(pi, 'void_invoice');
        this.#markPaid(inv, null);
        if (inv.subscription) this.ctx.billing.subscriptions.onInvoicePaid(inv);
        return { body: this.ctx.expand(this.serialize(inv, req.view), req) };
      }
      const pmId = p.string('payment_method');
      let pm: PaymentMethodRecord | undefined;
      if (pmId) {
        pm = this.ctx.paymentMethods.resolve(pmId, 'payment_method');
        if (pm.customer !== null && pm.customer !== inv.customer) {
          throw invalidRequest('The payment method belongs to a different customer.', {
            param: 'payment_method',
          });
        }
      }
      const result = this.attempt(inv, {
        offSession: p.bool('off_session') ?? true,
        paymentMethod: pm,
      });
      if (result.status === 'failed') throw result.error;
      if (result.status === 'no_payment_method') {
        throw invalidRequest(
          'This customer has no attached payment source or default payment method. Please consider adding a default payment method.',
          { code: 'invoice_no_payment_method_types', saved: true },
        );
      }
      if (result.status === 'requires_action') {
        throw actionRequired(inv.paymentIntent ?? '');
      }
      return { body: this.ctx.expand(this.serialize(inv, req.view), req) };
    });

    router.post('/v1/invoices/:id/void', (req) => {
      req.params.allowOnly(['expand']);
      const inv = this.require(req.pathParams.id ?? '');
      this.void(inv);
      return { body: this.ctx.expand(this.serialize(inv, req.view), req) };
    });

    router.get('/v1/invoices', (req) => {
      const p = req.params.allowOnly([
        ...LIST_PARAMS,
        'customer',
        'subscription',
        'status',
        'created',
        'collection_method',
      ]);
      const customer = p.string('customer');
      const subscription = p.string('subscription');
      const status = p.enumOf('status', [
        'draft',
        'open',
        'paid',
        'void',
        'uncollectible',
      ] as const);
      const inRange = createdFilter(p);
      const list = newestFirst(this.#invoices.values()).filter(
        (i) =>
          (!customer || i.customer === customer) &&
          (!subscription || i.subscription === subscription) &&
          (!status || i.status === status) &&
          inRange(i.created),
      );
      return {
        body: this.ctx.expand(
          paginate(list, p, '/v1/invoices', (i) => this.serialize(i, req.view), 'invoice'),
          req,
        ),
      };
    });

    router.get('/v1/invoice_payments/:id', (req) => {
      req.params.allowOnly(['expand']);
      const id = req.pathParams.id ?? '';
      const payment = this.#payments.get(id);
      if (!payment) throw resourceMissing('invoice_payment', id);
      return { body: this.ctx.expand(this.serializePayment(payment, req.view), req) };
    });

    router.get('/v1/invoice_payments', (req) => {
      const p = req.params.allowOnly([...LIST_PARAMS, 'invoice', 'payment', 'status']);
      const invoice = p.string('invoice');
      const intent = p.object('payment')?.string('payment_intent');
      const status = p.string('status');
      const list = newestFirst(this.#payments.values()).filter(
        (x) =>
          (!invoice || x.invoice === invoice) &&
          (!intent || x.paymentIntent === intent) &&
          (!status || x.status === status),
      );
      return {
        body: this.ctx.expand(
          paginate(
            list,
            p,
            '/v1/invoice_payments',
            (x) => this.serializePayment(x, req.view),
            'invoice_payment',
          ),
          req,
        ),
      };
    });

    router.get('/v1/invoiceitems/:id', (req) => {
      req.params.allowOnly(['expand']);
      const id = req.pathParams.id ?? '';
      const item = this.#items.get(id);
      if (!item) throw resourceMissing('invoiceitem', id);
      return { body: this.ctx.expand(this.serializeItem(item, req.view), req) };
    });

    router.get('/v1/invoiceitems', (req) => {
      const p = req.params.allowOnly([...LIST_PARAMS, 'customer', 'invoice', 'pending', 'created']);
      const customer = p.string('customer');
      const invoice = p.string('invoice');
      const pending = p.bool('pending');
      const list = newestFirst(this.#items.values()).filter(
        (x) =>
          (!customer || x.customer === customer) &&
          (!invoice || x.invoice === invoice) &&
          (pending === undefined || (x.invoice === null) === pending),
      );
      return {
        body: this.ctx.expand(
          paginate(
            list,
            p,
            '/v1/invoiceitems',
            (x) => this.serializeItem(x, req.view),
            'invoiceitem',
          ),
          req,
        ),
      };
    });
  }
}

/** Stripe's answer when paying an invoice needs the customer to authenticate first. */
function actionRequired(paymentIntent: string) {
  return invalidRequest(
    `Payment for this invoice requires additional user action before it can be completed successfully. Payment can be completed using the PaymentIntent associated with the invoice (${paymentIntent}).`,
    { code: 'invoice_payment_intent_requires_action', status: 402, saved: true },
  );
}
