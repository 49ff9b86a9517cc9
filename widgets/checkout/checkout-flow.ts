import type { TemplateResult } from 'lit';
import type { CheckoutRequest, CheckoutSession } from '../../server/modules/payments/contract.js';
import type { ApiClient, LxApiError } from '../internal/api-client.js';
import type { EmbedConfig } from '../internal/config-store.js';
import type { Theme } from '../internal/theme.js';
import { addEnglish, languageOf, type Translate } from '../internal/i18n.js';
import { safeUrl } from '../internal/urls.js';
import { checkoutFlowMessages } from '../messages/checkout-flow.js';
import { LxCheckoutCompleteEvent } from './checkout-complete.event.js';
import { LxCheckoutErrorEvent } from './checkout-error.event.js';
import { doneTitle, renderCheckout, renderLoading, renderRefusal } from './checkout-view.js';
import type * as Pay from './payment.js';
import { formText } from '../internal/forms.js';

export { flowStyles } from './checkout-flow.styles.js';

addEnglish(checkoutFlowMessages);

/*
 * The checkout once it has something to sell: the session, the coupon, starting and confirming
 * the payment, and the receipt; what it shows is in checkout-view.ts. The element fetches this
 * chunk alongside its first request; Stripe.js and the code that drives it (payment.js) load
 * only when the learner starts paying.
 */

export type SessionRequest = CheckoutRequest;
/** What checkout returns; a subscription says which intent to confirm and when a trial ends. */
export type Session = CheckoutSession & {
  intentType?: 'payment' | 'setup';
  trialEnd?: string | null;
};

export interface Price {
  amount: number;
  currency: string;
}

interface Payment {
  kind: string;
  item: string;
  status: string;
  receiptUrl?: string | null;
}

export interface Course {
  title: string;
  price?: Price;
  instructor?: { name: string };
}

interface PlanInfo {
  id: string;
  name: string;
  prices: (Price & { interval: string })[];
}

export interface FlowHost {
  /** The `<lx-checkout>` element: events leave from it, the Payment Element mounts in its light DOM. */
  element: HTMLElement;
  request: SessionRequest;
  itemName: string | undefined;
  client: ApiClient;
  config: EmbedConfig;
  /** The theme the Payment Element is styled after (the element's own, else the license's). */
  theme: Theme;
  locale: string;
  t: Translate;
  update(): void;
  /** The learner pressed Escape inside the Payment Element. */
  escape(): void;
  problem(error: LxApiError, retry: () => void): TemplateResult;
}

