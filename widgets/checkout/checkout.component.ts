import { css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { LxApiError } from '../internal/api-client.js';
import { LxElement } from '../internal/base-element.js';
import type { EmbedConfig } from '../internal/config-store.js';
import { addEnglish, type Translations } from '../internal/i18n.js';
import { adoptStyles } from '../internal/theme.js';
import { checkoutMessages } from '../messages/checkout.js';
import type * as Flow from './checkout-flow.js';
import { LxCheckoutCloseEvent } from './checkout-close.event.js';

addEnglish(checkoutMessages);

/**
 * @tagname lx-checkout
 * @summary Pays for a course or starts a subscription: order summary, coupon, Stripe's Payment
 * Element themed from the license theme, and the receipt at the end.
 *
 * @event lx-checkout-complete - The payment succeeded. `detail` is `{ kind, item, paymentId, paymentIntentId, amount, currency, receiptUrl, mode }`.
 * @event lx-checkout-error - Checkout could not start or a payment attempt failed (the learner may retry). `detail` is `{ code, message, declineCode? }`.
 * @event lx-checkout-close - With `closable`: the learner pressed the close button, or Escape in the card form.
 * @event lx-error - The widget cannot work (license, origin, limit, network). `detail` is `{ code, status, message }`.
 *
 * @slot payment - Filled by the checkout itself: the light-DOM node Stripe's Payment Element mounts in (Stripe refuses shadow roots).
 *
 * @csspart base - The wrapper around the checkout.
 * @csspart summary - The order summary.
 * @csspart total - The total line.
 * @csspart coupon - The coupon form.
 * @csspart pay - The continue and pay buttons.
 * @csspart status - The live region announcing processing, authentication and failures.
 * @csspart result - The confirmation shown once the payment succeeded.
 * @csspart receipt - The receipt link.
 * @csspart close - The close button (with `closable`).
 * @csspart state - A loading, signed-out or error state.
 *
 * @cssproperty --lx-checkout-max-width - Widest the checkout gets (34rem).
 */
export class LxCheckout extends LxElement {
  static override translations: Translations = {
    ar: () => import('./locales/ar.js'),
    de: () => import('./locales/de.js'),
    fr: () => import('./locales/fr.js'),
  };

  static override styles = [
    ...LxElement.styles,
    css`
      :host {
        position: relative;
        max-width: var(--lx-checkout-max-width, 34rem);
      }
      [part~='close'] {
        position: absolute;
        inset-inline-end: 0.5rem;
        top: 0.5rem;
        z-index: 1;
        padding: 0 0.6rem;
        background: transparent;
        color: var(--_muted);
        font-size: 1.4em;
      }
    `,
  ];

  static override properties = {
    ...LxElement.properties,
    courseId: { attribute: 'course-id' },
    plan: {},
    interval: {},
    coupon: {},
    itemName: { attribute: 'item-name' },
    closable: { type: Boolean },
    loadError: { state: true },
  };

  /** The course to buy. */
  declare courseId?: string;
  /** The plan to subscribe to (with `interval`), instead of a course. */
  declare plan?: string;
  /** Billing period of `plan`. */
  declare interval: 'month' | 'year';
  /** A coupon code to apply from the start (courses only). */
  declare coupon?: string;
  /** The item's name to show until the server's own has loaded. */
  declare itemName?: string;
  /** Shows a close button that fires `lx-checkout-close` (as does Escape in the card form). */
  declare closable: boolean;
  declare private loadError: LxApiError | undefined;
  #mod: typeof Flow | undefined;
  /** Counts starts: a start overtaken by a newer one (a learner signed in meanwhile) stops. */
  #run = 0;
  #starting = false;
  /** Whether the latest start had a learner; unset before the first start. */
  #startedSignedIn: boolean | undefined;
  #flow: Flow.CheckoutFlow | undefined;

  constructor() {
    super();
    this.interval = 'month';
    this.closable = false;
  }

  /** What to pay for, from the attributes. */
  get #request(): Flow.SessionRequest | undefined {
    if (this.courseId) {
      return {
        kind: 'course',
        courseId: this.courseId,
        ...(this.coupon ? { couponCode: this.coupon } : {}),
      };
    }
    return this.plan ? { kind: 'plan', planId: this.plan, interval: this.interval } : undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const keys = ['courseId', 'plan', 'interval', 'coupon', 'itemName', 'locale'] as const;
    const learner = changed.has('userToken') || changed.has('tokenProvider');
    if (!this.config) return;
    // The first start comes with the configuration. A learner set before the element
    // upgraded arrives in the first update, possibly after that start: start again then.
    const restart = this.hasUpdated
      ? learner || keys.some((k) => changed.has(k))
      : learner && this.#startedSignedIn === false && this.signedIn;
    if (restart) void this.#start();
  }

  protected override configReady(_config: EmbedConfig): void {
    if (!this.#flow && !this.#starting) void this.#start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#run++;
    this.#starting = false;
    this.#flow?.dispose();
    this.#flow = undefined;
  }

  /** True while a payment is being confirmed: closing now would hide its outcome. */
  get busy(): boolean {
    return this.#flow?.paying ?? false;
  }

  /** Starts (or starts over) the checkout for the current attributes. */
  async #start(): Promise<void> {
    const run = ++this.#run;
    this.#starting = true;
    this.#startedSignedIn = this.signedIn;
    const request = this.signedIn ? this.#request : undefined;
    this.loadError = undefined;
    this.#flow?.dispose();
    this.#flow = undefined;
    // The flow's code arrives alongside the first request.
    const session = request && this.client.post<Flow.Session>('v1/checkout/sessions', request);
    session?.catch(() => undefined);
    try {
      this.#mod ??= await import('./checkout-flow.js');
    } catch {
      if (run === this.#run) {
        this.#starting = false;
        this.loadError = new LxApiError('network_error', 0, 'The checkout could not be loaded.');
      }
      return;
    }
    if (run !== this.#run) return;
    this.#starting = false;
    if (!session) return this.requestUpdate();
    adoptStyles(this, this.#mod.flowStyles);
    this.#flow = new this.#mod.CheckoutFlow({
      element: this,
      request,
      itemName: this.itemName,
      client: this.client,
      config: this.config!,
      theme: this.theme ?? this.config!.theme,
      locale: this.resolvedLocale,
      t: this.msg,
      update: () => this.requestUpdate(),
      escape: () => this.closable && !this.busy && this.#close(),
      problem: (error, retry) => this.renderProblem(error, retry),
    });
    await this.#flow.start(session);
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // In a dialog (openCheckout's), name it after the checkout.
    this.closest('dialog')?.setAttribute('aria-label', this.msg('checkout.title'));
  }

  #close(): void {
    this.dispatchEvent(new LxCheckoutCloseEvent());
  }

  protected override renderReady(_config: EmbedConfig): TemplateResult {
    const close = this.closable
      ? html`<button
          part="close"
          aria-label=${this.msg('checkout.close')}
          ?disabled=${this.busy}
          @click=${this.#close}
        >
          ×
        </button>`
      : nothing;
    let body: TemplateResult;
    if (!this.signedIn) {
      body = this.renderStatus(this.msg('checkout.signin'));
    } else if (!this.#request) {
      body = this.renderStatus(this.msg('checkout.empty'));
    } else if (this.loadError) {
      body = this.renderProblem(this.loadError, () => void this.#start());
    } else {
      body = this.#flow?.render() ?? this.renderLoading();
    }
    return html`${close}${body}`;
  }
}
