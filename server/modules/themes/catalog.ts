import { englishCatalog } from '../../../widgets/internal/i18n.js';
import { leaderboardMessages } from '../../../widgets/leaderboard/leaderboard.messages.js';
import { editorShellMessages } from '../../../widgets/theme-editor/theme-editor.messages.js';
import { editorMessages } from '../../../widgets/theme-editor/workbench.messages.js';
import { walletMessages } from '../../../widgets/token-wallet/token-wallet.messages.js';

/**
 * Every English message any widget shows, by key. A license's white-label copy may override
 * only these keys, with only the placeholders the English text uses. A widget that adds
 * messages adds its catalog here, from a data-only module (a module that imports Lit would
 * load it into the server).
 */
export const messageCatalog: Readonly<Record<string, string>> = {
  ...englishCatalog,
  ...walletMessages,
  ...leaderboardMessages,
  ...editorShellMessages,
  ...editorMessages,
};
