/**
 * Every widget the kit ships: tag → source entry. The build emits one file per entry,
 * named after the tag, and the loader fetches it when the tag first appears in the page.
 */
export const widgetEntries = {
  'lx-pricing-table': 'widgets/pricing-table/pricing-table.ts',
  'lx-theme-editor': 'widgets/theme-editor/theme-editor.ts',
  'lx-usage-dashboard': 'widgets/usage-dashboard/usage-dashboard.ts',
  'lx-token-wallet': 'widgets/token-wallet/token-wallet.ts',
  'lx-leaderboard': 'widgets/leaderboard/leaderboard.ts',
  'lx-checkout': 'widgets/checkout/checkout.ts',
  'lx-course-catalog': 'widgets/course-catalog/course-catalog.ts',
} as const;

export type WidgetTag = keyof typeof widgetEntries;
