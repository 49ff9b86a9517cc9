import { css, html, nothing, render, type TemplateResult } from 'lit';
import type {
  ChangePreview,
  SubscriptionView,
  Tier as Plan,
  TierPrice as PlanPrice,
} from '../../server/modules/billing/contract.js';
import type { ApiClient, LxApiError } from '../internal/api-client.js';
import { addEnglish, formatDate, formatMoney, type Translate } from '../internal/i18n.js';
import { adoptStyles } from '../internal/theme.js';
import { planChangeMessages } from '../messages/plan-change.js';
import { LxPlanChangeEvent } from './plan-change.event.js';

addEnglish(planChangeMessages);

/*
 * The pricing table's plan change step, for a learner who already pays for a tier: the
 * prorated preview and its confirmation, cancelling at the period's end (choosing the free
 * tier) and resuming. Loaded the first time such a learner chooses a tier.
 */

/** Rules adopted by the table when this chunk arrives. */
export const planChangeStyles = css`
  [part~='change'] {
    display: grid;
    gap: calc(var(--_space) * 0.5);
    padding: var(--_space);
    border: 2px solid var(--_brand);
    border-radius: var(--_radius);
    background: var(--_raised);
  }
  [part~='change']:focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  [part~='change'] h3,
  [part~='change'] p {
    margin: 0;
  }
  [part~='change'] .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }
  [part~='change'] [role='alert'] {
    color: var(--_danger);
  }
`;

export interface PlanChoice {
  /** The tier chosen, and its price for the interval shown. */
  plan: Plan;
  price: PlanPrice;
  /** The learner's current (paid) tier. */
  current: Plan;
  client: ApiClient;
  locale: string;
  t: Translate;
  /** Reloads the table's tiers and the learner's current one. */
  refresh: () => Promise<void>;
}

type Step = 'change' | 'cancel' | 'resume';

interface State {
  step: Step;
  busy: boolean;
  preview?: ChangePreview;
  subscription?: SubscriptionView;
  error?: string;
}

/** One per table: the open confirmation (if any) and the last result, announced politely. */
class PlanChange {
  #state: State | undefined;
  #status = '';
  #choice: PlanChoice | undefined;
  #returnFocus: HTMLElement | null = null;

  constructor(readonly host: HTMLElement & { renderRoot: HTMLElement | DocumentFragment }) {}

