import { LxEvent } from '../internal/events.js';

/** Fired when the learner presses the checkout's close button (shown with `closable`). */
export class LxCheckoutCloseEvent extends LxEvent<null> {
  constructor() {
    super('lx-checkout-close', null);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'lx-checkout-close': LxCheckoutCloseEvent;
  }
}
