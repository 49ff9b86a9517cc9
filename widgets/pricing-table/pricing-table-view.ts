import { html, nothing, type TemplateResult } from 'lit';
import type { Tier as Plan } from '../../server/modules/billing/contract.js';
import { addEnglish, formatMoney, type Translate } from '../internal/i18n.js';
import { pricingMessages } from '../messages/pricing-table.js';

export { pricingTableStyles } from './pricing-table.styles.js';

addEnglish(pricingMessages);

/*
 * What the pricing table shows once its plans are in: the billing period switch and a card per
 * tier. The element fetches this chunk in parallel with the plans, so the page's first download
 * stays as small as the kit's other widgets.
 */

export type Interval = 'month' | 'year';

export interface TableView {
  plans: Plan[];
  features: { key: string; name: string }[];
  /** The signed-in learner's tier, when there is one. */
  tier: string | null | undefined;
  interval: Interval;
  locale: string;
  t: Translate;
  onInterval: (event: Event) => void;
  onChoose: (plan: Plan) => void;
}

/** The best saving, in percent, of paying yearly rather than monthly, over every plan. */
function yearlySaving(plans: Plan[]): number {
  let best = 0;
  for (const plan of plans) {
    const month = plan.prices.find((p) => p.interval === 'month')?.amount ?? 0;
    const year = plan.prices.find((p) => p.interval === 'year')?.amount ?? 0;
    if (month > 0 && year > 0) best = Math.max(best, Math.round(100 - (year * 100) / (month * 12)));
  }
  return best;
}

function renderPlan(v: TableView, plan: Plan, featureNames: Map<string, string>): TemplateResult {
  const { t } = v;
  const price = plan.prices.find((p) => p.interval === v.interval) ?? plan.prices[0];
  const amount = price
    ? price.amount === 0
      ? t('pricing.free')
      : formatMoney(price.amount, price.currency, v.locale)
    : '';
  const per =
    price && price.amount > 0
      ? t(price.interval === 'year' ? 'pricing.per.year' : 'pricing.per.month')
      : '';
  const headingId = `plan-${plan.id}`;
  const current = plan.id === v.tier;
  return html`<li
    part="plan"
    class="plan"
    ?data-recommended=${plan.recommended}
    ?data-current=${current}
    aria-current=${current ? 'true' : nothing}
    aria-labelledby=${headingId}
  >
    <div>
      ${current ? html`<span class="badge current">${t('pricing.current')}</span>` : null}
      ${plan.recommended ? html`<span class="badge">${t('pricing.recommended')}</span>` : null}
      <h3 id=${headingId}>${plan.name}</h3>
    </div>
    <div>
      <div class="price">${amount} <small>${per}</small></div>
      <p>${plan.description}</p>
      ${plan.trialDays > 0 ? html`<p>${t('pricing.trial', { days: plan.trialDays })}</p>` : null}
    </div>
    <ul class="features">
      ${plan.features.map((key) => html`<li>${featureNames.get(key) ?? key}</li>`)}
    </ul>
    <button part="cta" ?disabled=${current} @click=${() => v.onChoose(plan)}>
      ${current ? t('pricing.current') : t('pricing.choose', { plan: plan.name })}
    </button>
  </li>`;
}

export function renderTable(v: TableView): TemplateResult {
  const { t, plans } = v;
  const featureNames = new Map(v.features.map((f) => [f.key, f.name]));
  const saving = yearlySaving(plans);
  return html`<section part="base" aria-labelledby="title">
    <header>
      <h2 id="title">${t('pricing.title')}</h2>
      <fieldset @change=${v.onInterval}>
        <legend class="visually-hidden">${t('pricing.billing')}</legend>
        ${(['month', 'year'] as const).map(
          (interval) =>
            html`<label
              ><input
                type="radio"
                name="interval"
                value=${interval}
                .checked=${v.interval === interval}
              />${
                interval === 'month'
                  ? t('pricing.monthly')
                  : html`${t('pricing.yearly')}${saving > 0 ? html` · ${t('pricing.save', { percent: saving })}` : null}`
              }</label
            >`,
        )}
      </fieldset>
    </header>
    <div data-change></div>
    <ul class="plans" role="list">
      ${plans.map((plan) => renderPlan(v, plan, featureNames))}
    </ul>
  </section>`;
}
