import { html, nothing, type TemplateResult } from 'lit';
import { formatDate, formatMoney, type Translate } from '../internal/i18n.js';
import type { LxApiError } from '../internal/api-client.js';
import type { Course, Phase, Price, Session, SessionRequest } from './checkout-flow.js';

/*
 * What the checkout shows once it has a session: the order summary, the coupon form, the
 * Payment Element's form and, once paid, the outcome with the receipt.
 */

export interface CheckoutView {
  t: Translate;
  locale: string;
  request: SessionRequest;
  session: Session;
  phase: Phase;
  /** The item's name as the summary shows it. */
  itemName: string;
  course: Course | undefined;
  /** A plan's price for the interval, once known: a trial shows it beside today's 0. */
  planPrice: Price | undefined;
  coupon: string | undefined;
  couponError: string;
  busy: boolean;
  /** Why the last attempt failed (the learner may try again), and whether it was a decline. */
  failure: string;
  declined: boolean;
  /** What the live region says. */
  status: string;
  receipt: string | null;
  receiptPending: boolean;
  onCoupon: (event: SubmitEvent) => void;
  onBegin: () => void;
  onPay: (event: SubmitEvent) => void;
}

const money = (v: CheckoutView, amount: number, currency: string) =>
  formatMoney(amount, currency, v.locale);

const date = (v: CheckoutView, iso: string) => formatDate(iso, v.locale, { dateStyle: 'medium' });

function renderSummary(v: CheckoutView, session: Session): TemplateResult {
  const { t, request } = v;
  const list = v.course?.price;
  const discount =
    v.coupon && list && list.currency === session.currency && list.amount > session.amount
      ? list.amount - session.amount
      : 0;
  const per =
    request.kind === 'plan'
      ? html`<small>${t(`checkout.per.${request.interval}`)}</small>`
      : nothing;
  // A trial is paid nothing today: the plan's price follows when it ends.
  const trial = session.trialEnd ? date(v, session.trialEnd) : '';
  const price = trial && v.planPrice ? v.planPrice : undefined;
  return html`<section part="summary" aria-labelledby="sum">
    <h2 id="sum" tabindex="-1">${t('checkout.summary')}</h2>
    <dl>
      <div>
        <dt>
          ${v.itemName}
          ${
            v.course?.instructor
              ? html`<small>${t('checkout.by', { name: v.course.instructor.name })}</small>`
              : nothing
          }
        </dt>
        <dd>
          ${
            price
              ? html`${money(v, price.amount, price.currency)} ${per}`
              : money(v, discount ? list!.amount : session.amount, session.currency)
          }
        </dd>
      </div>
      ${
        trial
          ? html`<div>
              <dt>${t('checkout.trial', { date: trial })}</dt>
            </div>`
          : nothing
      }
      ${
        discount
          ? html`<div>
              <dt>${t('checkout.discount', { code: v.coupon! })}</dt>
              <dd>${money(v, -discount, session.currency)}</dd>
            </div>`
          : nothing
      }
      <div part="total" class="total">
        <dt>${t(trial ? 'checkout.due' : 'checkout.total')}</dt>
        <dd>${money(v, session.amount, session.currency)} ${trial ? nothing : per}</dd>
      </div>
    </dl>
  </section>`;
}

function renderCoupon(v: CheckoutView): TemplateResult | typeof nothing {
  if (v.request.kind !== 'course' || v.phase !== 'ready') return nothing;
  const { t } = v;
  const invalid = !!v.couponError;
  return html`<form part="coupon" class="coupon" @submit=${v.onCoupon}>
    <label for="coupon">${t('checkout.coupon')}</label>
    <div class="row">
      <input
        id="coupon"
        name="coupon"
        autocomplete="off"
        maxlength="64"
        .value=${v.coupon ?? ''}
        aria-invalid=${invalid ? 'true' : 'false'}
        aria-describedby=${invalid ? 'coupon-error' : nothing}
      />
      <button class="secondary" ?disabled=${v.busy}>${t('checkout.coupon.apply')}</button>
    </div>
    ${invalid ? html`<p id="coupon-error" class="error">${v.couponError}</p>` : nothing}
  </form>`;
}

