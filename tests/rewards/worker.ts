// One of several processes writing to the same store at once (see concurrency.test.ts): the
// SQLite file, or the PostgreSQL database when given a postgres:// URL (the process inherits
// LX_DB_DIALECT). Prints how each attempt ended as one JSON line.
import { openStore } from '../../server/db/store.js';
import { ApiError } from '../../server/errors.js';
import { RewardsService } from '../../server/modules/rewards/service.js';

const [mode, storeAt, licenseId, learnerId, target, count, prefix] = process.argv.slice(2) as [
  'redeem' | 'earn',
  string,
  string,
  string,
  string,
  string,
  string,
];
// Writes wait their turn for the store's write lock asynchronously; several processes queue on it.
const url = /^postgres(ql)?:\/\//.test(storeAt) ? storeAt : undefined;
const store = await openStore({
  url,
  file: url ? '' : storeAt,
  lockWaitMs: 30_000,
  checkpointIntervalMs: 0,
  poolSize: 2,
});
const rewards = new RewardsService(store, { now: () => new Date() });
const outcomes: string[] = [];
for (let i = 0; i < Number(count); i++) {
  try {
    if (mode === 'redeem') {
      await rewards.redemptions.redeem(licenseId, learnerId, {
        itemId: target,
        idempotencyKey: `${prefix}-${i}`,
      });
    } else {
      // Every attempt in every process reports the same activity under the same key.
      await rewards.ledger.earn(licenseId, { learnerId, activity: target, idempotencyKey: prefix });
    }
    outcomes.push('ok');
  } catch (error) {
    outcomes.push(
      error instanceof ApiError ? String(error.extensions.reason ?? error.code) : 'crash',
    );
  }
}
await store.close();
console.log(JSON.stringify(outcomes));
