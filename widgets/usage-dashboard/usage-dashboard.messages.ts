/**
 * English copy of the usage dashboard. It ships with the dashboard rather than in the shared
 * catalog, so other widgets do not carry it; a locale catalog or the license's white-label
 * copy overrides any key. Only what the element shows without its view is here; the rest
 * travels in the view's chunk.
 */
export const usageMessages = {
  'usage.signin': 'Sign in as an administrator to see usage and support.',
} as const;

export type UsageKey = keyof typeof usageMessages;
