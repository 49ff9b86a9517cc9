/**
 * Cache invalidation reaches every process: two buses stand for two processes on one carrier
 * (Redis pub/sub, PostgreSQL LISTEN/NOTIFY); a key published on one is heard on the other,
 * and on the publisher itself before `publish` resolves.
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { PostgresStore } from '../../server/db/postgres.js';
import { memoryBus, postgresBus, redisBus, type Bus } from '../../server/lib/bus.js';
import { createTestRedis, redisUrl, type TestRedis } from '../fixtures/redis.js';
import { createTestStore, onPostgres, type TestStore } from '../fixtures/store.js';

const open: Bus[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const bus of open.splice(0)) await bus.close();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Resolves with the first key `bus` hears on `topic`. */
function heard(bus: Bus, topic: 'license' | 'theme' | 'features'): Promise<string> {
  return new Promise((resolve) => bus.subscribe(topic, resolve));
}

async function crossesProcesses(a: Bus, b: Bus): Promise<void> {
  open.push(a, b);
  const local: string[] = [];
  a.subscribe('license', (key) => local.push(key));
  const remote = heard(b, 'license');
  const otherTopic: string[] = [];
  b.subscribe('theme', (key) => otherTopic.push(key));
  const started = Date.now();
  await a.publish('license', 'lic_revoked');
  expect(local).toEqual(['lic_revoked']);
  expect(await remote).toBe('lic_revoked');
  expect(Date.now() - started).toBeLessThan(1_000);
  expect(otherTopic).toEqual([]);
}

describe('invalidation bus', () => {
  it('in one process, publishing delivers to its subscribers at once', async () => {
    const bus = memoryBus();
    const keys: string[] = [];
    bus.subscribe('features', (key) => keys.push(key));
    await bus.publish('features', 'lic_a:ada');
    expect(keys).toEqual(['lic_a:ada']);
  });

  describe.skipIf(!redisUrl)('over Redis pub/sub', () => {
    it('a key published by one process reaches another within a second', async () => {
      const shared: TestRedis = await createTestRedis();
      cleanups.push(shared.cleanup);
      const a = await redisBus(shared.redis, { prefix: shared.prefix });
      const b = await redisBus(shared.redis, { prefix: shared.prefix });
      await crossesProcesses(a, b);
    });
  });

  describe.skipIf(!onPostgres)('over PostgreSQL LISTEN/NOTIFY', () => {
    it('a key published by one process reaches another within a second', async () => {
      const temp: TestStore = await createTestStore({ migrate: false });
      cleanups.push(temp.cleanup);
      const { pool } = temp.store as PostgresStore;
      const connect = () => new pg.Client({ connectionString: temp.url });
      await crossesProcesses(await postgresBus(pool, connect), await postgresBus(pool, connect));
    });
  });
});
