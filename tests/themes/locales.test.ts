import { describe, expect, it } from 'vitest';
import { englishCatalog } from '../../widgets/internal/i18n.js';
import ar from '../../widgets/internal/locales/ar.js';
import de from '../../widgets/internal/locales/de.js';
import fr from '../../widgets/internal/locales/fr.js';
import { viewMessages as leaderboardView } from '../../widgets/leaderboard/leaderboard-view.messages.js';
import { leaderboardMessages } from '../../widgets/leaderboard/leaderboard.messages.js';
import { planChangeMessages } from '../../widgets/pricing-table/plan-change.messages.js';
import { pricingMessages } from '../../widgets/pricing-table/pricing-table.messages.js';
import { redeemMessages } from '../../widgets/token-wallet/redeem-flow.messages.js';
import { walletMessages } from '../../widgets/token-wallet/token-wallet.messages.js';
import { viewMessages as walletView } from '../../widgets/token-wallet/wallet-view.messages.js';

/** What a learner sees: the base states and the pricing table, wallet and leaderboard. */
const learnerCopy: Record<string, string> = {
  ...englishCatalog,
  ...pricingMessages,
  ...planChangeMessages,
  ...walletMessages,
  ...walletView,
  ...redeemMessages,
  ...leaderboardMessages,
  ...leaderboardView,
};

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('shipped translations', () => {
  for (const [language, catalog] of Object.entries({ fr, de, ar } as Record<
    string,
    Record<string, string>
  >)) {
    it(`${language} translates every learner-facing message, with the same placeholders`, () => {
      const missing = Object.keys(learnerCopy).filter((key) => !catalog[key]);
      expect(missing).toEqual([]);
      for (const [key, text] of Object.entries(catalog)) {
        expect(learnerCopy[key], `${language} has an unknown key ${key}`).toBeTypeOf('string');
        expect(placeholders(text), `${language} ${key}`).toEqual(placeholders(learnerCopy[key]!));
      }
    });
  }
});
