import type { CheckoutFlowKey } from '../../messages/checkout-flow.js';
import type { CheckoutKey } from '../../messages/checkout.js';

/** Every key of the checkout and its flow: a translation covers them all. */
export type CheckoutCopy = Record<CheckoutKey | CheckoutFlowKey, string>;
