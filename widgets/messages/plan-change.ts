/** English copy of the pricing table’s plan change step, loaded with that step. */
export const planChangeMessages = {
  'pricing.change.title': 'Switch to {plan}?',
  'pricing.change.loading': 'Working out the price…',
  'pricing.change.due': 'Due now: {amount}, for the rest of the current period.',
  'pricing.change.credit': 'Nothing to pay now: {amount} is credited to your next invoices.',
  'pricing.change.confirm': 'Switch to {plan}',
  'pricing.change.keep': 'Keep my plan',
  'pricing.change.done': 'You are now on {plan}.',
  'pricing.change.failed': 'Nothing was changed: {message}',
  'pricing.cancel.title': 'Move to {plan}?',
  'pricing.cancel.body':
    'Your {current} plan is cancelled at the end of its period: you keep it until {date}.',
  'pricing.cancel.confirm': 'Cancel {current} at period end',
  'pricing.cancel.done': 'Your {current} plan ends on {date}.',
  'pricing.resume.body': 'Your {current} plan ends on {date}. Resume it to keep it after that.',
  'pricing.resume.confirm': 'Resume {current}',
  'pricing.resume.done': 'Your {current} plan continues.',
  'pricing.change.close': 'Close',
} as const;

export type PlanChangeKey = keyof typeof planChangeMessages;
