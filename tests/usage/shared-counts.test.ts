/**
 * The cluster's monthly counts in Redis: limits hold exactly when many processes count at
 * once (here: three clients on one Redis, as three processes), and a count Redis does not
 * hold yet starts from the database's record.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connectRedis } from '../../server/lib/redis.js';
import { SharedCounts } from '../../server/modules/usage/shared-counts.js';
import { createTestRedis, redisUrl, type TestRedis } from '../fixtures/redis.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Three "processes": separate connections on one key prefix. */
async function processes(): Promise<SharedCounts[]> {
  const first: TestRedis = await createTestRedis();
  cleanups.push(first.cleanup);
  const others = await Promise.all(
    [1, 2].map(() => connectRedis(redisUrl!, { keyPrefix: first.prefix })),
  );
  cleanups.push(async () => others.forEach((r) => r.disconnect()));
  return [first.redis, ...others].map((redis) => new SharedCounts(redis));
}

const key = { licenseId: 'lic_a', month: '2030-01', metric: 'api_requests' };

describe.skipIf(!redisUrl)('shared usage counts (Redis)', () => {
  it('a hard limit of 100 admits exactly 100 of 240 concurrent requests across processes', async () => {
    const counts = await processes();
    let seeds = 0;
    const seed = () => {
      seeds += 1;
      return Promise.resolve(0);
    };
    const answers = await Promise.all(
      Array.from({ length: 240 }, (_, i) => counts[i % 3]!.add(key, 1, 100, seed)),
    );
    expect(answers.filter((a) => a.admitted)).toHaveLength(100);
    expect(await counts[1]!.total(key)).toBe(100);
    expect(seeds).toBeGreaterThanOrEqual(1);
  });

  it('starts from the recorded total when Redis does not hold the month yet', async () => {
    const [a, b] = await processes();
    expect(await a!.total(key)).toBeNull();
    expect(await a!.add(key, 1, 100, () => Promise.resolve(99))).toEqual({
      admitted: true,
      total: 100,
    });
    // The record is read once: the second process finds the count in Redis.
    expect(await b!.add(key, 1, 100, () => Promise.reject(new Error('not asked')))).toEqual({
      admitted: false,
      total: 100,
    });
    await b!.release(key, 1);
    expect(await a!.total(key)).toBe(99);
  });

  it('an active-learner limit of 3 admits the same 3 learners on every process', async () => {
    const counts = await processes();
    const month = { licenseId: 'lic_a', month: '2030-01' };
    const learners = ['ada', 'alan', 'grace', 'linus', 'barbara', 'edsger'];
    const answers = await Promise.all(
      learners.flatMap((subject, i) =>
        counts.map((c, p) =>
          c
            .see(month, subject, 3, () => Promise.resolve([]))
            .then((r) => ({ subject, p, i, ...r })),
        ),
      ),
    );
    const admitted = new Set(answers.filter((a) => a.admitted).map((a) => a.subject));
    expect(admitted.size).toBe(3);
    // Whoever got in is in everywhere; whoever did not is refused everywhere.
    for (const subject of learners) {
      const verdicts = answers.filter((a) => a.subject === subject).map((a) => a.admitted);
      expect(new Set(verdicts).size).toBe(1);
    }
    expect(answers.filter((a) => a.counted)).toHaveLength(3);
  });

  it('seeds the learner set from the record: learners counted before are still admitted', async () => {
    const [a] = await processes();
    const month = { licenseId: 'lic_b', month: '2030-01' };
    const seed = () => Promise.resolve(['ada', 'alan', 'grace']);
    expect(await a!.see(month, 'ada', 3, seed)).toMatchObject({ admitted: true, counted: false });
    expect(await a!.see(month, 'linus', 3, seed)).toMatchObject({ admitted: false, total: 3 });
  });
});
