import { DEMO_LICENSE_ID, demoKeys, signDemoLearnerToken } from '../../demo/seed.js';
import { signPayload } from '../../demo/stripe-emulator/index.js';
import type { SqliteStore } from '../../server/db/sqlite.js';
import type { Store } from '../../server/db/store.js';
import { Ledger } from '../../server/modules/rewards/ledger.js';
import { seedRewardsData } from './rewards-data.js';
import { searchRows } from './search.js';

/** What a row's `setup` can use: the running server and its seeded database. */
export interface BenchContext {
  /** `http://127.0.0.1:<port>` of the application under load. */
  baseUrl: string;
  /** A connection to the server's database file, for rows that need their own data. */
  store: Store;
  /** The publishable key of the seeded demo tenant. */
  publishableKey: string;
  /** An origin the demo tenant allows. */
  origin: string;
}

export interface BenchRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface BenchTarget {
  /** Minimum req/s as a fraction of bare Hono's req/s. */
  minRatio?: number;
  /** Maximum 99th-percentile latency in milliseconds. */
  maxP99Ms?: number;
}

export interface BenchRow extends BenchRequest {
  name: string;
  /** The status every response must have for the figures to count (default 200). */
  expectStatus?: number;
  target?: BenchTarget;
  /** Runs once before the row is loaded; what it returns overrides the request. */
  setup?: (context: BenchContext) => Promise<Partial<BenchRequest> | void>;
}

/** The `whsec_…` the bench server verifies Stripe webhooks with. */
export const BENCH_WEBHOOK_SECRET = 'whsec_benchSecret';

/** The budget every read on a widget's boot path must meet. */
export const bootPathTarget: BenchTarget = { minRatio: 0.6, maxP99Ms: 5 };

/**
 * The endpoints `npm run bench` loads, in order. Modules add their hot paths by appending
 * rows; headers and bodies are built from the context in `setup` when they need real data.
 */
export const rows: BenchRow[] = [
  {
    name: 'GET /v1/embed/config',
    method: 'GET',
    path: '/v1/embed/config',
    target: bootPathTarget,
    setup: async ({ publishableKey, origin }) => ({
      headers: { 'Liberation-Key': publishableKey, Origin: origin },
    }),
  },
  {
    name: 'GET /v1/embed/config (304)',
    method: 'GET',
    path: '/v1/embed/config',
    expectStatus: 304,
    target: bootPathTarget,
    setup: async ({ baseUrl, publishableKey, origin }) => {
      const headers = { 'Liberation-Key': publishableKey, Origin: origin };
      const res = await fetch(`${baseUrl}/v1/embed/config`, { headers });
      const etag = res.headers.get('etag');
      if (!res.ok || !etag) throw new Error(`embed config answered ${res.status} without an ETag`);
      return { headers: { ...headers, 'If-None-Match': etag } };
    },
  },
  {
    name: 'GET /v1/plans',
    method: 'GET',
    path: '/v1/plans',
    target: bootPathTarget,
    setup: async ({ publishableKey, origin }) => ({
      headers: { 'Liberation-Key': publishableKey, Origin: origin },
    }),
  },
  {
    // The customer's server checking its license with the secret key (no body: the usual call).
    name: 'POST /v1/licenses/validate',
    method: 'POST',
    path: '/v1/licenses/validate',
    target: { minRatio: 0.5 },
    setup: async () => ({ headers: { Authorization: `Bearer ${demoKeys.academySecret}` } }),
  },
  {
    // A signed-in learner: publishable key + learner token, answered from the verified-token cache.
    name: 'GET /v1/me (learner token)',
    method: 'GET',
    path: '/v1/me',
    target: { minRatio: 0.4 },
    setup: async ({ publishableKey, origin }) => ({
      headers: {
        'Liberation-Key': publishableKey,
        Origin: origin,
        Authorization: `Bearer ${await signDemoLearnerToken('ada')}`,
      },
    }),
  },
  {
    // A signed-in learner's tier and unlocks, answered from the per-learner feature cache.
    name: 'GET /v1/me/features (cached)',
    method: 'GET',
    path: '/v1/me/features',
    target: { minRatio: 0.4 },
    setup: async ({ publishableKey, origin }) => ({
      headers: {
        'Liberation-Key': publishableKey,
        Origin: origin,
        Authorization: `Bearer ${await signDemoLearnerToken('ada')}`,
      },
    }),
  },
  {
    name: 'GET /v1/rewards/leaderboard (top 100 of 100k learners)',
    method: 'GET',
    path: '/v1/rewards/leaderboard?window=all&limit=100',
    setup: async (context) => ({ headers: await rewardsHeaders(context) }),
  },
  {
    name: 'GET /v1/rewards/leaderboard (around me, k=5)',
    method: 'GET',
    path: '/v1/rewards/leaderboard?window=all&limit=1&around=5',
    setup: async (context) => ({ headers: await rewardsHeaders(context) }),
  },
  {
    name: 'GET /v1/rewards/wallet',
    method: 'GET',
    path: '/v1/rewards/wallet',
    setup: async (context) => ({ headers: await rewardsHeaders(context) }),
  },
  {
    // One Stripe event delivered over and over: verify the signature, find it applied, ack.
    name: 'POST /v1/webhooks/stripe (verify + dedupe + ack)',
    method: 'POST',
    path: '/v1/webhooks/stripe',
    setup: async () => {
      const body = JSON.stringify({
        id: 'evt_bench',
        object: 'event',
        type: 'customer.created',
        data: { object: { id: 'cus_bench', object: 'customer' } },
      });
      const signature = signPayload(body, BENCH_WEBHOOK_SECRET, Math.floor(Date.now() / 1000));
      return {
        body,
        headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature },
      };
    },
  },
  ...searchRows,
];

let rewardsReady: Promise<Record<string, string>> | undefined;

/**
 * Seeds the demo tenant once with 100 000 learners (two ledger entries each: leaderboard reads
 * scale with learners, not entries, and the whole bench must finish inside its watchdog; the
 * 1 000 000-entry figures come from tests/bench/rewards.ts), puts the demo learner Ada
 * mid-table, and returns the headers of her widget requests.
 */
function rewardsHeaders(context: BenchContext): Promise<Record<string, string>> {
  rewardsReady ??= (async () => {
    const now = new Date();
    // Bulk rows straight through the bench's own writer connection to the server's file.
    const { sqlite } = (context.store as SqliteStore).writer;
    seedRewardsData(sqlite, {
      licenseId: DEMO_LICENSE_ID,
      learners: 100_000,
      entries: 200_000,
      now,
    });
    await new Ledger(context.store, { now: () => new Date() }).bonus(DEMO_LICENSE_ID, {
      learnerId: 'ada',
      amount: 51,
      reason: 'bench',
    });
    const token = await signDemoLearnerToken('ada');
    return {
      'Liberation-Key': context.publishableKey,
      Origin: context.origin,
      Authorization: `Bearer ${token}`,
    };
  })();
  return rewardsReady;
}
