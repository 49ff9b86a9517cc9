// Rewards benchmark: leaderboard reads on a large tenant and earning throughput.
//
//   node --import tsx tests/bench/rewards.ts [learners=100000] [entries=1000000]
//
// Seeds a fresh SQLite file (the server's settings: WAL, synchronous=FULL) with one tenant,
// `learners` learners and `entries` earn transactions spread over the last 60 days (each with
// its two postings), and the per-period scores those imply. Then times the service calls the
// leaderboard endpoint makes: top 100 and around-me (5 above and below) for random learners,
// for this week and all time, and earning through the ledger.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { applyMigrations, openDatabase } from '../../server/db/client.js';
import { sqliteStoreOver } from '../../server/db/sqlite.js';
import { RewardsService } from '../../server/modules/rewards/service.js';
import { insertLicense } from '../fixtures/licenses.js';
import { benchLearnerId, seedRewardsData, seededRandom } from './rewards-data.js';

const LEARNERS = Number(process.argv[2] ?? 100_000);
const ENTRIES = Number(process.argv[3] ?? 1_000_000);
const LICENSE = 'lic_bench';
const now = new Date('2030-01-15T12:00:00Z');
const clock = { now: () => now };

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lx-bench-rewards-'));
const database = openDatabase(path.join(dir, 'bench.db'));
applyMigrations(database);
await insertLicense(database.db, clock, { id: LICENSE, allowedOrigins: ['https://bench.test'] });

const random = seededRandom(7);
const learnerId = benchLearnerId;

console.log(`seeding ${LEARNERS} learners and ${ENTRIES} ledger entries…`);
let started = performance.now();
seedRewardsData(database.sqlite, { licenseId: LICENSE, learners: LEARNERS, entries: ENTRIES, now });
console.log(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const store = sqliteStoreOver(database);
const rewards = new RewardsService(store, clock);

async function measure(name: string, iterations: number, fn: (i: number) => Promise<unknown>) {
  for (let i = 0; i < Math.min(200, iterations); i++) await fn(i); // warm caches and statements
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await fn(i);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { name, iterations, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

const viewer = (n: number) => ({
  learnerId: learnerId(n),
  displayName: `Learner ${n}`,
  classes: [],
});
const pick = () => Math.floor(random() * LEARNERS);
const results = [
  await measure('top 100, all time', 2000, () =>
    rewards.leaderboards.board(LICENSE, viewer(pick()), {
      scope: 'global',
      window: 'all',
      limit: 100,
    }),
  ),
  await measure('top 100, this week', 2000, () =>
    rewards.leaderboards.board(LICENSE, viewer(pick()), {
      scope: 'global',
      window: 'week',
      limit: 100,
    }),
  ),
  await measure('around me (k=5) + my row, all time', 2000, () =>
    rewards.leaderboards.board(LICENSE, viewer(pick()), {
      scope: 'global',
      window: 'all',
      limit: 1,
      around: 5,
    }),
  ),
  await measure('around me (k=5) + my row, this week', 2000, () =>
    rewards.leaderboards.board(LICENSE, viewer(pick()), {
      scope: 'global',
      window: 'week',
      limit: 1,
      around: 5,
    }),
  ),
];

await rewards.ledger.setRule(LICENSE, { activity: 'lesson.completed', amount: 10, dailyCap: 1000 });
const EARNS = 2000;
started = performance.now();
for (let i = 0; i < EARNS; i++) {
  await rewards.ledger.earn(LICENSE, {
    learnerId: learnerId(pick()),
    activity: 'lesson.completed',
    idempotencyKey: `bench-${i}`,
  });
}
const earnSeconds = (performance.now() - started) / 1000;

const ms = (v: number) => `${v.toFixed(3)} ms`.padStart(10);
console.log(
  `\n${'operation'.padEnd(40)} ${'p50'.padStart(10)} ${'p95'.padStart(10)} ${'p99'.padStart(10)}`,
);
let failed = false;
for (const r of results) {
  const ok = r.p95 <= 2;
  if (!ok) failed = true;
  console.log(
    `${r.name.padEnd(40)} ${ms(r.p50)} ${ms(r.p95)} ${ms(r.p99)}  ${ok ? 'ok (p95 ≤ 2 ms)' : 'OVER 2 ms'}`,
  );
}
console.log(
  `\nearning: ${EARNS} earns in ${earnSeconds.toFixed(2)} s = ${Math.round(EARNS / earnSeconds)} earns/s ` +
    '(one IMMEDIATE transaction each, synchronous=FULL)',
);
await store.close();
fs.rmSync(dir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