export type Phase =
  | 'loading'
  | 'ready'
  | 'starting'
  | 'paying'
  | 'processing'
  | 'authenticating'
  | 'succeeded'
  | 'error';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class CheckoutFlow {
  readonly #host: FlowHost;
  #session: Session | undefined;
  #error: LxApiError | undefined;
  #course: Course | undefined;
  #planName: string | undefined;
  #planPrice: Price | undefined;
  #phase: Phase = 'loading';
  /** What the live region says. */
  #status = '';
  #failure = '';
  #declined = false;
  #coupon: string | undefined;
  #couponError = '';
  #busy = false;
  #slot: HTMLElement | undefined;
  #payment: Pay.PaymentHandle | undefined;
  #receipt: string | null = null;
  /** True while the receipt may still arrive. */
  #receiptPending = false;
  #watch: MutationObserver | undefined;
  #disposed = false;

  constructor(host: FlowHost) {
    this.#host = host;
  }

  /** Takes the session the element asked for, and loads what the summary shows. */
  async start(session: Promise<Session>): Promise<void> {
    const { request } = this.#host;
    await Promise.all([
      this.#loadItem(),
      session.then(
        (s) => {
          this.#session = s;
          this.#coupon = request.kind === 'course' ? request.couponCode : undefined;
        },
        (error: LxApiError) => (this.#error = error),
      ),
    ]);
    if (this.#disposed) return;
    if (this.#error && request.kind === 'course' && request.couponCode) {
      // A coupon given by the page but refused: say so at the coupon field, sell without it.
      this.#couponError = this.#refusal(this.#error);
      this.#error = undefined;
      await this.#create({ ...request, couponCode: undefined }).then(
        (s) => (this.#session = s),
        (error: LxApiError) => (this.#error = error),
      );
    }
    if (this.#error) this.#fail(this.#error.code, this.#error.message);
    this.#phase = this.#error ? 'error' : 'ready';
    this.#host.update();
  }

  /** True while a payment is being confirmed (and may still need the learner's bank). */
  get paying(): boolean {
    return this.#phase === 'processing' || this.#phase === 'authenticating';
  }

  dispose(): void {
    this.#disposed = true;
    this.#watch?.disconnect();
    this.#payment?.destroy();
    this.#slot?.remove();
  }

  #create(request: SessionRequest): Promise<Session> {
    return this.#host.client.post<Session>('v1/checkout/sessions', request);
  }

  async #loadItem(): Promise<void> {
    const { request, client } = this.#host;
    try {
      if (request.kind === 'course') {
        this.#course = await client.get<Course>(
          `v1/courses/${encodeURIComponent(request.courseId)}`,
        );
      } else {
        const { plans } = await client.get<{ plans: PlanInfo[] }>('v1/plans');
        const plan = plans.find((p) => p.id === request.planId);
        this.#planName = plan?.name;
        this.#planPrice = plan?.prices.find((p) => p.interval === request.interval);
      }
    } catch {
      // The summary falls back on the name the page gave and the session's amount.
    }
  }

  #refusal(error: LxApiError): string {
    // The server's own sentence (its problem detail) says why, in English; other languages
    // get the translated sentence.
    return languageOf(this.#host.locale) === 'en' && error.message
      ? error.message
      : this.#host.t('checkout.coupon.refused');
  }

  get #itemName(): string {
    const { request, itemName } = this.#host;
    if (request.kind === 'plan') {
      const name = this.#planName ?? itemName ?? request.planId;
      return this.#host.t('checkout.plan', { plan: name });
    }
    return this.#course?.title ?? itemName ?? this.#host.t('checkout.course');
  }

  /** Shows a failed attempt (the learner may try again) and tells the page. */
  #fail(code: string, message: string, decline?: string, declined = false): void {
    this.#failure = message;
    this.#declined = declined;
    this.#status = `${this.#host.t(declined ? 'checkout.declined' : 'checkout.failed')}. ${message}`;
    this.#host.element.dispatchEvent(
      new LxCheckoutErrorEvent({ code, message, ...(decline ? { declineCode: decline } : {}) }),
    );
  }

  /** Moves focus to the element matching `selector` once it is rendered. */
  async #focus(selector: string): Promise<void> {
    this.#host.update();
    await (this.#host.element as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    this.#host.element.shadowRoot?.querySelector<HTMLElement>(selector)?.focus();
  }

  async #applyCoupon(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const { request } = this.#host;
    const code = formText(new FormData(event.target as HTMLFormElement), 'coupon').trim();
    if (request.kind !== 'course' || !code || this.#busy) return;
    this.#busy = true;
    this.#couponError = '';
    this.#status = '';
    this.#host.update();
    try {
      this.#session = await this.#create({ ...request, couponCode: code });
      this.#coupon = code;
      this.#status = this.#host.t('checkout.coupon.applied', { code });
    } catch (error) {
      this.#couponError = this.#refusal(error as LxApiError);
    } finally {
      this.#busy = false;
    }
    // A refusal takes the learner back to the field; an applied coupon is announced.
    if (this.#couponError) await this.#focus('#coupon');
    else this.#host.update();
  }

  /** The learner starts paying: only now Stripe.js loads and the Payment Element mounts. */
  async #begin(): Promise<void> {
    const { config, element } = this.#host;
    const session = this.#session;
    if (!session || this.#busy) return;
    const { stripeJsUrl, stripePublishableKey } = config.payments;
    if (!stripePublishableKey) {
      this.#fail('service_unavailable', this.#host.t('checkout.unavailable'));
      return void this.#focus('.failure h3');
    }
    this.#busy = true;
    this.#phase = 'starting';
    this.#failure = '';
    this.#status = this.#host.t('checkout.starting');
    this.#slot ??= Object.assign(document.createElement('div'), { slot: 'payment' });
    element.append(this.#slot);
    this.#host.update();
    try {
      const pay = await import('./payment.js');
      this.#payment = await pay.mountPayment({
        url: stripeJsUrl ?? 'https://js.stripe.com/v3/',
        publishableKey: stripePublishableKey,
        clientSecret: session.clientSecret,
        theme: this.#host.theme,
        locale: this.#host.locale,
        node: this.#slot,
        onEscape: () => this.#host.escape(),
      });
      this.#phase = 'paying';
      this.#status = '';
      this.#payment.focus();
    } catch (error) {
      this.#slot.remove();
      this.#slot = undefined;
      this.#phase = 'ready';
      this.#fail('stripe_unavailable', (error as Error).message);
    } finally {
      this.#busy = false;
    }
    if (this.#failure) return void this.#focus('.failure h3');
    this.#host.update();
  }

  async #pay(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const payment = this.#payment;
    if (!payment || this.#busy) return;
    this.#busy = true;
    this.#phase = 'processing';
    this.#failure = '';
    this.#status = this.#host.t('checkout.processing');
    this.#host.update();
    // Stripe shows a bank's authentication step in a layer of its own over the page.
    this.#watch = new MutationObserver((records) => {
      const added = records.some((r) => [...r.addedNodes].some((n) => n.nodeType === 1));
      const removed = records.some((r) => r.removedNodes.length > 0);
      if (added && this.#phase === 'processing') {
        this.#phase = 'authenticating';
        this.#status = this.#host.t('checkout.authenticating');
      } else if (removed && this.#phase === 'authenticating') {
        this.#phase = 'processing';
        this.#status = this.#host.t('checkout.processing');
      }
      this.#host.update();
    });
    this.#watch.observe(document.body, { childList: true });
    let result: Pay.ConfirmResult;
    try {
      result = await payment.confirm();
    } catch (error) {
      result = { error: { type: 'api_error', message: (error as Error).message } };
    }
    this.#watch.disconnect();
    this.#busy = false;
    if (this.#disposed) return;
    const { error, intent } = result;
    if (error) {
      if (error.type === 'validation_error') {
        this.#phase = 'paying';
        this.#status = error.message;
        this.#host.update();
        return payment.focus();
      }
      this.#phase = 'paying';
      this.#fail(
        error.code ?? error.type,
        error.message,
        error.decline_code,
        error.type === 'card_error',
      );
      return void this.#focus('.failure h3');
    }
    if (intent && !['succeeded', 'processing', 'requires_capture'].includes(intent.status)) {
      this.#phase = 'paying';
      this.#fail(intent.status, this.#host.t('checkout.retry'));
      return void this.#focus('.failure h3');
    }
    await this.#succeeded();
  }

  async #succeeded(): Promise<void> {
    const session = this.#session!;
    const { client, request } = this.#host;
    this.#phase = 'succeeded';
    this.#status = doneTitle(session, this.#host.t);
    this.#payment?.destroy();
    this.#payment = undefined;
    this.#slot?.remove();
    this.#slot = undefined;
    const setup = session.intentType === 'setup' || session.paymentIntentId.startsWith('seti_');
    this.#receiptPending = !setup;
    void this.#focus('[part~="result"] h2');
    // The receipt exists once Stripe's webhook has reached the server: ask a few times. A trial
    // pays nothing, so it has none.
    let payment: Payment | undefined;
    for (let i = 0; i < 20 && !setup && !this.#disposed; i++) {
      try {
        payment = await client.get<Payment>(
          `v1/checkout/sessions/${encodeURIComponent(session.paymentIntentId)}`,
        );
        if (payment.receiptUrl) {
          this.#receipt = safeUrl(payment.receiptUrl, client.base) ?? null;
          break;
        }
      } catch (error) {
        // Not recorded yet; a payment checkout does not know (a renewal's invoice) has none.
        if ((error as LxApiError).status === 404) break;
      }
      await sleep(250);
    }
    if (this.#disposed) return;
    this.#receiptPending = false;
    this.#host.update();
    this.#host.element.dispatchEvent(
      new LxCheckoutCompleteEvent({
        kind: request.kind,
        item:
          payment?.item ??
          (request.kind === 'course' ? request.courseId : `${request.planId}:${request.interval}`),
        paymentId: session.paymentId,
        paymentIntentId: session.paymentIntentId,
        amount: session.amount,
        currency: session.currency,
        receiptUrl: this.#receipt,
        mode: session.mode,
      }),
    );
  }

  render(): TemplateResult {
    const { t, locale, request } = this.#host;
    const session = this.#session;
    if (this.#phase === 'loading') return renderLoading(t);
    if (!session) {
      const error = this.#error!;
      return renderRefusal(error, t) ?? this.#host.problem(error, () => void this.#retry());
    }
    return renderCheckout({
      t,
      locale,
      request,
      session,
      phase: this.#phase,
      itemName: this.#itemName,
      course: this.#course,
      planPrice: this.#planPrice,
      coupon: this.#coupon,
      couponError: this.#couponError,
      busy: this.#busy,
      failure: this.#failure,
      declined: this.#declined,
      status: this.#status,
      receipt: this.#receipt,
      receiptPending: this.#receiptPending,
      onCoupon: (event) => void this.#applyCoupon(event),
      onBegin: () => void this.#begin(),
      onPay: (event) => void this.#pay(event),
    });
  }

  async #retry(): Promise<void> {
    this.#error = undefined;
    this.#phase = 'loading';
    this.#host.update();
    await this.start(this.#create(this.#host.request));
  }
}
