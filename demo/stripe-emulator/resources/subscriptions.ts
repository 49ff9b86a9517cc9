import { invalidRequest, missingParam, resourceMissing, StripeApiError } from '../core/errors.js';
import { newId, PREFIX } from '../core/ids.js';
import { canonicalJson, type JsonObject } from '../core/json.js';
import { createdFilter, LIST_PARAMS, newestFirst, paginate } from '../core/list.js';
import { applyMetadata, Params } from '../core/params.js';
import type { ApiRequest, Router } from '../core/router.js';
import type { View } from '../core/version.js';
import type { EmulatorContext } from '../context.js';
import { DECLINES } from './cards.js';
import type { PriceRecord } from './catalog.js';
import type { CustomerRecord } from './customers.js';
import type { InvoiceRecord, LineDraft } from './invoices.js';
import { formatAmount } from './money.js';
import type { PaymentIntentRecord } from './payment-intents.js';
import { declineError, type PaymentMethodRecord } from './payment-methods.js';
import { addIntervals, formatDate, nextBoundary, SECONDS_PER_DAY } from './periods.js';

export type SubscriptionStatus =
  | 'incomplete'
  | 'incomplete_expired'
  | 'trialing'
  | 'active'
  | 'past_due'
  | 'canceled'
  | 'unpaid'
  | 'paused';

export interface SubscriptionItemRecord {
  id: string;
  created: number;
  price: string;
  quantity: number;
  metadata: Record<string, string>;
}

export interface SubscriptionRecord {
  id: string;
  created: number;
  customer: string;
  status: SubscriptionStatus;
  items: SubscriptionItemRecord[];
  currency: string;
  currentPeriodStart: number;
  currentPeriodEnd: number;
  billingCycleAnchor: number;
  startDate: number;
  cancelAtPeriodEnd: boolean;
  cancelAt: number | null;
  canceledAt: number | null;
  endedAt: number | null;
  cancellationDetails: { comment: string | null; feedback: string | null; reason: string | null };
  trialStart: number | null;
  trialEnd: number | null;
  trialEndBehavior: 'create_invoice' | 'pause' | 'cancel';
  latestInvoice: string | null;
  defaultPaymentMethod: string | null;
  metadata: Record<string, string>;
  description: string | null;
  saveDefaultPaymentMethod: 'off' | 'on_subscription';
  pendingSetupIntent: string | null;
  trialWillEndSent: boolean;
}

type PaymentBehavior =
  'allow_incomplete' | 'default_incomplete' | 'error_if_incomplete' | 'pending_if_incomplete';
type ProrationBehavior = 'create_prorations' | 'always_invoice' | 'none';

const PAYMENT_BEHAVIORS: readonly PaymentBehavior[] = [
  'allow_incomplete',
  'default_incomplete',
  'error_if_incomplete',
  'pending_if_incomplete',
];
const PRORATION_BEHAVIORS: readonly ProrationBehavior[] = [
  'create_prorations',
  'always_invoice',
  'none',
];
const ENDED: readonly SubscriptionStatus[] = ['canceled', 'incomplete_expired'];
const FEEDBACK = [
  'customer_service',
  'low_quality',
  'missing_features',
  'other',
  'switched_service',
  'too_complex',
  'too_expensive',
  'unused',
] as const;

/** The outcome of applying `items[…]` to a subscription, computed before anything changes. */
export interface ItemChange {
  items: SubscriptionItemRecord[];
  changed: boolean;
  intervalChanged: boolean;
  /** Credits for unused time and charges for remaining time, over [at, period end]. */
  prorations: LineDraft[];
}

export class SubscriptionsService {
  readonly #subscriptions = new Map<string, SubscriptionRecord>();
  /** Subscriptions still being created: their first invoice settles without an update event. */
  readonly #creating = new Set<string>();

  constructor(private readonly ctx: EmulatorContext) {
    ctx.registry.register({
      object: 'subscription',
      prefix: PREFIX.subscription,
      load: (id, view) => {
        const sub = this.#subscriptions.get(id);
        return sub ? this.serialize(sub, view) : undefined;
      },
      refs: () => [
        'customer',
        'default_payment_method',
        'default_source',
        'latest_invoice',
        'pending_setup_intent',
        'schedule',
        'test_clock',
        'application',
        'on_behalf_of',
      ],
      embedded: ['items'],
    });
  }

  find(id: string): SubscriptionRecord | undefined {
    return this.#subscriptions.get(id);
  }

  require(id: string, param = 'id'): SubscriptionRecord {
    const sub = this.#subscriptions.get(id);
    if (!sub) throw resourceMissing('subscription', id, param);
    return sub;
  }

  all(): SubscriptionRecord[] {
    return [...this.#subscriptions.values()];
  }

  clear(): void {
    this.#subscriptions.clear();
    this.#creating.clear();
  }

  #price(item: SubscriptionItemRecord): PriceRecord {
    const price = this.ctx.catalog.findPrice(item.price);
    if (!price) throw new Error(`price ${item.price} vanished`);
    return price;
  }