function renderPayment(v: CheckoutView, session: Session): TemplateResult {
  const { t } = v;
  const phase = v.phase;
  if (phase === 'ready') {
    return html`<button part="pay" class="pay" ?disabled=${v.busy} @click=${v.onBegin}>
      ${t('checkout.continue')}
    </button>`;
  }
  const amount = money(v, session.amount, session.currency);
  const busy = phase === 'starting' || phase === 'processing' || phase === 'authenticating';
  return html`<form
    class="payment"
    aria-labelledby="pay-title"
    aria-busy=${busy ? 'true' : 'false'}
    @submit=${v.onPay}
  >
    <h2 id="pay-title">${t('checkout.payment')}</h2>
    <slot name="payment"></slot>
    <button part="pay" class="pay" ?disabled=${busy}>
      ${t(
        session.trialEnd && session.amount === 0
          ? 'checkout.trial.start'
          : session.mode === 'subscription'
            ? 'checkout.subscribe'
            : 'checkout.pay',
        { amount },
      )}
    </button>
  </form>`;
}

/** The outcome's heading: a payment, a subscription, or a trial that pays nothing yet. */
export function doneTitle(session: Session, t: Translate): string {
  if (session.mode === 'payment') return t('checkout.succeeded');
  return t(session.trialEnd ? 'checkout.trial.started' : 'checkout.subscribed.title');
}

function renderResult(v: CheckoutView, session: Session): TemplateResult {
  const { t } = v;
  const amount = money(v, session.amount, session.currency);
  const item = v.itemName;
  return html`<section part="result" class="result" aria-labelledby="done">
    <h2 id="done" tabindex="-1">${doneTitle(session, t)}</h2>
    <p>
      ${
        session.mode === 'payment'
          ? t('checkout.thanks', { amount, item })
          : session.trialEnd
            ? t('checkout.trial.ends', { item, date: date(v, session.trialEnd) })
            : t('checkout.subscribed', { item })
      }
    </p>
    ${
      v.receipt
        ? html`<a part="receipt" href=${v.receipt} target="_blank" rel="noopener noreferrer"
            >${t('checkout.receipt')}<span class="visually-hidden">
              ${t('checkout.receipt.new')}</span
            ></a
          >`
        : v.receiptPending
          ? html`<p class="muted">${t('checkout.receipt.pending')}</p>`
          : nothing
    }
  </section>`;
}

export function renderCheckout(v: CheckoutView): TemplateResult {
  const { t, session, phase } = v;
  const failed = !!v.failure && (phase === 'ready' || phase === 'paying');
  return html`<div
    part="base"
    class="checkout"
    data-phase=${failed && v.declined ? 'declined' : failed ? 'failed' : phase}
  >
    ${phase === 'succeeded' ? renderResult(v, session) : nothing} ${renderSummary(v, session)}
    ${renderCoupon(v)}
    ${
      failed
        ? html`<div class="failure">
            <h3 tabindex="-1">${t(v.declined ? 'checkout.declined' : 'checkout.failed')}</h3>
            <p>${v.failure}</p>
            <p>${t('checkout.retry')}</p>
          </div>`
        : nothing
    }
    ${phase === 'succeeded' ? nothing : renderPayment(v, session)}
    <p
      part="status"
      class=${
        phase === 'starting' || phase === 'processing' || phase === 'authenticating'
          ? 'status'
          : 'status visually-hidden'
      }
      role="status"
    >
      ${v.status}
    </p>
  </div>`;
}

export function renderLoading(t: Translate): TemplateResult {
  return html`<div part="base loading" class="skeleton" role="status" aria-busy="true">
    <span class="visually-hidden">${t('state.loading')}</span>
  </div>`;
}

/**
 * Checkout could not start: a refused learner is asked to sign in, a refused item is named.
 * Undefined for any other failure, which the element's own problem state explains.
 */
export function renderRefusal(error: LxApiError, t: Translate): TemplateResult | undefined {
  if (error.status === 401 && !error.code.startsWith('license_')) {
    return html`<div part="base state" class="state" role="status">
      <p>${t('checkout.signin')}</p>
    </div>`;
  }
  if (error.status === 400 || error.status === 404 || error.status === 409) {
    return html`<div part="base state" class="state" role="alert" data-kind="error">
      <h2>${t('checkout.blocked')}</h2>
      <p>${error.message}</p>
    </div>`;
  }
  return undefined;
}
