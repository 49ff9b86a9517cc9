import { flowMessages as checkoutFlow } from '../../../widgets/checkout/checkout-flow.messages.js';
import { checkoutMessages } from '../../../widgets/checkout/checkout.messages.js';
import { catalogMessages } from '../../../widgets/course-catalog/course-catalog.messages.js';
import { englishCatalog } from '../../../widgets/internal/i18n.js';
import { viewMessages as leaderboardView } from '../../../widgets/leaderboard/leaderboard-view.messages.js';
import { leaderboardMessages } from '../../../widgets/leaderboard/leaderboard.messages.js';
import { planChangeMessages } from '../../../widgets/pricing-table/plan-change.messages.js';
import { pricingMessages } from '../../../widgets/pricing-table/pricing-table.messages.js';
import { editorShellMessages } from '../../../widgets/theme-editor/theme-editor.messages.js';
import { editorMessages } from '../../../widgets/theme-editor/workbench.messages.js';
import { redeemMessages } from '../../../widgets/token-wallet/redeem-flow.messages.js';
import { walletMessages } from '../../../widgets/token-wallet/token-wallet.messages.js';
import { viewMessages as walletView } from '../../../widgets/token-wallet/wallet-view.messages.js';
import { viewMessages as dashboardView } from '../../../widgets/usage-dashboard/dashboard-view.messages.js';
import { ticketFormMessages } from '../../../widgets/usage-dashboard/ticket-form.messages.js';
import { usageMessages } from '../../../widgets/usage-dashboard/usage-dashboard.messages.js';

/**
 * Every English message any widget shows, by key. A license's white-label copy may override
 * only these keys, with only the placeholders the English text uses. Every catalog is a
 * data-only module, so listing them never loads Lit into the server. A test
 * (tests/themes/catalog.test.ts) fails when a widget adds a catalog that is missing here.
 */
export const messageCatalog: Readonly<Record<string, string>> = {
  ...englishCatalog,
  ...pricingMessages,
  ...planChangeMessages,
  ...walletMessages,
  ...walletView,
  ...redeemMessages,
  ...leaderboardMessages,
  ...leaderboardView,
  ...usageMessages,
  ...dashboardView,
  ...ticketFormMessages,
  ...editorShellMessages,
  ...editorMessages,
  ...checkoutMessages,
  ...checkoutFlow,
  ...catalogMessages,
};
