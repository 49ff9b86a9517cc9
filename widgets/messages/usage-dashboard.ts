/** English copy the usage dashboard shows before its view has loaded. */
export const usageMessages = {
  'usage.signin': 'Sign in as an administrator to see usage and support.',
} as const;

export type UsageKey = keyof typeof usageMessages;
