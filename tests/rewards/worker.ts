// One of several processes writing to the same SQLite file at once (see concurrency.test.ts).
// Prints how each attempt ended as one JSON line.
import { openDatabase } from '../../server/db/client.js';
import { ApiError } from '../../server/errors.js';
import { RewardsService } from '../../server/modules/rewards/service.js';

const [mode, file, licenseId, learnerId, target, count, prefix] = process.argv.slice(2) as [
  'redeem' | 'earn',
  string,
  string,
  string,
  string,
  string,
  string,
];
const database = openDatabase(file);
const rewards = new RewardsService(database.db, { now: () => new Date() });
const outcomes: string[] = [];
for (let i = 0; i < Number(count); i++) {
  try {
    if (mode === 'redeem') {
      rewards.redemptions.redeem(licenseId, learnerId, {
        itemId: target,
        idempotencyKey: `${prefix}-${i}`,
      });
    } else {
      // Every attempt in every process reports the same activity under the same key.
      rewards.ledger.earn(licenseId, { learnerId, activity: target, idempotencyKey: prefix });
    }
    outcomes.push('ok');
  } catch (error) {
    outcomes.push(
      error instanceof ApiError ? String(error.extensions.reason ?? error.code) : 'crash',
    );
  }
}
database.close();
console.log(JSON.stringify(outcomes));
