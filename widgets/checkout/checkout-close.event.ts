import { LxEvent } from '../internal/events.js';

/** With `closable`: fired when the learner presses the close button, or Escape in the card form. */
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
