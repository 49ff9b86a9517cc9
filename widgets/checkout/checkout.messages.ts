// Copy only: kept apart from the element so the server can list it without loading Lit.
/**
 * English copy of the checkout. It ships with the checkout rather than in the shared catalog,
 * so other widgets do not carry it; a locale catalog or the license's white-label copy
 * overrides any key. Only what the element shows before its flow has loaded is here.
 */
export const checkoutMessages = {
  'checkout.signin': 'Sign in to buy.',
  'checkout.close': 'Close checkout',
  'checkout.title': 'Checkout',
} as const;

export type CheckoutKey = keyof typeof checkoutMessages;
