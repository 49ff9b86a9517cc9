import { LxEvent } from '../internal/events.js';

export interface LxCheckoutCompleteDetail {
  kind: 'course' | 'plan';
  /** The item paid for, as the server stored it (a course id, or `plan:interval`). */
  item: string;
  paymentId: string;
  paymentIntentId: string;
  /** Integer minor units. */
  amount: number;
  currency: string;
  /** Absolute URL of the printable receipt, or null when it is not ready yet. */
  receiptUrl: string | null;
  /** `subscription` when the payment started a subscription. */
  mode: 'payment' | 'subscription';
}

/** Fired once a payment succeeded. A partner page grants access from its own server's webhooks. */
export class LxCheckoutCompleteEvent extends LxEvent<LxCheckoutCompleteDetail> {
  constructor(detail: LxCheckoutCompleteDetail) {
    super('lx-checkout-complete', detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'lx-checkout-complete': LxCheckoutCompleteEvent;
  }
}
