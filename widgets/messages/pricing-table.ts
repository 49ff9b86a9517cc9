/** English copy of the pricing table. */
export const pricingMessages = {
  'pricing.title': 'Choose your plan',
  'pricing.billing': 'Billing period',
  'pricing.monthly': 'Monthly',
  'pricing.yearly': 'Yearly',
  'pricing.save': 'Save {percent}%',
  'pricing.per.month': '/ month',
  'pricing.per.year': '/ year',
  'pricing.free': 'Free',
  'pricing.recommended': 'Recommended',
  'pricing.current': 'Your plan',
  'pricing.choose': 'Choose {plan}',
  'pricing.trial': '{days}-day free trial',
  'pricing.empty': 'No plans are offered yet.',
} as const;

export type PricingKey = keyof typeof pricingMessages;
