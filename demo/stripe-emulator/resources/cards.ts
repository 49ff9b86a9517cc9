/**
 * Stripe's test cards, by number and by the `pm_card_…` ids Stripe accepts in test mode.
 * Outcomes depend on how the card is used: on-session (the customer is present and can
 * authenticate), off-session (renewals), or when attached to a customer.
 */
export interface Decline {
  kind: 'decline';
  code: string;
  declineCode: string;
  message: string;
  param?: string;
}

export type CardOutcome = { kind: 'succeed' } | { kind: 'authenticate' } | Decline;

export interface TestCard {
  number: string;
  brand: 'visa' | 'mastercard' | 'amex';
  funding: 'credit' | 'debit';
  country: string;
  onSession: CardOutcome;
  offSession: CardOutcome;
  attach: CardOutcome;
}

const SUCCEED: CardOutcome = { kind: 'succeed' };
const AUTHENTICATE: CardOutcome = { kind: 'authenticate' };

export const DECLINES = {
  generic: {
    kind: 'decline',
    code: 'card_declined',
    declineCode: 'generic_decline',
    message: 'Your card was declined.',
  },
  insufficientFunds: {
    kind: 'decline',
    code: 'card_declined',
    declineCode: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
  expired: {
    kind: 'decline',
    code: 'expired_card',
    declineCode: 'expired_card',
    message: 'Your card has expired.',
    param: 'exp_month',
  },
  incorrectCvc: {
    kind: 'decline',
    code: 'incorrect_cvc',
    declineCode: 'incorrect_cvc',
    message: "Your card's security code is incorrect.",
    param: 'cvc',
  },
  authenticationRequired: {
    kind: 'decline',
    code: 'authentication_required',
    declineCode: 'authentication_required',
    message: 'Your card was declined. This transaction requires authentication.',
  },
} as const satisfies Record<string, Decline>;

function card(
  number: string,
  brand: TestCard['brand'],
  outcomes: Partial<Pick<TestCard, 'onSession' | 'offSession' | 'attach'>> = {},
  funding: TestCard['funding'] = 'credit',
): TestCard {
  return {
    number,
    brand,
    funding,
    country: 'US',
    onSession: outcomes.onSession ?? SUCCEED,
    offSession: outcomes.offSession ?? outcomes.onSession ?? SUCCEED,
    attach: outcomes.attach ?? SUCCEED,
  };
}

const CARDS: readonly TestCard[] = [
  card('4242424242424242', 'visa'),
  card('4000056655665556', 'visa', {}, 'debit'),
  card('5555555555554444', 'mastercard'),
  card('378282246310005', 'amex'),
  card('4000000000000002', 'visa', { onSession: DECLINES.generic, attach: DECLINES.generic }),
  card('4000000000009995', 'visa', {
    onSession: DECLINES.insufficientFunds,
    attach: DECLINES.insufficientFunds,
  }),
  card('4000000000000069', 'visa', { onSession: DECLINES.expired, attach: DECLINES.expired }),
  card('4000000000000127', 'visa', {
    onSession: DECLINES.incorrectCvc,
    attach: DECLINES.incorrectCvc,
  }),
  // Attaches fine, then every charge fails: the card that makes a renewal fail.
  card('4000000000000341', 'visa', { onSession: DECLINES.generic }),
  // Authentication on-session; once set up, off-session payments go through.
  card('4000002500003155', 'visa', {
    onSession: AUTHENTICATE,
    offSession: SUCCEED,
    attach: SUCCEED,
  }),
  // Authentication on every payment, even off-session.
  card('4000002760003184', 'visa', {
    onSession: AUTHENTICATE,
    offSession: AUTHENTICATE,
    attach: SUCCEED,
  }),
];

const BY_NUMBER = new Map(CARDS.map((c) => [c.number, c]));

/** Stripe's test-mode payment method ids and the card each stands for. */
export const MAGIC_PAYMENT_METHODS: Readonly<Record<string, string>> = {
  pm_card_visa: '4242424242424242',
  pm_card_visa_debit: '4000056655665556',
  pm_card_mastercard: '5555555555554444',
  pm_card_amex: '378282246310005',
  pm_card_chargeDeclined: '4000000000000002',
  pm_card_chargeDeclinedInsufficientFunds: '4000000000009995',
  pm_card_chargeDeclinedExpiredCard: '4000000000000069',
  pm_card_chargeDeclinedIncorrectCvc: '4000000000000127',
  pm_card_chargeCustomerFail: '4000000000000341',
  pm_card_authenticationRequired: '4000002500003155',
  pm_card_authenticationRequiredOnSetup: '4000002500003155',
  pm_card_threeDSecureRequired: '4000002760003184',
};

export function luhnValid(number: string): boolean {
  if (!/^\d{12,19}$/.test(number)) return false;
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let digit = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

function brandOf(number: string): TestCard['brand'] {
  if (/^3[47]/.test(number)) return 'amex';
  if (/^(5[1-5]|2[2-7])/.test(number)) return 'mastercard';
  return 'visa';
}

/** The behaviour of a card number; numbers outside Stripe's list behave like 4242. */
export function cardFor(number: string): TestCard {
  return BY_NUMBER.get(number) ?? card(number, brandOf(number));
}
