import { invalidRequest } from '../core/errors.js';
import { newId, PREFIX } from '../core/ids.js';
import type { JsonObject } from '../core/json.js';
import { Params } from '../core/params.js';
import type { Router } from '../core/router.js';
import type { View } from '../core/version.js';
import type { EmulatorContext } from '../context.js';
import { DECLINES, type CardOutcome } from './cards.js';
import { InvoicesService, type InvoiceRecord, type LineDraft } from './invoices.js';
import type { PaymentIntentRecord } from './payment-intents.js';
import type { PaymentMethodRecord } from './payment-methods.js';
import { SECONDS_PER_DAY } from './periods.js';
import { SubscriptionsService, type SubscriptionRecord } from './subscriptions.js';

export interface BillingSettings {
  /**
   * Days to wait before each automatic retry of a failed renewal; after the last one the
   * subscription meets `afterFinalFailure`. Default `[3, 5, 7]`: four attempts over 15 days.
   */
  retryDays?: readonly number[];
  /** What happens when every retry failed. Default `cancel`, Stripe's default setting. */
  afterFinalFailure?: 'cancel' | 'unpaid' | 'past_due';
}

/** How invoice payments made by the billing clock should end, whatever the saved card says. */
export type RenewalOutcome =
  'succeed' | 'decline' | 'insufficient_funds' | 'authentication_required';

export interface AdvanceOptions {
  /** Absolute target time. */
  to?: Date;
  seconds?: number;
  days?: number;
  /** Overrides the card's answer for every automatic invoice payment during this advance. */
  invoicePayments?: RenewalOutcome;
}

export interface AdvanceReport {
  from: Date;
  to: Date;
  /** Renewals, retries, trial ends, expiries and cancellations processed, in order. */
  actions: { at: number; kind: string; subscription: string | null; invoice: string | null }[];
}

const OUTCOMES: Readonly<Record<RenewalOutcome, CardOutcome>> = {
  succeed: { kind: 'succeed' },
  decline: DECLINES.generic,
  insufficient_funds: DECLINES.insufficientFunds,
  authentication_required: { kind: 'authenticate' },
};

interface DueAction {
  at: number;
  /** Tie-break for actions due at the same second: cancellations before renewals. */
  order: number;
  kind: string;
  subscription: string | null;
  invoice: string | null;
  run: () => void;
}

const INCOMPLETE_LIFETIME = 23 * 3600;
const TRIAL_WARNING = 3 * SECONDS_PER_DAY;
const MAX_ACTIONS = 10_000;

/**
 * Invoices, subscriptions and the clock that drives them: renewals at period end, retries of
 * failed payments, trial endings and expiry of unpaid first invoices, like a Stripe test clock.
 */
export class BillingService {
  readonly invoices: InvoicesService;
  readonly subscriptions: SubscriptionsService;
  readonly retryDays: readonly number[];
  readonly afterFinalFailure: 'cancel' | 'unpaid' | 'past_due';
  /** Set only while the clock advances with a forced payment outcome. */
  paymentOverride: CardOutcome | undefined;

  constructor(
    private readonly ctx: EmulatorContext,
    settings: BillingSettings,
  ) {
    this.invoices = new InvoicesService(ctx);
    this.subscriptions = new SubscriptionsService(ctx);
    this.retryDays = settings.retryDays ?? [3, 5, 7];
    this.afterFinalFailure = settings.afterFinalFailure ?? 'cancel';
  }

  clear(): void {
    this.invoices.clear();
    this.subscriptions.clear();
  }

  defaultPaymentMethod(inv: InvoiceRecord): PaymentMethodRecord | undefined {
    const sub = inv.subscription ? this.subscriptions.find(inv.subscription) : undefined;
    if (sub) return this.subscriptions.defaultPaymentMethod(sub);
    const id = this.ctx.customers.find(inv.customer)?.defaultPaymentMethod;
    const pm = id ? this.ctx.paymentMethods.find(id) : undefined;
    return pm && pm.customer === inv.customer ? pm : undefined;
  }

  subscriptionsOf(customer: string): SubscriptionRecord[] {
    return this.subscriptions.all().filter((s) => s.customer === customer);
  }

  cancelNow(sub: SubscriptionRecord, reason: 'cancellation_requested' | 'payment_failed'): void {
    this.subscriptions.cancelNow(sub, reason);
  }

  // Callbacks from PaymentIntents that belong to invoices.

