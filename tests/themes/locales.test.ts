import { describe, expect, it } from 'vitest';
import baseAr from '../../widgets/internal/locales/ar.js';
import baseDe from '../../widgets/internal/locales/de.js';
import baseFr from '../../widgets/internal/locales/fr.js';
import leaderboardAr from '../../widgets/leaderboard/locales/ar.js';
import leaderboardDe from '../../widgets/leaderboard/locales/de.js';
import leaderboardFr from '../../widgets/leaderboard/locales/fr.js';
import { baseMessages as englishCatalog } from '../../widgets/messages/base.js';
import { leaderboardViewMessages as leaderboardView } from '../../widgets/messages/leaderboard-view.js';
import { leaderboardMessages } from '../../widgets/messages/leaderboard.js';
import { planChangeMessages } from '../../widgets/messages/plan-change.js';
import { pricingMessages } from '../../widgets/messages/pricing-table.js';
import { redeemMessages } from '../../widgets/messages/redeem-flow.js';
import { walletMessages } from '../../widgets/messages/token-wallet.js';
import { walletViewMessages as walletView } from '../../widgets/messages/wallet-view.js';
import pricingAr from '../../widgets/pricing-table/locales/ar.js';
import pricingDe from '../../widgets/pricing-table/locales/de.js';
import pricingFr from '../../widgets/pricing-table/locales/fr.js';
import walletAr from '../../widgets/token-wallet/locales/ar.js';
import walletDe from '../../widgets/token-wallet/locales/de.js';
import walletFr from '../../widgets/token-wallet/locales/fr.js';

/** Each language's copy of the base states and the learner widgets, from their `locales/`. */
const fr = { ...baseFr, ...pricingFr, ...walletFr, ...leaderboardFr };
const de = { ...baseDe, ...pricingDe, ...walletDe, ...leaderboardDe };
const ar = { ...baseAr, ...pricingAr, ...walletAr, ...leaderboardAr };

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
