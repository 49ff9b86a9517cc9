/** English copy the checkout shows before its flow has loaded. */
export const checkoutMessages = {
  'checkout.signin': 'Sign in to buy.',
  'checkout.close': 'Close checkout',
  'checkout.title': 'Checkout',
} as const;

export type CheckoutKey = keyof typeof checkoutMessages;
