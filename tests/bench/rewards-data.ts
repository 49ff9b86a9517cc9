// A large rewards tenant for the benchmarks: `learners` learners with `entries` earn
// transactions spread over the 60 days before `now` (each with its two postings), one lot per
// learner holding their balance, a profile each, and the per-period scores and score counts
// those earnings imply. Written with plain prepared statements in one transaction: seeding
// through the ledger would take minutes.
import type Database from 'better-sqlite3';
import { periodsAt } from '../../server/modules/rewards/periods.js';

export const benchLearnerId = (n: number) => `learner-${String(n).padStart(6, '0')}`;

/** A small fast PRNG so every run seeds the same data. */
export function seededRandom(seed = 42): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) & 0x7fffffff;
    return state / 0x80000000;
  };
}

export function seedRewardsData(
  sqlite: Database.Database,
  options: { licenseId: string; learners: number; entries: number; now: Date; timeZone?: string },
): void {
  const { licenseId, learners, entries, now } = options;
  const zone = options.timeZone ?? 'UTC';
  const random = seededRandom();
  const insertTx = sqlite.prepare(
    `insert into reward_transactions (id, license_id, learner_id, type, amount, reason, shortfall, created_at)
     values (?, ?, ?, 'earn', ?, 'lesson.completed', 0, ?)`,
  );
  const insertPosting = sqlite.prepare(
    'insert into reward_postings (license_id, transaction_id, account, amount) values (?, ?, ?, ?)',
  );
  const balances = new Float64Array(learners);
  const scores = new Map<string, Map<number, { score: number; reachedAt: number }>>();
  let issued = 0;
  sqlite.transaction(() => {
    for (let i = 0; i < entries; i++) {
      const n = i % learners;
      const amount = 1 + Math.floor(random() * 50);
      const at = now.getTime() - Math.floor(random() * 60 * 86_400_000);
      const id = `rtx_bench${i}`;
      insertTx.run(id, licenseId, benchLearnerId(n), amount, at);
      insertPosting.run(licenseId, id, `learner:${benchLearnerId(n)}`, amount);
      insertPosting.run(licenseId, id, 'system:issuance', -amount);
      balances[n]! += amount;
      issued += amount;
      for (const period of periodsAt(new Date(at), zone)) {
        let byLearner = scores.get(period);
        if (!byLearner) scores.set(period, (byLearner = new Map()));
        const s = byLearner.get(n) ?? { score: 0, reachedAt: 0 };
        s.score += amount;
        s.reachedAt = Math.max(s.reachedAt, at);
        byLearner.set(n, s);
      }
    }
    const account = sqlite.prepare(
      `insert into reward_accounts (license_id, account, balance, updated_at) values (?, ?, ?, ?)
       on conflict do update set balance = balance + excluded.balance`,
    );
    const lot = sqlite.prepare(
      'insert into reward_lots (license_id, learner_id, transaction_id, remaining) values (?, ?, ?, ?)',
    );
    const profile = sqlite.prepare(
      'insert or ignore into reward_profiles (license_id, learner_id, display_name, opted_out, updated_at) values (?, ?, ?, 0, ?)',
    );
    for (let n = 0; n < learners; n++) {
      account.run(licenseId, `learner:${benchLearnerId(n)}`, balances[n], now.getTime());
      lot.run(licenseId, benchLearnerId(n), `rtx_bench${n}`, balances[n]);
      profile.run(licenseId, benchLearnerId(n), `Learner ${n}`, now.getTime());
    }
    account.run(licenseId, 'system:issuance', -issued, now.getTime());
    const score = sqlite.prepare(
      'insert into reward_scores (license_id, period, learner_id, score, reached_at, visible) values (?, ?, ?, ?, ?, 1)',
    );
    const count = sqlite.prepare(
      `insert into reward_score_counts (license_id, period, score, learners) values (?, ?, ?, ?)
       on conflict do update set learners = learners + excluded.learners`,
    );
    for (const [period, byLearner] of scores) {
      const histogram = new Map<number, number>();
      for (const [n, s] of byLearner) {
        score.run(licenseId, period, benchLearnerId(n), s.score, s.reachedAt);
        histogram.set(s.score, (histogram.get(s.score) ?? 0) + 1);
      }
      for (const [s, n] of histogram) count.run(licenseId, period, s, n);
    }
  })();
  sqlite.pragma('optimize');
  // Move the seeded pages out of the WAL, so readers in the server process do not pay for
  // looking every page up in a large WAL index.
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
}
