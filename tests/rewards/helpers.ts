import type { Store } from '../../server/db/store.js';
import { Ledger } from '../../server/modules/rewards/ledger.js';
import { SteppableClock } from '../fixtures/clock.js';
import { insertLicense } from '../fixtures/licenses.js';
import { createTestStore, type TestStore } from '../fixtures/store.js';

export interface LedgerFixture {
  /** The test store: its SQLite file (`temp.file`, `temp.dir`) or PostgreSQL URL (`temp.url`). */
  temp: TestStore;
  store: Store;
  clock: SteppableClock;
  ledger: Ledger;
  cleanup(): Promise<void>;
}

/** A fresh store with two tenants, `lic_a` and `lic_b`, and a ledger on a fixed clock. */
export async function ledgerFixture(start?: Date): Promise<LedgerFixture> {
  const temp = await createTestStore();
  const { store } = temp;
  const clock = new SteppableClock(start);
  await store.write(async (tx) => {
    await insertLicense(tx, clock, { id: 'lic_a', allowedOrigins: ['https://a.test'] });
    await insertLicense(tx, clock, { id: 'lic_b', allowedOrigins: ['https://b.test'] });
  });
  const ledger = new Ledger(store, clock);
  return { temp, store, clock, ledger, cleanup: () => temp.cleanup() };
}

export const DAY = 86_400_000;
