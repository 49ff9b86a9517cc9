import { sqliteStoreOver, type SqliteStore } from '../../server/db/sqlite.js';
import { Ledger } from '../../server/modules/rewards/ledger.js';
import { SteppableClock } from '../fixtures/clock.js';
import { createTempDatabase, type TempDatabase } from '../fixtures/database.js';
import { insertLicense } from '../fixtures/licenses.js';

export interface LedgerFixture {
  temp: TempDatabase;
  /** The store on the fixture's file: writes on `temp.database`, reads on a reader of its own. */
  store: SqliteStore;
  clock: SteppableClock;
  ledger: Ledger;
  cleanup(): void;
}

/** A fresh database file with two tenants, `lic_a` and `lic_b`, and a ledger on a fixed clock. */
export function ledgerFixture(start?: Date): LedgerFixture {
  const temp = createTempDatabase();
  const clock = new SteppableClock(start);
  void insertLicense(temp.database.db, clock, { id: 'lic_a', allowedOrigins: ['https://a.test'] });
  void insertLicense(temp.database.db, clock, { id: 'lic_b', allowedOrigins: ['https://b.test'] });
  const store = sqliteStoreOver(temp.database);
  const ledger = new Ledger(store, clock);
  return {
    temp,
    store,
    clock,
    ledger,
    cleanup: () => {
      store.reader.close();
      temp.cleanup();
    },
  };
}

export const DAY = 86_400_000;
