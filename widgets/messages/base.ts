/** English copy every widget shares: the loading, refusal and error states of the base element. */
export const baseMessages = {
  'state.loading': 'Loading…',
  'state.license.title': 'This feature is unavailable',
  'state.license.body': 'The site’s Liberation Kit license is not valid.',
  'state.origin.title': 'Not available on this site',
  'state.origin.body': 'This website is not allowed to use this license.',
  'state.limit.title': 'Temporarily unavailable',
  'state.limit.body': 'This service has reached its usage limit. Please try again later.',
  'state.network.title': 'Can’t reach the server',
  'state.network.body': 'Check your connection and try again.',
  'state.error.title': 'Something went wrong',
  'state.error.body': 'Please try again in a moment.',
  'state.reference': 'Reference: {id}',
  'action.retry': 'Try again',
} as const;

export type BaseKey = keyof typeof baseMessages;
