import type { TemplateResult } from 'lit';
import type { Tier as Plan } from '../../server/modules/billing/contract.js';
import { LxApiError } from '../internal/api-client.js';
import { LxElement } from '../internal/base-element.js';
import type { EmbedConfig } from '../internal/config-store.js';
import type { Translations } from '../internal/i18n.js';
import { adoptStyles } from '../internal/theme.js';
import { LxPlanSelectEvent } from './plan-select.event.js';
import type * as View from './pricing-table-view.js';

interface PlanList {
  plans: Plan[];
  features: { key: string; name: string }[];
  /** The signed-in learner's tier, when there is one. */
  tier?: string | null;
}

type Interval = View.Interval;

/**
 * @tagname lx-pricing-table
 * @summary Subscription tiers with a monthly / yearly switch and a call to action per tier.
 *
 * @event lx-plan-select - A visitor chose a plan. Cancelable; `detail` is `{ planId, interval, amount, currency }`. Unless canceled, a paid plan opens `<lx-checkout>` in subscription mode; for a learner already on a paid tier, the table asks to confirm the change instead (with the prorated amount due now), or to cancel at the period's end when the plan is free.
 * @event lx-plan-change - A learner on a paid tier confirmed a change from the table. `detail` is `{ planId, interval, amountDue, currency }` (`amountDue` in integer minor units, negative when credited; 0 for a cancellation at the period's end, whose `planId` is the free tier, or a resumption).
 * @event lx-checkout-complete - Relayed from the checkout the table opened. `detail` is `{ kind, item, paymentId, paymentIntentId, amount, currency, receiptUrl, mode }`.
 * @event lx-checkout-error - Relayed from the checkout the table opened. `detail` is `{ code, message, declineCode? }`.
 * @event lx-error - The widget cannot work (license, origin, limit, network). `detail` is `{ code, status, message }`.
 *
 * @csspart base - The wrapper around the whole table.
 * @csspart plan - One tier's card (`data-current` on the signed-in learner's tier, `data-recommended` on the recommended one).
 * @csspart cta - A tier's call-to-action button.
 * @csspart state - A loading, empty or error state.
 * @csspart change - The confirmation of a plan change, cancellation or resumption.
 * @csspart change-confirm - Its confirm button.
 * @csspart change-cancel - Its button that leaves things as they are.
 * @csspart change-status - The result of the last change, announced politely.
 *
 * @cssproperty --lx-pricing-table-card-min-width - Narrowest a tier card gets before wrapping (15rem).
 */
export class LxPricingTable extends LxElement {
  // Declared statically rather than with decorators, which would cost the widget's size budget.
  static override translations: Translations = {
    ar: () => import('./locales/ar.js'),
    de: () => import('./locales/de.js'),
    fr: () => import('./locales/fr.js'),
  };

  static override properties = {
    plans: { state: true },
    plansError: { state: true },
    interval: { reflect: true },
  };

  declare private plans: PlanList | undefined;
  declare private plansError: LxApiError | undefined;
  #view: typeof View | undefined;

  /** Billing period shown first. */
  declare interval: Interval;

  constructor() {
    super();
    this.interval = 'month';
  }

  protected override configReady(_config: EmbedConfig): void {
    if (!this.plans) void this.loadPlans();
  }

  private async loadPlans(): Promise<void> {
    this.plansError = undefined;
    try {
      // The table's view arrives alongside the plans, leaving the first download small.
      const [plans, view, mine] = await Promise.all([
        this.client.get<PlanList>('v1/plans'),
        this.#view ??
          import('./pricing-table-view.js').catch(() => {
            throw new LxApiError('network_error', 0, 'The pricing table could not be loaded.');
          }),
        // The learner's own tier is marked; without it the table still sells.
        this.signedIn
          ? this.client.get<{ tier: string | null }>('v1/me/features').catch(() => null)
          : null,
      ]);
      this.#view = view;
      adoptStyles(this, view.pricingTableStyles);
      this.plans = { ...plans, tier: mine?.tier };
    } catch (error) {
      this.plansError = error as LxApiError;
      this.reportError(this.plansError);
    }
  }

  private onIntervalChange(event: Event): void {
    this.interval = (event.target as HTMLInputElement).value as Interval;
  }

  private choose(plan: Plan): void {
    const price = plan.prices.find((p) => p.interval === this.interval) ?? plan.prices[0];
    if (!price) return;
    const event = new LxPlanSelectEvent({
      planId: plan.id,
      interval: price.interval,
      amount: price.amount,
      currency: price.currency,
    });
    // A host that cancels the event (to sign the visitor in first) takes over from here.
    if (!this.dispatchEvent(event)) return;
    // A learner who already pays confirms a change of the subscription instead of a checkout.
    const current = this.plans?.plans.find((p) => p.id === this.plans?.tier);
    if (current?.prices.some((p) => p.amount > 0)) {
      void import('./plan-change.js').then((m) =>
        m.openPlanChange(this, {
          plan,
          price,
          current,
          client: this.client,
          locale: this.resolvedLocale,
          t: this.msg,
          refresh: () => this.loadPlans(),
        }),
      );
      return;
    }
    if (price.amount <= 0) return;
    // The checkout's code loads only now, through the kit's loader when the page has one.
    void import('../internal/open-checkout.js').then((m) =>
      m.openCheckout(this, {
        kind: 'plan',
        planId: plan.id,
        interval: price.interval,
        itemName: plan.name,
      }),
    );
  }

  protected override renderReady(_config: EmbedConfig): TemplateResult {
    if (this.plansError) return this.renderProblem(this.plansError, () => void this.loadPlans());
    if (!this.plans || !this.#view) return this.renderLoading();
    const { plans, features, tier } = this.plans;
    if (plans.length === 0) return this.renderStatus(this.msg('pricing.empty'));
    return this.#view.renderTable({
      plans,
      features,
      tier,
      interval: this.interval,
      locale: this.resolvedLocale,
      t: this.msg,
      onInterval: (event) => this.onIntervalChange(event),
      onChoose: (plan) => this.choose(plan),
    });
  }
}
