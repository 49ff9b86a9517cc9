import { Ledger } from '../../server/modules/rewards/ledger.js';
import { SteppableClock } from '../fixtures/clock.js';
import { createTempDatabase, type TempDatabase } from '../fixtures/database.js';
import { insertLicense } from '../fixtures/licenses.js';

export interface LedgerFixture {
  temp: TempDatabase;
  clock: SteppableClock;
  ledger: Ledger;
  cleanup(): void;
}

/** A fresh database file with two tenants, `lic_a` and `lic_b`, and a ledger on a fixed clock. */
export function ledgerFixture(start?: Date): LedgerFixture {
  const temp = createTempDatabase();
  const clock = new SteppableClock(start);
  // Transition: the fixture issues its insert at once on SQLite, so this synchronous helper
  // still returns with both rows written; it awaits them once the ledger takes a store.
  void insertLicense(temp.database.db, clock, { id: 'lic_a', allowedOrigins: ['https://a.test'] });
  void insertLicense(temp.database.db, clock, { id: 'lic_b', allowedOrigins: ['https://b.test'] });
  const ledger = new Ledger(temp.database.db, clock);
  return { temp, clock, ledger, cleanup: () => temp.cleanup() };
}

export const DAY = 86_400_000;