  invoicePaymentSucceeded(invoiceId: string, pi: PaymentIntentRecord): void {
    const inv = this.invoices.find(invoiceId);
    if (inv && this.invoices.paymentSucceeded(inv, pi)) this.subscriptions.onInvoicePaid(inv, pi);
  }

  invoicePaymentFailed(invoiceId: string, _pi: PaymentIntentRecord): void {
    const inv = this.invoices.find(invoiceId);
    if (!inv || inv.status !== 'open') return;
    const final = this.invoices.paymentFailed(inv, this.retryDays);
    this.subscriptions.onInvoiceFailed(inv, final);
  }

  invoicePaymentActionRequired(invoiceId: string, _pi: PaymentIntentRecord): void {
    const inv = this.invoices.find(invoiceId);
    if (!inv || inv.status !== 'open') return;
    this.invoices.paymentActionRequired(inv);
    this.subscriptions.onInvoiceFailed(inv, false);
  }

  setupSucceeded(subscriptionId: string, pm: PaymentMethodRecord): void {
    this.subscriptions.onSetupSucceeded(subscriptionId, pm);
  }

  /** Moves the clock forward, processing everything that falls due on the way, in order. */
  advance(options: AdvanceOptions): AdvanceReport {
    const from = this.ctx.clock.now();
    const start = Math.floor(from.getTime() / 1000);
    let target = start;
    if (options.to) target = Math.floor(options.to.getTime() / 1000);
    target += Math.round(options.seconds ?? 0) + Math.round((options.days ?? 0) * SECONDS_PER_DAY);
    if (target < start) {
      throw invalidRequest('The emulator clock only moves forward.', { param: 'to' });
    }
    const report: AdvanceReport = { from, to: from, actions: [] };
    this.paymentOverride = options.invoicePayments ? OUTCOMES[options.invoicePayments] : undefined;
    try {
      for (let i = 0; i < MAX_ACTIONS; i++) {
        const next = this.#nextDue(target);
        if (!next) break;
        this.ctx.clock.moveTo(next.at);
        report.actions.push({
          at: next.at,
          kind: next.kind,
          subscription: next.subscription,
          invoice: next.invoice,
        });
        next.run();
      }
    } finally {
      this.paymentOverride = undefined;
    }
    this.ctx.clock.moveTo(target);
    report.to = this.ctx.clock.now();
    return report;
  }

