import { demoKeys, signDemoLearnerToken } from '../../demo/seed.js';
import type { Db } from '../../server/db/client.js';

/** What a row's `setup` can use: the running server and its seeded database. */
export interface BenchContext {
  /** `http://127.0.0.1:<port>` of the application under load. */
  baseUrl: string;
  /** A connection to the server's database file, for rows that need their own data. */
  db: Db;
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
];
