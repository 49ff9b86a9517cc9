import { LxEvent } from './events.js';

/** What a widget asks the learner to pay for. */
export type CheckoutRequest =
  | { kind: 'course'; courseId: string; couponCode?: string; itemName?: string }
  | { kind: 'plan'; planId: string; interval: 'month' | 'year'; itemName?: string };

export interface OpenedCheckout {
  /** The `<lx-checkout>` element, in the document's light DOM. */
  checkout: HTMLElement;
  dialog: HTMLDialogElement;
  /** Closes the checkout and gives focus back to where it was. */
  close(): void;
  /** Settles when the checkout is closed, by the learner or by `close()`. */
  closed: Promise<void>;
}

/** The opener's settings the checkout inherits (an LxElement's public properties). */
interface Opener extends HTMLElement {
  license?: string;
  api?: string;
  locale?: string;
  userToken?: string;
  tokenProvider?: () => string | undefined | Promise<string | undefined>;
}

interface Busy extends HTMLElement {
  busy?: boolean;
}

interface Kit {
  load(...tags: string[]): Promise<void>;
}

const RELAYED = ['lx-checkout-complete', 'lx-checkout-error'] as const;
/** The checkout each widget has open, and for what: a second click does not open another. */
const open = new WeakMap<HTMLElement, { opened: OpenedCheckout; key: string }>();
const TAG = 'lx-checkout';

/** The focused element, looking through open shadow roots (a widget's own button). */
function deepActive(): HTMLElement | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active as HTMLElement | null;
}

/** Registers `<lx-checkout>` through the kit loader when there is one, else from its module. */
async function ensureDefined(): Promise<void> {
  if (customElements.get(TAG)) return;
  const kit = (globalThis as { LiberationKit?: Kit }).LiberationKit;
  if (kit) await kit.load(TAG);
  if (!customElements.get(TAG)) (await import('../checkout/checkout.js')).register();
}

/**
 * Opens `<lx-checkout>` for `request` on behalf of a widget (`from`): in a dialog appended to the
 * document's body, since Stripe mounts its Payment Element only outside shadow roots. The
 * checkout inherits the opener's license, API, locale and learner; its code loads only now.
 * Escape or the close button closes it and focus returns to where it was. Its
 * `lx-checkout-complete` and `lx-checkout-error` events are dispatched again from `from`, so a
 * host listening on the opener (or an ancestor of it) hears them once.
 *
 * While it is open, asking again from the same widget for the same item focuses it; for another
 * item, it replaces it.
 * The dialog is not modal: Stripe's authentication step opens in its own layer over the page,
 * which a modal dialog would make inert. It carries `data-lx-checkout` for the host's styles.
 */
export function openCheckout(from: HTMLElement, request: CheckoutRequest): OpenedCheckout {
  const key = JSON.stringify(request);
  const current = open.get(from);
  if (current?.opened.dialog.isConnected) {
    if (current.key === key) {
      current.opened.checkout.focus();
      return current.opened;
    }
    current.opened.close();
  }
  const opener = from as Opener;
  const returnTo = deepActive();
  const dialog = document.createElement('dialog');
  dialog.setAttribute('data-lx-checkout', '');
  dialog.style.cssText =
    'position:fixed;inset:0;margin:auto;z-index:2147483000;box-sizing:border-box;' +
    'width:min(34rem,calc(100vw - 1rem));max-height:calc(100dvh - 1rem);overflow:auto;padding:0;' +
    'border:0;border-radius:12px;background:transparent;box-shadow:0 0 0 100vmax rgb(0 0 0/.45)';

  const checkout = document.createElement(TAG);
  const attrs: Record<string, string | undefined> = {
    license: opener.license,
    api: opener.api,
    locale: opener.locale,
    'user-token': opener.userToken,
    'item-name': request.itemName,
    ...(request.kind === 'course'
      ? { 'course-id': request.courseId, coupon: request.couponCode }
      : { plan: request.planId, interval: request.interval }),
  };
  for (const [name, value] of Object.entries(attrs)) {
    if (value) checkout.setAttribute(name, value);
  }
  checkout.setAttribute('closable', '');
  checkout.tabIndex = -1;
  if (opener.tokenProvider) (checkout as Opener).tokenProvider = opener.tokenProvider;
  dialog.append(checkout);

  let done!: () => void;
  const closed = new Promise<void>((resolve) => (done = resolve));
  const close = () => {
    if (!dialog.isConnected) return;
    dialog.close();
    dialog.remove();
    returnTo?.focus();
    done();
  };
  for (const type of RELAYED) {
    dialog.addEventListener(type, (event) => {
      event.stopPropagation();
      from.dispatchEvent(new LxEvent(type, (event as CustomEvent).detail));
    });
  }
  dialog.addEventListener('lx-checkout-close', close);
  dialog.addEventListener('keydown', (event) => {
    // Not while a payment is being confirmed: its outcome would be hidden.
    if (event.key === 'Escape' && !event.defaultPrevented && !(checkout as Busy).busy) {
      event.preventDefault();
      close();
    }
  });

  document.body.append(dialog);
  dialog.show();
  checkout.focus();
  ensureDefined().then(
    () => checkout.focus(),
    () => {
      close();
      from.dispatchEvent(
        new LxEvent('lx-checkout-error', {
          code: 'network_error',
          message: 'The checkout could not be loaded.',
        }),
      );
    },
  );
  const opened = { checkout, dialog, close, closed };
  open.set(from, { opened, key });
  return opened;
}