  #nextDue(target: number): DueAction | undefined {
    const due: DueAction[] = [];
    for (const sub of this.subscriptions.all()) {
      const live = sub.status !== 'canceled' && sub.status !== 'incomplete_expired';
      if (!live) continue;
      if (sub.status === 'incomplete') {
        const at = sub.created + INCOMPLETE_LIFETIME;
        if (at <= target) {
          due.push({
            at,
            order: 4,
            kind: 'incomplete_expired',
            subscription: sub.id,
            invoice: null,
            run: () => this.subscriptions.expireIncomplete(sub),
          });
        }
        continue;
      }
      if (sub.status === 'paused') continue;
      if (sub.cancelAt !== null && sub.cancelAt < sub.currentPeriodEnd && sub.cancelAt <= target) {
        due.push({
          at: sub.cancelAt,
          order: 0,
          kind: 'cancel',
          subscription: sub.id,
          invoice: null,
          run: () => this.subscriptions.cancelNow(sub, 'cancellation_requested'),
        });
      }
      if (sub.status === 'trialing' && sub.trialEnd !== null && !sub.trialWillEndSent) {
        const at = sub.trialEnd - TRIAL_WARNING;
        if (at > sub.created && at <= target) {
          due.push({
            at,
            order: 1,
            kind: 'trial_will_end',
            subscription: sub.id,
            invoice: null,
            run: () => this.subscriptions.warnTrialEnding(sub),
          });
        }
      }
      if (sub.currentPeriodEnd <= target) {
        const kind = sub.cancelAtPeriodEnd
          ? 'cancel'
          : sub.status === 'trialing'
            ? 'trial_end'
            : 'renewal';
        due.push({
          at: sub.currentPeriodEnd,
          order: 2,
          kind,
          subscription: sub.id,
          invoice: null,
          run: () => this.subscriptions.renew(sub),
        });
      }
    }
    for (const inv of this.invoices.all()) {
      if (inv.status !== 'open' || !inv.autoAdvance || inv.nextPaymentAttempt === null) continue;
      if (inv.nextPaymentAttempt > target) continue;
      due.push({
        at: inv.nextPaymentAttempt,
        order: 3,
        kind: 'payment_retry',
        subscription: inv.subscription,
        invoice: inv.id,
        run: () => {
          inv.nextPaymentAttempt = null;
          this.invoices.attempt(inv, { offSession: true, outcomeOverride: this.paymentOverride });
        },
      });
    }
    due.sort((a, b) => a.at - b.at || a.order - b.order);
    return due[0];
  }

  /**
   * `POST /v1/invoices/create_preview`: the invoice a subscription change would produce, built
   * from the same proration arithmetic the update uses, without changing anything.
   */
  preview(p: Params, view: View): JsonObject {
    p.allowOnly(['customer', 'subscription', 'subscription_details', 'automatic_tax', 'expand']);
    const subId = p.string('subscription');
    const sub = subId ? this.subscriptions.require(subId, 'subscription') : undefined;
    const customerId = p.string('customer') ?? sub?.customer;
    if (!customerId) {
      throw invalidRequest('Missing required param: customer or subscription.', {
        param: 'customer',
      });
    }
    const customer = this.ctx.customers.require(customerId);
    if (!sub) {
      throw invalidRequest(
        'The Stripe emulator previews invoices of existing subscriptions only.',
        {
          param: 'subscription',
        },
      );
    }
    const details = p.object('subscription_details') ?? new Params({}, 'subscription_details');
    details.allowOnly([
      'items',
      'proration_behavior',
      'proration_date',
      'billing_cycle_anchor',
      'cancel_at_period_end',
      'trial_end',
    ]);
    const now = this.ctx.now();
    const at = details.int('proration_date', { min: 0 }) ?? now;
    const behavior =
      details.enumOf('proration_behavior', [
        'create_prorations',
        'always_invoice',
        'none',
      ] as const) ?? 'create_prorations';
    const change = this.subscriptions.planItemChange(sub, details.objectList('items'), at);
    const pending: LineDraft[] = this.invoices
      .pendingItems(customer.id, sub.id)
      .map((i) => ({ ...i }));
    const prorations = behavior === 'none' ? [] : change.prorations;
    let lines: LineDraft[];
    let periodStart = sub.currentPeriodEnd;
    if (behavior === 'always_invoice' || change.intervalChanged) {
      lines = [...pending, ...prorations];
      periodStart = at;
    } else {
      const nextStart = sub.currentPeriodEnd;
      lines = [
        ...pending,
        ...prorations,
        ...change.items.map((item) => {
          const price = this.ctx.catalog.requirePrice(item.price);
          return {
            amount: price.unitAmount * item.quantity,
            currency: price.currency,
            description: `${item.quantity} × ${this.ctx.catalog.productName(price)}`,
            periodStart: nextStart,
            periodEnd: nextStart,
            price: price.id,
            quantity: item.quantity,
            proration: false,
            subscription: sub.id,
            subscriptionItem: item.id,
          };
        }),
      ];
    }
    const total = lines.reduce((s, l) => s + l.amount, 0);
    const net = total + customer.balance;
    const preview: InvoiceRecord = {
      id: `upcoming_${newId(PREFIX.invoice)}`,
      created: now,
      customer: customer.id,
      customerEmail: customer.email,
      customerName: customer.name,
      subscription: sub.id,
      subscriptionMetadata: { ...sub.metadata },
      status: 'draft',
      billingReason: behavior === 'always_invoice' ? 'subscription_update' : 'subscription_cycle',
      currency: sub.currency,
      lines: lines.map((l) => ({ ...l, id: newId(PREFIX.invoiceLine), invoiceItem: null })),
      subtotal: total,
      total,
      startingBalance: customer.balance,
      endingBalance: net < 0 ? net : 0,
      amountDue: Math.max(0, net),
      amountPaid: 0,
      attemptCount: 0,
      attempted: false,
      nextPaymentAttempt: null,
      autoAdvance: false,
      number: null,
      periodStart,
      periodEnd: periodStart,
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
    return this.invoices.serialize(preview, view);
  }

  routes(router: Router): void {
    // Registered before `/v1/invoices/:id` so the literal path wins.
    router.post('/v1/invoices/create_preview', (req) => ({
      body: this.ctx.expand(this.preview(req.params, req.view), req),
    }));
    this.invoices.routes(router);
    this.subscriptions.routes(router);
  }
}