  get #root(): ShadowRoot {
    return this.host.renderRoot as ShadowRoot;
  }

  get #container(): HTMLElement | null {
    return this.#root.querySelector<HTMLElement>('[data-change]');
  }

  async open(choice: PlanChoice): Promise<void> {
    this.#choice = choice;
    this.#returnFocus = this.#root.activeElement as HTMLElement | null;
    const free = choice.price.amount <= 0;
    this.#state = { step: free ? 'cancel' : 'change', busy: true };
    this.#status = '';
    this.#draw();
    this.#container?.querySelector<HTMLElement>('[part~="change"]')?.focus();
    const state = this.#state;
    try {
      if (free) {
        const { subscription } = await choice.client.get<{
          subscription: SubscriptionView | null;
        }>('v1/me/subscription');
        state.subscription = subscription ?? undefined;
        if (subscription?.cancelAtPeriodEnd) state.step = 'resume';
      } else {
        const answer = await choice.client.post<{ preview: ChangePreview }>(
          'v1/me/subscription/change',
          { planId: choice.plan.id, interval: choice.price.interval, preview: true },
        );
        state.preview = answer.preview;
      }
      state.busy = false;
    } catch (error) {
      state.error = choice.t('pricing.change.failed', { message: (error as LxApiError).message });
    }
    if (this.#state === state) this.#draw();
  }

  #date(iso: string | null | undefined): string {
    return iso ? formatDate(iso, this.#choice!.locale, { dateStyle: 'long' }) : '';
  }

  #close(): void {
    this.#state = undefined;
    this.#draw();
  }

  #dismiss(): void {
    this.#close();
    this.#returnFocus?.focus();
  }

  async #confirm(): Promise<void> {
    const state = this.#state;
    const choice = this.#choice;
    if (!state || !choice || state.busy) return;
    state.busy = true;
    state.error = undefined;
    this.#draw();
    const { client, plan, price, current } = choice;
    try {
      let detail: LxPlanChangeEvent['detail'];
      if (state.step === 'change') {
        await client.post('v1/me/subscription/change', {
          planId: plan.id,
          interval: price.interval,
        });
        detail = {
          planId: plan.id,
          interval: price.interval,
          amountDue: state.preview?.amountDue ?? 0,
          currency: state.preview?.currency ?? price.currency,
        };
        this.#status = choice.t('pricing.change.done', { plan: plan.name });
        this.#state = undefined;
      } else {
        const resume = state.step === 'resume';
        const { subscription } = await client.post<{ subscription: SubscriptionView }>(
          `v1/me/subscription/${resume ? 'resume' : 'cancel'}`,
          {},
        );
        const vars = { current: current.name, date: this.#date(subscription.currentPeriodEnd) };
        detail = {
          planId: resume ? subscription.planId : plan.id,
          interval: resume ? subscription.interval : price.interval,
          amountDue: 0,
          currency: subscription.currency,
        };
        this.#status = choice.t(resume ? 'pricing.resume.done' : 'pricing.cancel.done', vars);
        // Cancelled: the confirmation stays, now offering to resume.
        this.#state = resume ? undefined : { step: 'resume', busy: false, subscription };
      }
      await choice.refresh();
      this.host.dispatchEvent(new LxPlanChangeEvent(detail));
    } catch (error) {
      state.busy = false;
      state.error = choice.t('pricing.change.failed', { message: (error as LxApiError).message });
    }
    this.#draw();
    const container = this.#container;
    (
      container?.querySelector<HTMLElement>('[part~="change"]') ??
      container?.querySelector<HTMLElement>('[role="status"]')
    )?.focus();
  }

  #body(state: State): string {
    const choice = this.#choice!;
    const vars = {
      plan: choice.plan.name,
      current: choice.current.name,
      date: this.#date(state.subscription?.currentPeriodEnd),
    };
    if (state.step === 'resume') return choice.t('pricing.resume.body', vars);
    if (state.step === 'cancel') {
      return state.subscription ? choice.t('pricing.cancel.body', vars) : '';
    }
    const preview = state.preview;
    if (!preview) return state.error ? '' : choice.t('pricing.change.loading');
    const amount = formatMoney(Math.abs(preview.amountDue), preview.currency, choice.locale);
    return choice.t(preview.amountDue < 0 ? 'pricing.change.credit' : 'pricing.change.due', {
      amount,
    });
  }

  #panel(state: State): TemplateResult {
    const choice = this.#choice!;
    const names = { plan: choice.plan.name, current: choice.current.name };
    const title =
      state.step === 'change'
        ? choice.t('pricing.change.title', names)
        : state.step === 'cancel'
          ? choice.t('pricing.cancel.title', names)
          : choice.t('pricing.cancel.done', {
              ...names,
              date: this.#date(state.subscription?.currentPeriodEnd),
            });
    const confirm = choice.t(
      state.step === 'change'
        ? 'pricing.change.confirm'
        : state.step === 'cancel'
          ? 'pricing.cancel.confirm'
          : 'pricing.resume.confirm',
      names,
    );
    const ready = !state.busy && (state.step !== 'change' || !!state.preview);
    return html`<div
      part="change"
      role="dialog"
      aria-labelledby="change-title"
      aria-describedby="change-body"
      aria-busy=${state.busy ? 'true' : 'false'}
      tabindex="-1"
      data-step=${state.step}
      @keydown=${(e: KeyboardEvent) => {
        if (e.key !== 'Escape') return;
        e.stopPropagation();
        this.#dismiss();
      }}
    >
      <h3 id="change-title">${title}</h3>
      <p id="change-body">${this.#body(state)}</p>
      ${state.error ? html`<p role="alert">${state.error}</p>` : nothing}
      <div class="row">
        <button
          type="button"
          part="change-confirm"
          ?disabled=${!ready}
          @click=${() => void this.#confirm()}
        >
          ${confirm}
        </button>
        <button
          type="button"
          part="change-cancel"
          class="secondary"
          @click=${() => this.#dismiss()}
        >
          ${choice.t(state.step === 'resume' ? 'pricing.change.close' : 'pricing.change.keep')}
        </button>
      </div>
    </div>`;
  }

  #draw(): void {
    const container = this.#container;
    if (!container) return;
    render(
      html`${this.#state ? this.#panel(this.#state) : nothing}
        <p part="change-status" role="status" tabindex="-1">${this.#status}</p>`,
      container,
    );
  }
}

const changes = new WeakMap<HTMLElement, PlanChange>();

/** Opens (or replaces) the table's plan change confirmation for a tier the learner chose. */
export function openPlanChange(
  host: HTMLElement & { renderRoot: HTMLElement | DocumentFragment },
  choice: PlanChoice,
): Promise<void> {
  adoptStyles(host, planChangeStyles);
  let change = changes.get(host);
  if (!change) changes.set(host, (change = new PlanChange(host)));
  return change.open(choice);
}
