import { LxEvent } from '../internal/events.js';

export interface LxCheckoutErrorDetail {
  /** The server's problem code, Stripe's error code (`card_declined`, …) or `network_error`. */
  code: string;
  message: string;
  /** Stripe's decline code when the card was declined (`generic_decline`, `insufficient_funds`, …). */
  declineCode?: string;
}

/** Fired when a checkout could not start or a payment attempt failed; the learner may retry. */
export class LxCheckoutErrorEvent extends LxEvent<LxCheckoutErrorDetail> {
  constructor(detail: LxCheckoutErrorDetail) {
    super('lx-checkout-error', detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'lx-checkout-error': LxCheckoutErrorEvent;
  }
}
