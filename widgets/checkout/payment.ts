import { stripeAppearance } from '../../themes/stripe.js';
import type { Theme } from '../internal/theme.js';

/*
 * Stripe.js and its Payment Element. This chunk, and Stripe.js itself, load only when a learner
 * starts paying. Only the few calls the checkout makes are typed here.
 */

export interface StripeError {
  type: string;
  code?: string;
  decline_code?: string;
  message: string;
}

export interface ConfirmResult {
  error?: StripeError;
  intent?: { id: string; status: string };
}

interface StripeElement {
  mount(node: HTMLElement): void;
  on(
    event: 'ready' | 'loaderror' | 'escape',
    handler: (event: { error?: StripeError }) => void,
  ): void;
  focus(): void;
  destroy(): void;
}

interface StripeElements {
  create(type: 'payment'): StripeElement;
}

type Confirm = (options: {
  elements: StripeElements;
  redirect: 'if_required';
  confirmParams: { return_url: string };
}) => Promise<{
  error?: StripeError;
  paymentIntent?: { id: string; status: string };
  setupIntent?: { id: string; status: string };
}>;

interface Stripe {
  elements(options: { clientSecret: string; appearance: object; locale?: string }): StripeElements;
  confirmPayment: Confirm;
  confirmSetup: Confirm;
}

type StripeFactory = (publishableKey: string) => Stripe;

declare global {
  interface Window {
    Stripe?: StripeFactory;
  }
}

export interface PaymentHandle {
  focus(): void;
  confirm(): Promise<ConfirmResult>;
  destroy(): void;
}

let loading: Promise<StripeFactory> | undefined;

/** Adds Stripe.js to the page once; concurrent callers share the one script. */
function loadStripe(url: string): Promise<StripeFactory> {
  if (window.Stripe) return Promise.resolve(window.Stripe);
  loading ??= new Promise<StripeFactory>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = url;
    script.async = true;
    script.onload = () =>
      window.Stripe ? resolve(window.Stripe) : reject(new Error('Stripe.js did not start.'));
    script.onerror = () => {
      loading = undefined;
      script.remove();
      reject(new Error('Stripe.js could not be loaded.'));
    };
    document.head.append(script);
  });
  return loading;
}

/** The scheme the page shows now, for a theme that follows the visitor's preference. */
function schemeOf(theme: Theme): 'light' | 'dark' {
  if (theme.mode === 'dark') return 'dark';
  return theme.mode === 'auto' && matchMedia('(prefers-color-scheme: dark)').matches
    ? 'dark'
    : 'light';
}

/**
 * Loads Stripe.js from `url`, mounts the Payment Element for `clientSecret` in `node` (a
 * light-DOM node: Stripe refuses shadow roots), themed like the widgets, and resolves once it
 * is ready. A client secret of a setup intent (a subscription's trial) confirms as a setup.
 */
export async function mountPayment(options: {
  url: string;
  publishableKey: string;
  clientSecret: string;
  theme: Theme;
  locale: string;
  node: HTMLElement;
  onEscape: () => void;
}): Promise<PaymentHandle> {
  const factory = await loadStripe(options.url);
  const stripe = factory(options.publishableKey);
  const elements = stripe.elements({
    clientSecret: options.clientSecret,
    appearance: stripeAppearance(options.theme, schemeOf(options.theme)),
    locale: options.locale,
  });
  const element = elements.create('payment');
  // Keys pressed in Stripe's frame do not reach the page: Escape is reported instead.
  element.on('escape', () => options.onEscape());
  await new Promise<void>((resolve, reject) => {
    element.on('ready', () => resolve());
    element.on('loaderror', (event) =>
      reject(new Error(event.error?.message ?? 'The payment form could not be loaded.')),
    );
    element.mount(options.node);
  });
  const setup = options.clientSecret.startsWith('seti_');
  return {
    focus: () => element.focus(),
    confirm: async () => {
      const confirm = setup ? stripe.confirmSetup : stripe.confirmPayment;
      const result = await confirm.call(stripe, {
        elements,
        redirect: 'if_required',
        confirmParams: { return_url: location.href },
      });
      const intent = result.paymentIntent ?? result.setupIntent;
      return result.error ? { error: result.error } : intent ? { intent } : {};
    },
    destroy: () => element.destroy(),
  };
}
