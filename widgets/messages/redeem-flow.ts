/** English copy of the wallet’s redemption step, loaded with that step. */
export const redeemMessages = {
  'wallet.confirm': 'Redeem {title} for {cost}?',
  'wallet.confirm.yes': 'Confirm',
  'wallet.cancel': 'Cancel',
  'wallet.shipping': 'Shipping address',
  'wallet.field.name': 'Full name',
  'wallet.field.line1': 'Street address',
  'wallet.field.city': 'City',
  'wallet.field.postalCode': 'Postal code',
  'wallet.field.country': 'Country code (2 letters)',
  'wallet.short': 'Your balance does not cover this reward.',
  'wallet.done': 'Redeemed {title}.',
  'wallet.coupon': 'Your code: {code}',
} as const;

export type RedeemKey = keyof typeof redeemMessages;
