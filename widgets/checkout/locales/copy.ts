import type { FlowKey } from '../checkout-flow.messages.js';
import type { CheckoutKey } from '../checkout.messages.js';

/** Every key of the checkout and its flow: a translation covers them all. */
export type CheckoutCopy = Record<CheckoutKey | FlowKey, string>;
