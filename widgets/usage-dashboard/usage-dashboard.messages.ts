/**
 * English copy of the usage dashboard. It ships with the dashboard rather than in the shared
 * catalog, so other widgets do not carry it; a locale catalog or the license's white-label
 * copy overrides any key. The states the element shows before its view has arrived are here;
 * the view's own copy travels in its chunk.
 */
export const usageMessages = {
  'usage.signin': 'Sign in as an administrator to see usage and support.',
  'usage.signin.again': 'Your sign-in is no longer valid. Sign in again to see usage and support.',
  'usage.forbidden.title': 'Administrators only',
  'usage.forbidden.body':
    'This dashboard is for your organization’s administrators. Ask one of them for access.',
} as const;

export type UsageKey = keyof typeof usageMessages;
