/**
 * Cluster mode, as an operator runs it: three `server/main.ts` processes (what `npm run serve`
 * starts) on one PostgreSQL database and one Redis, requests spread round-robin as a load
 * balancer would. Limits hold exactly across the processes, a learner admitted by one is
 * admitted by all, a revocation made on one is refused on every one within a second, and a
 * reward's stock is never oversold.
 * Runs in the cluster pass of `npm test` (PostgreSQL + Redis); skipped on SQLite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../server/services.js';
import { CLUSTER_OPERATOR_TOKEN, startCluster, type Cluster } from '../fixtures/cluster.js';
import { learnerHeaders, signToken } from '../fixtures/harness.js';
import { redisUrl } from '../fixtures/redis.js';
import { onPostgres } from '../fixtures/store.js';

const ORIGIN = 'https://portal.acme.test';

interface Created {
  license: { id: string; publishableKey: string };
  secretKey: string;
  signingSecret: string;
}

describe.skipIf(!onPostgres || !redisUrl)('a cluster of three processes', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster(3);
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  async function license(fields: Record<string, unknown>): Promise<Created> {
    const res = await cluster.admin(0, '/licenses', {
      method: 'POST',
      body: JSON.stringify({ name: 'Acme University', plan: 'pro', origins: [ORIGIN], ...fields }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as Created;
  }

  const embed = (i: number, key: string) =>
    fetch(`${cluster.node(i).url}/v1/embed/config`, {
      headers: { 'Liberation-Key': key, Origin: ORIGIN },
    });

  it('a rate limit of 60 per minute admits exactly 60 of 150 requests sent round-robin', async () => {
    const { license: lic } = await license({ rateLimitPerMinute: 60 });
    const statuses: number[] = [];
    // In waves of 30 across the three processes, as concurrent clients would arrive.
    for (let wave = 0; wave < 5; wave++) {
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => embed(wave * 30 + i, lic.publishableKey)),
      );
      statuses.push(...answers.map((a) => a.status));
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(60);
    expect(statuses.filter((s) => s === 429)).toHaveLength(90);
  });

  it('a hard api_requests limit of 100 admits exactly 100 of 240', async () => {
    const { license: lic } = await license({
      limits: { api_requests: 100 },
      limitEnforcement: { api_requests: 'hard' },
      rateLimitPerMinute: 100_000,
    });
    const answers = await Promise.all(
      Array.from({ length: 240 }, (_, i) => embed(i, lic.publishableKey)),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(100);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(140);
    const problem = (await refused[0]!.json()) as { code: string };
    expect(problem.code).toBe('usage_limit_exceeded');
  });

  it('an active-learner limit of 3 admits the same 3 learners on every process', async () => {
    const created = await license({
      limits: { active_learners: 3 },
      limitEnforcement: { active_learners: 'hard' },
      rateLimitPerMinute: 100_000,
    });
    const subjects = ['ada', 'alan', 'grace', 'linus', 'barbara', 'edsger'];
    const tokens = await Promise.all(
      subjects.map((sub) =>
        signToken(created.signingSecret, created.license.id, systemClock, { sub }),
      ),
    );
    const me = (node: number, learner: number) =>
      fetch(`${cluster.node(node).url}/v1/me`, {
        headers: learnerHeaders(created.license.publishableKey, tokens[learner], ORIGIN),
      }).then((r) => r.status);
    // Every learner on every process at once.
    const first = await Promise.all(
      subjects.flatMap((_, l) => [0, 1, 2].map((n) => me(n, l).then((s) => ({ l, n, s })))),
    );
    const admitted = new Set(first.filter((a) => a.s === 200).map((a) => a.l));
    expect(admitted.size).toBe(3);
    for (const l of subjects.keys()) {
      const verdicts = new Set(first.filter((a) => a.l === l).map((a) => a.s));
      expect(verdicts.size, `learner ${subjects[l]}: ${[...verdicts].join(', ')}`).toBe(1);
    }
    // And again later, on a different process each: the same three.
    for (const l of subjects.keys()) {
      expect(await me(l + 1, l)).toBe(admitted.has(l) ? 200 : 429);
    }
  });

  it('a revocation made on one process is refused on every process within a second', async () => {
    const { license: lic } = await license({ rateLimitPerMinute: 100_000 });
    // Every process has the license cached.
    for (const i of [0, 1, 2]) expect((await embed(i, lic.publishableKey)).status).toBe(200);
    const revoked = await cluster.admin(1, `/licenses/${lic.id}/revoke`, {
      method: 'POST',
      body: JSON.stringify({ reason: 'contract ended' }),
    });
    expect(revoked.status).toBe(200);
    const started = Date.now();
    const refusedOn = await Promise.all(
      [0, 1, 2].map(async (i) => {
        for (;;) {
          const res = await embed(i, lic.publishableKey);
          if (res.status === 403) return Date.now() - started;
          if (Date.now() - started > 5_000) return Infinity;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }),
    );
    for (const ms of refusedOn) expect(ms).toBeLessThan(1_000);
  });

  it('a reward with stock 10 gives exactly 10 of 100 concurrent redemptions, and the books balance', async () => {
    const created = await license({ rateLimitPerMinute: 100_000 });
    const secret = (i: number, path: string, body: unknown, key?: string) =>
      fetch(`${cluster.node(i).url}${path}`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${created.secretKey}`,
          'Content-Type': 'application/json',
          ...(key ? { 'Idempotency-Key': key } : {}),
        },
        body: JSON.stringify(body),
      });
    const learners = Array.from({ length: 100 }, (_, i) => `learner-${i}`);
    const grants = await Promise.all(
      learners.map((learnerId, i) =>
        secret(i, '/v1/rewards/grants', { learnerId, amount: 5, reason: 'welcome' }, `g-${i}`),
      ),
    );
    expect(grants.every((g) => g.status === 201)).toBe(true);
    const item = await secret(0, '/v1/rewards/catalog', {
      kind: 'partner',
      title: 'Signed poster',
      cost: 5,
      stock: 10,
    });
    expect(item.status).toBe(201);
    const { id } = (await item.json()) as { id: string };
    const tokens = await Promise.all(
      learners.map((sub) =>
        signToken(created.signingSecret, created.license.id, systemClock, { sub }),
      ),
    );
    const answers = await Promise.all(
      learners.map((_, i) =>
        fetch(`${cluster.node(i).url}/v1/rewards/redemptions`, {
          method: 'POST',
          headers: {
            ...learnerHeaders(created.license.publishableKey, tokens[i], ORIGIN),
            'Content-Type': 'application/json',
            'Idempotency-Key': `r-${i}`,
          },
          body: JSON.stringify({ itemId: id }),
        }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(90);
    const refusal = (await answers.find((a) => a.status === 409)!.json()) as { reason: string };
    expect(refusal.reason).toBe('out_of_stock');

    const check = await fetch(`${cluster.node(2).url}/v1/admin/rewards/check`, {
      headers: { Authorization: `Bearer ${CLUSTER_OPERATOR_TOKEN}` },
    });
    expect(check.status).toBe(200);
    expect(await check.json()).toMatchObject({ ok: true, problems: [] });
  });
});