  #serializeItem(item: SubscriptionItemRecord, sub: SubscriptionRecord, view: View): JsonObject {
    const price = this.#price(item);
    const out: JsonObject = {
      id: item.id,
      object: 'subscription_item',
      billing_thresholds: null,
      created: item.created,
      discounts: [],
      metadata: item.metadata,
      plan: this.ctx.catalog.serializePlan(price),
      price: this.ctx.catalog.serializePrice(price, view),
      quantity: item.quantity,
      subscription: sub.id,
      tax_rates: [],
    };
    if (!view.legacy) {
      out.current_period_start = sub.currentPeriodStart;
      out.current_period_end = sub.currentPeriodEnd;
    }
    return out;
  }

  serialize = (sub: SubscriptionRecord, view: View): JsonObject => {
    const out: JsonObject = {
      id: sub.id,
      object: 'subscription',
      application: null,
      application_fee_percent: null,
      automatic_tax: { disabled_reason: null, enabled: false, liability: null },
      billing_cycle_anchor: sub.billingCycleAnchor,
      billing_cycle_anchor_config: null,
      billing_mode: { flexible: null, type: 'classic' },
      billing_thresholds: null,
      cancel_at: sub.cancelAt,
      cancel_at_period_end: sub.cancelAtPeriodEnd,
      canceled_at: sub.canceledAt,
      cancellation_details: sub.cancellationDetails,
      collection_method: 'charge_automatically',
      created: sub.created,
      currency: sub.currency,
      customer: sub.customer,
      customer_account: null,
      days_until_due: null,
      default_payment_method: sub.defaultPaymentMethod,
      default_source: null,
      default_tax_rates: [],
      description: sub.description,
      discounts: [],
      ended_at: sub.endedAt,
      invoice_settings: { account_tax_ids: null, issuer: { type: 'self' } },
      items: {
        object: 'list',
        data: sub.items.map((i) => this.#serializeItem(i, sub, view)),
        has_more: false,
        total_count: sub.items.length,
        url: `/v1/subscription_items?subscription=${sub.id}`,
      },
      latest_invoice: sub.latestInvoice,
      livemode: false,
      managed_payments: null,
      metadata: sub.metadata,
      next_pending_invoice_item_invoice: null,
      on_behalf_of: null,
      pause_collection: null,
      payment_settings: {
        payment_method_options: null,
        payment_method_types: null,
        save_default_payment_method: sub.saveDefaultPaymentMethod,
      },
      pending_invoice_item_interval: null,
      pending_setup_intent: sub.pendingSetupIntent,
      pending_update: null,
      schedule: null,
      start_date: sub.startDate,
      status: sub.status,
      test_clock: null,
      transfer_data: null,
      trial_end: sub.trialEnd,
      trial_settings: { end_behavior: { missing_payment_method: sub.trialEndBehavior } },
      trial_start: sub.trialStart,
    };
    if (view.legacy) {
      out.current_period_start = sub.currentPeriodStart;
      out.current_period_end = sub.currentPeriodEnd;
      const first = sub.items[0];
      out.plan =
        sub.items.length === 1 && first ? this.ctx.catalog.serializePlan(this.#price(first)) : null;
      out.quantity = sub.items.length === 1 && first ? first.quantity : null;
    }
    return out;
  };

  /** The card renewals charge: the subscription's own default, else the customer's. */
  defaultPaymentMethod(sub: SubscriptionRecord): PaymentMethodRecord | undefined {
    const ids = [
      sub.defaultPaymentMethod,
      this.ctx.customers.find(sub.customer)?.defaultPaymentMethod,
    ];
    for (const id of ids) {
      const pm = id ? this.ctx.paymentMethods.find(id) : undefined;
      if (pm && pm.customer === sub.customer) return pm;
    }
    return undefined;
  }

  #cycleLine(
    sub: SubscriptionRecord,
    item: SubscriptionItemRecord,
    start: number,
    end: number,
  ): LineDraft {
    const price = this.#price(item);
    const recurring = price.recurring ?? { interval: 'month', intervalCount: 1 };
    const every =
      recurring.intervalCount === 1
        ? recurring.interval
        : `every ${recurring.intervalCount} ${recurring.interval}s`;
    return {
      amount: price.unitAmount * item.quantity,
      currency: price.currency,
      description: `${item.quantity} × ${this.ctx.catalog.productName(price)} (at ${formatAmount(price.unitAmount, price.currency)} / ${every})`,
      periodStart: start,
      periodEnd: end,
      price: price.id,
      quantity: item.quantity,
      proration: false,
      subscription: sub.id,
      subscriptionItem: item.id,
    };
  }

  #emitUpdated(sub: SubscriptionRecord, before: SubscriptionRecord): void {
    if (this.#creating.has(sub.id)) return;
    const view: View = { apiVersion: '', legacy: false, publishable: false };
    if (canonicalJson(this.serialize(before, view)) === canonicalJson(this.serialize(sub, view)))
      return;
    this.ctx.events.emit('customer.subscription.updated', this.serialize, sub, before);
  }

  /** Reads `items[n]` for create and update, validating prices the way Stripe does. */
  #readItem(
    p: Params,
    index: number,
  ): { price: PriceRecord; quantity: number | undefined; metadata: Record<string, string> } {
    p.allowOnly([
      'id',
      'price',
      'price_data',
      'quantity',
      'metadata',
      'deleted',
      'clear_usage',
      'tax_rates',
      'discounts',
    ]);
    const param = `items[${index}][price]`;
    let price: PriceRecord;
    const priceId = p.string('price');
    const data = p.object('price_data');
    if (priceId && data) {
      throw invalidRequest('You may only specify one of these parameters: price, price_data.', {
        param,
      });
    }
    if (data) {
      data.allowOnly([
        'currency',
        'product',
        'recurring',
        'unit_amount',
        'unit_amount_decimal',
        'tax_behavior',
      ]);
      const productId = data.requiredString('product');
      const product = this.ctx.catalog.findProduct(productId);
      if (!product || product.deleted)
        throw resourceMissing('product', productId, data.name('product'));
      if (!data.has('recurring')) throw missingParam(data.name('recurring'));
      price = this.ctx.catalog.createPrice(productId, this.ctx.catalog.readPriceData(data), {
        active: false,
      });
    } else {
      if (!priceId) throw missingParam(param);
      price = this.ctx.catalog.requirePrice(priceId, param);
      if (!price.active) {
        throw invalidRequest(
          `The price specified is inactive. This field only accepts active prices.`,
          { param },
        );
      }
    }
    if (!price.recurring) {
      throw invalidRequest(
        'The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.',
        { param },
      );
    }
    return {
      price,
      quantity: p.int('quantity', { min: 0 }),
      metadata: applyMetadata({}, p.metadata()),
    };
  }

  #checkCompatible(items: SubscriptionItemRecord[]): { currency: string; price: PriceRecord } {
    const prices = items.map((i) => this.#price(i));
    const [first] = prices;
    if (!first) throw missingParam('items');
    for (const price of prices) {
      if (price.currency !== first.currency) {
        throw invalidRequest('All prices on a subscription must have the same `currency`.', {
          param: 'items',
        });
      }
      if (
        price.recurring?.interval !== first.recurring?.interval ||
        price.recurring?.intervalCount !== first.recurring?.intervalCount
      ) {
        throw invalidRequest(
          'All prices on a subscription must have the same `recurring.interval` and `recurring.interval_count`.',
          { param: 'items' },
        );
      }
    }
    return { currency: first.currency, price: first };
  }

  /**
   * Works out what `items[…]` would do to `sub` at time `at`, without changing anything, so
   * updates can refuse up front and previews can show the same numbers.
   */
  planItemChange(
    sub: SubscriptionRecord,
    itemParams: Params[] | undefined,
    at: number,
  ): ItemChange {
    const current = sub.items.map((i) => ({ ...i }));
    if (!itemParams)
      return { items: current, changed: false, intervalChanged: false, prorations: [] };
    const next = current.map((i) => ({ ...i }));
    itemParams.forEach((p, index) => {
      const id = p.string('id');
      if (id) {
        const existing = next.find((i) => i.id === id);
        if (!existing) {
          throw invalidRequest(
            `Subscription item ${id} does not belong to subscription ${sub.id}.`,
            {
              param: `items[${index}][id]`,
            },
          );
        }
        if (p.bool('deleted')) {
          next.splice(next.indexOf(existing), 1);
          return;
        }
        if (p.has('price') || p.has('price_data')) {
          const read = this.#readItem(p, index);
          existing.price = read.price.id;
          if (read.quantity !== undefined) existing.quantity = read.quantity;
        } else {
          p.allowOnly([
            'id',
            'quantity',
            'metadata',
            'deleted',
            'clear_usage',
            'tax_rates',
            'discounts',
          ]);
          const quantity = p.int('quantity', { min: 0 });
          if (quantity !== undefined) existing.quantity = quantity;
        }
        existing.metadata = applyMetadata(existing.metadata, p.metadata());
        return;
      }
      const read = this.#readItem(p, index);
      next.push({
        id: newId(PREFIX.subscriptionItem, 14),
        created: at,
        price: read.price.id,
        quantity: read.quantity ?? 1,
        metadata: read.metadata,
      });
    });
    if (next.length === 0) {
      throw invalidRequest(
        'A subscription must have at least one active plan. To cancel a subscription, send a DELETE request instead.',
        {
          param: 'items',
        },
      );
    }
    this.#checkCompatible(next);
    const oldPrice = current[0] ? this.#price(current[0]) : undefined;
    const newPrice = next[0] ? this.#price(next[0]) : undefined;
    const intervalChanged =
      oldPrice?.recurring?.interval !== newPrice?.recurring?.interval ||
      oldPrice?.recurring?.intervalCount !== newPrice?.recurring?.intervalCount;

    const prorations: LineDraft[] = [];
    const length = sub.currentPeriodEnd - sub.currentPeriodStart;
    const remaining = Math.max(0, sub.currentPeriodEnd - at);
    const fraction = length > 0 ? remaining / length : 0;
    const when = formatDate(at);
    const label = (item: SubscriptionItemRecord, price: PriceRecord): string =>
      `${item.quantity > 1 ? `${item.quantity} × ` : ''}${this.ctx.catalog.productName(price)}`;
    const ids = new Set([...current.map((i) => i.id), ...next.map((i) => i.id)]);
    for (const id of ids) {
      const before = current.find((i) => i.id === id);
      const after = next.find((i) => i.id === id);
      if (before && after && before.price === after.price && before.quantity === after.quantity)
        continue;
      if (before) {
        const price = this.#price(before);
        prorations.push({
          amount: -Math.round(price.unitAmount * before.quantity * fraction),
          currency: price.currency,
          description: `Unused time on ${label(before, price)} after ${when}`,
          periodStart: at,
          periodEnd: sub.currentPeriodEnd,
          price: price.id,
          quantity: before.quantity,
          proration: true,
          subscription: sub.id,
          subscriptionItem: before.id,
        });
      }
      if (after && !intervalChanged) {
        const price = this.#price(after);
        prorations.push({
          amount: Math.round(price.unitAmount * after.quantity * fraction),
          currency: price.currency,
          description: `Remaining time on ${label(after, price)} after ${when}`,
          periodStart: at,
          periodEnd: sub.currentPeriodEnd,
          price: price.id,
          quantity: after.quantity,
          proration: true,
          subscription: sub.id,
          subscriptionItem: after.id,
        });
      }
    }
    const changed =
      canonicalJson(current.map((i) => [i.id, i.price, i.quantity])) !==
      canonicalJson(next.map((i) => [i.id, i.price, i.quantity]));
    return { items: next, changed, intervalChanged: changed && intervalChanged, prorations };
  }

  #period(sub: SubscriptionRecord): { interval: NonNullable<PriceRecord['recurring']> } {
    const first = sub.items[0];
    const recurring = first ? this.#price(first).recurring : null;
    return { interval: recurring ?? { interval: 'month', intervalCount: 1 } };
  }

  #nextPeriodEnd(sub: SubscriptionRecord, after: number): number {
    const { interval } = this.#period(sub);
    return nextBoundary(sub.billingCycleAnchor, interval.interval, interval.intervalCount, after);
  }

  /**
   * Refuses, before anything changes, a payment that `error_if_incomplete` says must succeed.
   * Test cards are deterministic, so the card's answer is known in advance.
   */
  #requirePayable(
    customer: CustomerRecord,
    pm: PaymentMethodRecord | undefined,
    amount: number,
    offSession: boolean,
  ): void {
    if (amount <= customer.balance * -1) return;
    if (!pm) {
      throw invalidRequest(
        'This customer has no attached payment source or default payment method. Please consider adding a default payment method. For more information, visit https://stripe.com/docs/billing/subscriptions/payment-methods-setting#payment-method-priority.',
        { code: 'resource_missing', saved: true },
      );
    }
    const card = this.ctx.paymentMethods.cardOf(pm);
    const outcome = offSession ? card.offSession : card.onSession;
    if (outcome.kind === 'decline') throw withSaved(declineError(outcome));
    if (outcome.kind === 'authenticate')
      throw withSaved(declineError(DECLINES.authenticationRequired));
  }

  #invoiceNow(
    sub: SubscriptionRecord,
    customer: CustomerRecord,
    reason: 'subscription_create' | 'subscription_cycle' | 'subscription_update',
    lines: LineDraft[],
    includePending: boolean,
  ): InvoiceRecord {
    const inv = this.ctx.billing.invoices.create({
      customer,
      subscription: sub,
      reason,
      lines,
      currency: sub.currency,
      periodStart:
        reason === 'subscription_cycle'
          ? (lines[0]?.periodStart ?? sub.currentPeriodStart)
          : this.ctx.now(),
      periodEnd:
        reason === 'subscription_cycle'
          ? (lines[0]?.periodStart ?? sub.currentPeriodStart)
          : this.ctx.now(),
      includePending,
      saveCard: sub.saveDefaultPaymentMethod === 'on_subscription',
    });
    sub.latestInvoice = inv.id;
    return inv;
  }

  /** Collects an invoice the subscription just produced, if there is a card to charge. */
  #collect(sub: SubscriptionRecord, inv: InvoiceRecord, offSession: boolean): void {
    if (inv.status !== 'open') return;
    const pm = this.defaultPaymentMethod(sub);
    if (!pm && inv.billingReason === 'subscription_create') return;
    this.ctx.billing.invoices.attempt(inv, {
      offSession,
      paymentMethod: pm,
      outcomeOverride: this.ctx.billing.paymentOverride,
    });
  }

  cancelNow(
    sub: SubscriptionRecord,
    reason: 'cancellation_requested' | 'payment_failed',
    details: { comment?: string | null; feedback?: string | null } = {},
  ): void {
    if (ENDED.includes(sub.status)) return;
    const before = structuredClone(sub);
    const now = this.ctx.now();
    sub.status = 'canceled';
    sub.endedAt = now;
    sub.canceledAt = sub.canceledAt ?? now;
    sub.cancelAt = sub.cancelAt !== null && sub.cancelAt <= now ? sub.cancelAt : null;
    sub.cancellationDetails = {
      comment: details.comment ?? sub.cancellationDetails.comment,
      feedback: details.feedback ?? sub.cancellationDetails.feedback,
      reason,
    };
    for (const inv of this.ctx.billing.invoices.all()) {
      if (inv.subscription === sub.id && inv.status === 'open')
        this.ctx.billing.invoices.stopCollection(inv);
    }
    if (this.#creating.has(sub.id)) return;
    this.ctx.events.emit('customer.subscription.deleted', this.serialize, sub, before);
  }

  // ── Reactions to invoice payments ───────────────────────────────────────────────────────

  onInvoicePaid(inv: InvoiceRecord, pi?: PaymentIntentRecord): void {
    const sub = inv.subscription ? this.#subscriptions.get(inv.subscription) : undefined;
    if (!sub || ENDED.includes(sub.status)) return;
    const before = structuredClone(sub);
    if (
      sub.saveDefaultPaymentMethod === 'on_subscription' &&
      pi?.paymentMethod &&
      sub.defaultPaymentMethod === null
    ) {
      const pm = this.ctx.paymentMethods.find(pi.paymentMethod);
      if (pm && pm.customer === sub.customer) sub.defaultPaymentMethod = pm.id;
    }
    if (sub.status === 'incomplete' || sub.status === 'past_due' || sub.status === 'unpaid') {
      const stillOwed = this.ctx.billing.invoices
        .all()
        .some(
          (i) => i.subscription === sub.id && i.status === 'open' && i.attempted && i.id !== inv.id,
        );
      if (!stillOwed) sub.status = 'active';
    }
    this.#emitUpdated(sub, before);
  }

  onInvoiceFailed(inv: InvoiceRecord, final: boolean): void {
    const sub = inv.subscription ? this.#subscriptions.get(inv.subscription) : undefined;
    if (!sub || ENDED.includes(sub.status) || inv.billingReason === 'subscription_create') return;
    const before = structuredClone(sub);
    if (sub.status === 'active' || sub.status === 'trialing') sub.status = 'past_due';
    if (final) {
      const policy = this.ctx.billing.afterFinalFailure;
      if (policy === 'cancel') {
        this.#emitUpdated(sub, before);
        this.cancelNow(sub, 'payment_failed');
        return;
      }
      if (policy === 'unpaid') sub.status = 'unpaid';
    }
    this.#emitUpdated(sub, before);
  }

  onSetupSucceeded(subId: string, pm: PaymentMethodRecord): void {
    const sub = this.#subscriptions.get(subId);
    if (!sub) return;
    const before = structuredClone(sub);
    if (sub.defaultPaymentMethod === null && pm.customer === sub.customer)
      sub.defaultPaymentMethod = pm.id;
    sub.pendingSetupIntent = null;
    this.#emitUpdated(sub, before);
  }

  // ── Time-driven changes, run by the billing clock ───────────────────────────────────────

  /** Three days before a trial ends, Stripe warns with `customer.subscription.trial_will_end`. */
  warnTrialEnding(sub: SubscriptionRecord): void {
    sub.trialWillEndSent = true;
    this.ctx.events.emit('customer.subscription.trial_will_end', this.serialize, sub);
  }

  /** An `incomplete` subscription whose first invoice went unpaid for 23 hours expires. */
  expireIncomplete(sub: SubscriptionRecord): void {
    const before = structuredClone(sub);
    const inv = sub.latestInvoice ? this.ctx.billing.invoices.find(sub.latestInvoice) : undefined;
    if (inv && inv.status === 'open') this.ctx.billing.invoices.void(inv);
    sub.status = 'incomplete_expired';
    sub.endedAt = this.ctx.now();
    this.ctx.events.emit('customer.subscription.deleted', this.serialize, sub, before);
  }

  /** Ends the current period: cancels if asked to, otherwise starts the next and bills it. */
  renew(sub: SubscriptionRecord): void {
    const at = sub.currentPeriodEnd;
    if (sub.cancelAtPeriodEnd || (sub.cancelAt !== null && sub.cancelAt <= at)) {
      this.cancelNow(sub, 'cancellation_requested');
      return;
    }
    const customer = this.ctx.customers.find(sub.customer);
    if (!customer) return;
    const before = structuredClone(sub);
    const endingTrial = sub.status === 'trialing';
    const pm = this.defaultPaymentMethod(sub);
    if (endingTrial) {
      sub.billingCycleAnchor = at;
      if (!pm && sub.trialEndBehavior === 'pause') {
        sub.status = 'paused';
        this.#emitUpdated(sub, before);
        this.ctx.events.emit('customer.subscription.paused', this.serialize, sub);
        return;
      }
      if (!pm && sub.trialEndBehavior === 'cancel') {
        this.cancelNow(sub, 'cancellation_requested');
        return;
      }
      sub.status = 'active';
    }
    sub.currentPeriodStart = at;
    sub.currentPeriodEnd = this.#nextPeriodEnd(sub, at);
    const lines = sub.items.map((item) =>
      this.#cycleLine(sub, item, sub.currentPeriodStart, sub.currentPeriodEnd),
    );
    const inv = this.#invoiceNow(sub, customer, 'subscription_cycle', lines, true);
    this.#emitUpdated(sub, before);
    if (sub.status === 'unpaid') {
      this.ctx.billing.invoices.stopCollection(inv);
      return;
    }
    this.#collect(sub, inv, true);
  }

  // ── API ─────────────────────────────────────────────────────────────────────────────────

  #render(req: ApiRequest, sub: SubscriptionRecord): { body: JsonObject } {
    return { body: this.ctx.expand(this.serialize(sub, req.view), req) };
  }

  #readDefaultPaymentMethod(p: Params, customer: CustomerRecord): string | null | undefined {
    const id = p.nullableString('default_payment_method');
    if (!id) return id;
    const pm = this.ctx.paymentMethods.find(id);
    if (!pm || pm.customer !== customer.id) {
      throw invalidRequest(
        `The customer does not have a payment method with the ID ${id}. The payment method must be attached to the customer.`,
        { param: 'default_payment_method' },
      );
    }
    return pm.id;
  }

  #readSettings(p: Params, sub: SubscriptionRecord): void {
    const settings = p.object('payment_settings');
    if (settings) {
      settings.allowOnly([
        'save_default_payment_method',
        'payment_method_types',
        'payment_method_options',
      ]);
      const save = settings.enumOf('save_default_payment_method', [
        'off',
        'on_subscription',
      ] as const);
      if (save) sub.saveDefaultPaymentMethod = save;
    }
    const trial = p.object('trial_settings');
    if (trial) {
      trial.allowOnly(['end_behavior']);
      const end = trial.object('end_behavior');
      end?.allowOnly(['missing_payment_method']);
      const behavior = end?.enumOf('missing_payment_method', [
        'create_invoice',
        'pause',
        'cancel',
      ] as const);
      if (behavior) sub.trialEndBehavior = behavior;
    }
    const details = p.object('cancellation_details');
    if (details) {
      details.allowOnly(['comment', 'feedback']);
      const comment = details.nullableString('comment');
      if (comment !== undefined) sub.cancellationDetails = { ...sub.cancellationDetails, comment };
      if (details.isEmpty('feedback'))
        sub.cancellationDetails = { ...sub.cancellationDetails, feedback: null };
      const feedback = details.enumOf('feedback', FEEDBACK);
      if (feedback) sub.cancellationDetails = { ...sub.cancellationDetails, feedback };
    }
  }

  #readCancellation(p: Params, sub: SubscriptionRecord): void {
    const now = this.ctx.now();
    const atPeriodEnd = p.bool('cancel_at_period_end');
    if (p.isEmpty('cancel_at')) {
      sub.cancelAt = null;
      if (!sub.cancelAtPeriodEnd) sub.canceledAt = null;
    }
    const cancelAt = p.int('cancel_at', { min: 0 });
    if (cancelAt !== undefined) {
      if (cancelAt <= now) {
        throw invalidRequest('cancel_at must be in the future.', { param: 'cancel_at' });
      }
      sub.cancelAt = cancelAt;
      sub.cancelAtPeriodEnd = false;
      sub.canceledAt = now;
      sub.cancellationDetails = { ...sub.cancellationDetails, reason: 'cancellation_requested' };
    }
    if (atPeriodEnd === true) {
      sub.cancelAtPeriodEnd = true;
      sub.cancelAt = sub.currentPeriodEnd;
      sub.canceledAt = now;
      sub.cancellationDetails = { ...sub.cancellationDetails, reason: 'cancellation_requested' };
    } else if (atPeriodEnd === false) {
      sub.cancelAtPeriodEnd = false;
      sub.cancelAt = null;
      sub.canceledAt = null;
      sub.cancellationDetails = { comment: null, feedback: null, reason: null };
    }
  }

  #create(req: ApiRequest): SubscriptionRecord {
    const p = req.params.allowOnly([
      'customer',
      'items',
      'trial_period_days',
      'trial_end',
      'trial_from_plan',
      'trial_settings',
      'payment_behavior',
      'default_payment_method',
      'payment_settings',
      'metadata',
      'description',
      'cancel_at_period_end',
      'cancel_at',
      'collection_method',
      'currency',
      'off_session',
      'proration_behavior',
      'automatic_tax',
      'expand',
    ]);
    const customer = this.ctx.customers.require(p.requiredString('customer'));
    const itemParams = p.objectList('items');
    if (!itemParams || itemParams.length === 0) throw missingParam('items');
    const behavior = p.enumOf('payment_behavior', PAYMENT_BEHAVIORS) ?? 'allow_incomplete';
    if (behavior === 'pending_if_incomplete') {
      throw invalidRequest(
        'You can only pass `payment_behavior=pending_if_incomplete` when updating a subscription.',
        { param: 'payment_behavior' },
      );
    }
    if ((p.string('collection_method') ?? 'charge_automatically') !== 'charge_automatically') {
      throw invalidRequest(
        'The Stripe emulator only supports collection_method=charge_automatically.',
        {
          param: 'collection_method',
        },
      );
    }
    if (p.object('automatic_tax')?.bool('enabled')) {
      throw invalidRequest('The Stripe emulator does not calculate tax.', {
        param: 'automatic_tax[enabled]',
      });
    }
    const now = this.ctx.now();
    const trialDays = p.int('trial_period_days', { min: 0, max: 730 });
    const trialEndParam = p.timestampOrNow('trial_end');
    if (trialDays !== undefined && trialEndParam !== undefined) {
      throw invalidRequest(
        'You may only specify one of these parameters: trial_end, trial_period_days.',
        {
          param: 'trial_end',
        },
      );
    }
    let trialEnd: number | null = null;
    if (trialDays) trialEnd = now + trialDays * SECONDS_PER_DAY;
    if (typeof trialEndParam === 'number') {
      if (trialEndParam <= now) {
        throw invalidRequest(
          'Invalid timestamp: must be an integer Unix timestamp in the future.',
          {
            param: 'trial_end',
          },
        );
      }
      trialEnd = trialEndParam;
    }
    const items: SubscriptionItemRecord[] = itemParams.map((ip, i) => {
      const read = this.#readItem(ip, i);
      if (ip.has('id') || ip.has('deleted')) {
        throw invalidRequest('Items can only be referenced by id when updating a subscription.', {
          param: `items[${i}][id]`,
        });
      }
      return {
        id: newId(PREFIX.subscriptionItem, 14),
        created: now,
        price: read.price.id,
        quantity: read.quantity ?? 1,
        metadata: read.metadata,
      };
    });
    const { currency, price } = this.#checkCompatible(items);
    const recurring = price.recurring ?? { interval: 'month' as const, intervalCount: 1 };

    const sub: SubscriptionRecord = {
      id: newId(PREFIX.subscription),
      created: now,
      customer: customer.id,
      status: trialEnd ? 'trialing' : 'incomplete',
      items,
      currency,
      currentPeriodStart: now,
      currentPeriodEnd: trialEnd ?? addIntervals(now, recurring.interval, recurring.intervalCount),
      billingCycleAnchor: trialEnd ?? now,
      startDate: now,
      cancelAtPeriodEnd: false,
      cancelAt: null,
      canceledAt: null,
      endedAt: null,
      cancellationDetails: { comment: null, feedback: null, reason: null },
      trialStart: trialEnd ? now : null,
      trialEnd,
      trialEndBehavior: 'create_invoice',
      latestInvoice: null,
      defaultPaymentMethod: null,
      metadata: applyMetadata({}, p.metadata()),
      description: p.string('description', { maxLength: 500 }) ?? null,
      saveDefaultPaymentMethod: 'off',
      pendingSetupIntent: null,
      trialWillEndSent: false,
    };
    sub.defaultPaymentMethod = this.#readDefaultPaymentMethod(p, customer) ?? null;
    this.#readSettings(p, sub);
    this.#readCancellation(p, sub);

    const lines = trialEnd
      ? items.map((item) => ({
          ...this.#cycleLine(sub, item, now, trialEnd),
          amount: 0,
          description: `Trial period for ${this.ctx.catalog.productName(this.#price(item))}`,
        }))
      : items.map((item) => this.#cycleLine(sub, item, now, sub.currentPeriodEnd));
    const total = lines.reduce((s, l) => s + l.amount, 0);
    const offSession = p.bool('off_session') ?? false;
    if (behavior === 'error_if_incomplete' && total > 0) {
      this.#requirePayable(customer, this.defaultPaymentMethod(sub), total, offSession);
    }

    this.#subscriptions.set(sub.id, sub);
    this.#creating.add(sub.id);
    try {
      const inv = this.#invoiceNow(sub, customer, 'subscription_create', lines, false);
      if (inv.status === 'paid' && sub.status === 'incomplete') sub.status = 'active';
      if (behavior !== 'default_incomplete') this.#collect(sub, inv, offSession);
      if (trialEnd && !this.defaultPaymentMethod(sub) && behavior === 'default_incomplete') {
        sub.pendingSetupIntent = this.ctx.setupIntents.create({
          customer: customer.id,
          usage: 'off_session',
          subscription: sub.id,
        }).id;
      }
    } finally {
      this.#creating.delete(sub.id);
    }
    this.ctx.events.emit('customer.subscription.created', this.serialize, sub);
    return sub;
  }

  #update(req: ApiRequest): SubscriptionRecord {
    const p = req.params.allowOnly([
      'items',
      'proration_behavior',
      'proration_date',
      'payment_behavior',
      'cancel_at_period_end',
      'cancel_at',
      'cancellation_details',
      'default_payment_method',
      'metadata',
      'description',
      'trial_end',
      'trial_settings',
      'payment_settings',
      'billing_cycle_anchor',
      'off_session',
      'pause_collection',
      'automatic_tax',
      'expand',
    ]);
    const sub = this.require(req.pathParams.id ?? '');
    const customer = this.ctx.customers.find(sub.customer);
    if (!customer) throw resourceMissing('customer', sub.customer, 'customer');
    if (ENDED.includes(sub.status)) {
      const allowed = ['metadata', 'cancellation_details', 'expand'];
      const other = p.keys().find((k) => !allowed.includes(k));
      if (other) {
        throw invalidRequest(
          'A canceled subscription can only update its cancellation_details and metadata.',
          { param: other },
        );
      }
    }
    if (p.object('pause_collection')) {
      throw invalidRequest('The Stripe emulator does not support pause_collection.', {
        param: 'pause_collection',
      });
    }
    const behavior = p.enumOf('payment_behavior', PAYMENT_BEHAVIORS) ?? 'allow_incomplete';
    if (behavior === 'pending_if_incomplete') {
      throw invalidRequest(
        'The Stripe emulator does not support pending updates (payment_behavior=pending_if_incomplete).',
        {
          param: 'payment_behavior',
        },
      );
    }
    const proration = p.enumOf('proration_behavior', PRORATION_BEHAVIORS) ?? 'create_prorations';
    const now = this.ctx.now();
    const at = p.int('proration_date', { min: 0 }) ?? now;
    if (at < sub.currentPeriodStart || at > sub.currentPeriodEnd) {
      throw invalidRequest('proration_date must be within the current billing period.', {
        param: 'proration_date',
      });
    }
    const anchorParam = p.enumOf('billing_cycle_anchor', ['now', 'unchanged'] as const);
    const trialEndParam = p.timestampOrNow('trial_end');
    const change = this.planItemChange(sub, p.objectList('items'), at);
    const billable = sub.status === 'active' || sub.status === 'past_due';
    const resetCycle = billable && (change.intervalChanged || anchorParam === 'now');
    const endTrialNow = sub.status === 'trialing' && trialEndParam === 'now';
    const offSession = p.bool('off_session') ?? false;

    // Decide every line before changing anything, so a refused payment leaves no trace.
    let invoiceLines: LineDraft[] | null = null;
    let pendingLines: LineDraft[] = [];
    let newPeriodEnd = sub.currentPeriodEnd;
    const draft: SubscriptionRecord = { ...sub, items: change.items };
    if (resetCycle) {
      const first = change.items[0];
      const recurring = first ? this.#price(first).recurring : null;
      newPeriodEnd = addIntervals(
        now,
        recurring?.interval ?? 'month',
        recurring?.intervalCount ?? 1,
      );
      const credits = proration === 'none' ? [] : change.prorations.filter((l) => l.amount < 0);
      invoiceLines = [
        ...credits,
        ...change.items.map((item) => this.#cycleLine(draft, item, now, newPeriodEnd)),
      ];
    } else if (billable && change.changed && proration !== 'none') {
      if (proration === 'always_invoice') invoiceLines = change.prorations;
      else pendingLines = change.prorations;
    } else if (endTrialNow) {
      const first = change.items[0];
      const recurring = first ? this.#price(first).recurring : null;
      newPeriodEnd = addIntervals(
        now,
        recurring?.interval ?? 'month',
        recurring?.intervalCount ?? 1,
      );
      invoiceLines = change.items.map((item) => this.#cycleLine(draft, item, now, newPeriodEnd));
    }
    const newDefault = this.#readDefaultPaymentMethod(p, customer);
    if (invoiceLines && behavior === 'error_if_incomplete') {
      const pmId = newDefault === undefined ? sub.defaultPaymentMethod : newDefault;
      const pm =
        (pmId ? this.ctx.paymentMethods.find(pmId) : undefined) ?? this.defaultPaymentMethod(sub);
      const amount =
        invoiceLines.reduce((s, l) => s + l.amount, 0) +
        this.ctx.billing.invoices
          .pendingItems(customer.id, sub.id)
          .reduce((s, i) => s + i.amount, 0);
      if (amount > 0) this.#requirePayable(customer, pm, amount, offSession);
    }

    const before = structuredClone(sub);
    sub.items = change.items;
    if (newDefault !== undefined) sub.defaultPaymentMethod = newDefault;
    const description = p.nullableString('description', { maxLength: 500 });
    if (description !== undefined) sub.description = description;
    sub.metadata = applyMetadata(sub.metadata, p.metadata());
    this.#readSettings(p, sub);
    this.#readCancellation(p, sub);
    if (typeof trialEndParam === 'number' && sub.status === 'trialing') {
      if (trialEndParam <= now) {
        throw invalidRequest(
          'Invalid timestamp: must be an integer Unix timestamp in the future.',
          {
            param: 'trial_end',
          },
        );
      }
      sub.trialEnd = trialEndParam;
      sub.currentPeriodEnd = trialEndParam;
      sub.billingCycleAnchor = trialEndParam;
      if (sub.cancelAtPeriodEnd) sub.cancelAt = trialEndParam;
    }
    for (const line of pendingLines) this.ctx.billing.invoices.addPendingItem(customer.id, line);
    if (invoiceLines) {
      if (resetCycle || endTrialNow) {
        sub.currentPeriodStart = now;
        sub.currentPeriodEnd = newPeriodEnd;
        sub.billingCycleAnchor = now;
        if (sub.cancelAtPeriodEnd) sub.cancelAt = newPeriodEnd;
      }
      if (endTrialNow) {
        sub.trialEnd = now;
        sub.status = 'active';
      }
      const inv = this.#invoiceNow(
        sub,
        customer,
        endTrialNow ? 'subscription_cycle' : 'subscription_update',
        invoiceLines,
        true,
      );
      this.#emitUpdated(sub, before);
      if (behavior !== 'default_incomplete') this.#collect(sub, inv, offSession);
    } else {
      this.#emitUpdated(sub, before);
    }
    return sub;
  }

  #cancel(req: ApiRequest): SubscriptionRecord {
    const p = req.params.allowOnly(['invoice_now', 'prorate', 'cancellation_details', 'expand']);
    const sub = this.require(req.pathParams.id ?? '');
    if (ENDED.includes(sub.status)) {
      throw invalidRequest(`This subscription has already been canceled.`, {
        code: 'resource_missing',
        status: 404,
      });
    }
    const customer = this.ctx.customers.find(sub.customer);
    const details = p.object('cancellation_details');
    details?.allowOnly(['comment', 'feedback']);
    const now = this.ctx.now();
    if (customer && (sub.status === 'active' || sub.status === 'past_due') && p.bool('prorate')) {
      const change = this.planItemChange(
        sub,
        sub.items.map((i, index) => new Params({ id: i.id, deleted: 'true' }, `items[${index}]`)),
        now,
      );
      for (const line of change.prorations)
        this.ctx.billing.invoices.addPendingItem(customer.id, line);
    }
    if (
      customer &&
      p.bool('invoice_now') &&
      this.ctx.billing.invoices.pendingItems(customer.id, sub.id).length > 0
    ) {
      const inv = this.#invoiceNow(sub, customer, 'subscription_update', [], true);
      this.#collect(sub, inv, true);
    }
    this.cancelNow(sub, 'cancellation_requested', {
      comment: details?.nullableString('comment'),
      feedback: details?.enumOf('feedback', FEEDBACK),
    });
    return sub;
  }

  #resume(req: ApiRequest): SubscriptionRecord {
    const p = req.params.allowOnly([
      'billing_cycle_anchor',
      'payment_behavior',
      'proration_behavior',
      'proration_date',
      'expand',
    ]);
    const sub = this.require(req.pathParams.id ?? '');
    if (sub.status !== 'paused') {
      throw invalidRequest('Only subscriptions with status `paused` can be resumed.', {
        param: 'id',
      });
    }
    const customer = this.ctx.customers.require(sub.customer);
    // Newer API versions send `billing_cycle_anchor[type]`; older ones a plain string.
    const anchorObject =
      typeof p.raw('billing_cycle_anchor') === 'string'
        ? undefined
        : p.object('billing_cycle_anchor');
    anchorObject?.allowOnly(['type']);
    const anchor =
      (anchorObject
        ? anchorObject.enumOf('type', ['now', 'unchanged'] as const)
        : p.enumOf('billing_cycle_anchor', ['now', 'unchanged'] as const)) ?? 'now';
    const behavior =
      p.enumOf('payment_behavior', [
        'resume_on_payment_attempt',
        'resume_on_payment_success',
      ] as const) ?? 'resume_on_payment_attempt';
    const before = structuredClone(sub);
    const now = this.ctx.now();
    if (anchor === 'now' || sub.currentPeriodEnd <= now) {
      sub.billingCycleAnchor = now;
      sub.currentPeriodStart = now;
      sub.currentPeriodEnd = this.#nextPeriodEnd(sub, now);
    }
    const lines = sub.items.map((item) =>
      this.#cycleLine(sub, item, sub.currentPeriodStart, sub.currentPeriodEnd),
    );
    if (behavior === 'resume_on_payment_attempt') sub.status = 'active';
    const inv = this.#invoiceNow(sub, customer, 'subscription_cycle', lines, true);
    this.#collect(sub, inv, true);
    if (behavior === 'resume_on_payment_success' && inv.status === 'paid') sub.status = 'active';
    if (sub.status !== 'paused') {
      this.ctx.events.emit('customer.subscription.resumed', this.serialize, sub, before);
    }
    this.#emitUpdated(sub, before);
    return sub;
  }

  routes(router: Router): void {
    router.post('/v1/subscriptions', (req) => this.#render(req, this.#create(req)));
    router.get('/v1/subscriptions/:id', (req) => {
      req.params.allowOnly(['expand']);
      return this.#render(req, this.require(req.pathParams.id ?? ''));
    });
    router.post('/v1/subscriptions/:id', (req) => this.#render(req, this.#update(req)));
    router.delete('/v1/subscriptions/:id', (req) => this.#render(req, this.#cancel(req)));
    router.post('/v1/subscriptions/:id/cancel', (req) => this.#render(req, this.#cancel(req)));
    router.post('/v1/subscriptions/:id/resume', (req) => this.#render(req, this.#resume(req)));
    router.get('/v1/subscriptions', (req) => {
      const p = req.params.allowOnly([
        ...LIST_PARAMS,
        'customer',
        'price',
        'status',
        'created',
        'collection_method',
      ]);
      const customer = p.string('customer');
      const price = p.string('price');
      const status = p.string('status');
      const inRange = createdFilter(p);
      const list = newestFirst(this.#subscriptions.values()).filter(
        (s) =>
          (!customer || s.customer === customer) &&
          (!price || s.items.some((i) => i.price === price)) &&
          (status === 'all' || (status ? s.status === status : !ENDED.includes(s.status))) &&
          inRange(s.created),
      );
      return {
        body: this.ctx.expand(
          paginate(
            list,
            p,
            '/v1/subscriptions',
            (s) => this.serialize(s, req.view),
            'subscription',
          ),
          req,
        ),
      };
    });
    router.get('/v1/subscription_items', (req) => {
      const p = req.params.allowOnly([...LIST_PARAMS, 'subscription']);
      const sub = this.require(p.requiredString('subscription'), 'subscription');
      const list = [...sub.items].reverse();
      return {
        body: this.ctx.expand(
          paginate(
            list,
            p,
            '/v1/subscription_items',
            (i) => this.#serializeItem(i, sub, req.view),
            'subscription_item',
          ),
          req,
        ),
      };
    });
    router.get('/v1/subscription_items/:id', (req) => {
      req.params.allowOnly(['expand']);
      const id = req.pathParams.id ?? '';
      for (const sub of this.#subscriptions.values()) {
        const item = sub.items.find((i) => i.id === id);
        if (item) return { body: this.ctx.expand(this.#serializeItem(item, sub, req.view), req) };
      }
      throw resourceMissing('subscription_item', id);
    });
  }
}

function withSaved(error: StripeApiError): StripeApiError {
  return new StripeApiError(error.status, error.body, { saved: true });
}
