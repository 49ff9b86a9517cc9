import type { Store } from '../../db/store.js';
import type { Allowance } from '../../lib/allowance.js';
import type { Clock } from '../../services.js';
import { Leaderboards } from './leaderboard.js';
import { Ledger } from './ledger.js';
import { Redemptions } from './redemptions.js';

/**
 * Token rewards for every tenant: the ledger (balances, earning, spending, expiry), the
 * leaderboards fed by it, and the rewards catalog with its redemption workflow. Each part
 * takes the license id first; nothing reads across tenants.
 */
export class RewardsService {
  readonly ledger: Ledger;
  readonly leaderboards: Leaderboards;
  readonly redemptions: Redemptions;

  /** `options.redemptions`: the license's `redemptions` allowance (the usage meter). */
  constructor(store: Store, clock: Clock, options: { redemptions?: Allowance } = {}) {
    this.ledger = new Ledger(store, clock);
    this.leaderboards = new Leaderboards(
      store,
      clock,
      async (id) => (await this.ledger.settings(id)).timeZone,
    );
    this.redemptions = new Redemptions(store, clock, this.ledger, options.redemptions);
  }
}
