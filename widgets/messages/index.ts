import { baseMessages } from './base.js';
import { checkoutFlowMessages } from './checkout-flow.js';
import { checkoutMessages } from './checkout.js';
import { catalogMessages } from './course-catalog.js';
import { dashboardViewMessages } from './dashboard-view.js';
import { leaderboardViewMessages } from './leaderboard-view.js';
import { leaderboardMessages } from './leaderboard.js';
import { planChangeMessages } from './plan-change.js';
import { pricingMessages } from './pricing-table.js';
import { redeemMessages } from './redeem-flow.js';
import { editorShellMessages } from './theme-editor.js';
import { ticketFormMessages } from './ticket-form.js';
import { walletMessages } from './token-wallet.js';
import { usageMessages } from './usage-dashboard.js';
import { walletViewMessages } from './wallet-view.js';
import { workbenchMessages } from './workbench.js';

/*
 * The English copy of every widget, one data-only module per chunk that shows it: a widget
 * imports only the module of the code it ships with (never this index), so no widget carries
 * another's copy. The server imports this index to know which keys a license's white-label copy
 * may override; none of these modules loads Lit.
 */

/** Every English message any widget shows, by key. */
export const messageCatalog = {
  ...baseMessages,
  ...pricingMessages,
  ...planChangeMessages,
  ...walletMessages,
  ...walletViewMessages,
  ...redeemMessages,
  ...leaderboardMessages,
  ...leaderboardViewMessages,
  ...usageMessages,
  ...dashboardViewMessages,
  ...ticketFormMessages,
  ...editorShellMessages,
  ...workbenchMessages,
  ...checkoutMessages,
  ...checkoutFlowMessages,
  ...catalogMessages,
} as const;

/** A key of any widget's copy. */
export type MessageKey = keyof typeof messageCatalog;
