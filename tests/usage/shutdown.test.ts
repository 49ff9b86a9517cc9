import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { demoKeys, signDemoLearnerToken } from '../../demo/seed.js';
import { usageDaily } from '../../server/db/schema.js';
import { openStore } from '../../server/db/store.js';
import { spawnEntry } from '../fixtures/process.js';
import { createTestStore, onPostgres, type TestStore } from '../fixtures/store.js';

describe('demo/main.ts (npm start): demo seed and graceful shutdown', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lx-main-'));
  // On PostgreSQL the server is given a database of its own; on SQLite it makes its file in
  // DATA_DIR.
  let temp: TestStore | undefined;
  afterAll(async () => {
    await temp?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves the demo learners, and writes pending usage when stopped with SIGTERM', async () => {
    temp = onPostgres ? await createTestStore() : undefined;
    const demo = spawnEntry('demo/main.ts', {
      DATA_DIR: dir,
      ...(temp
        ? { DATABASE_URL: temp.url!, SECRETS_KEY: crypto.randomBytes(32).toString('hex') }
        : {}),
      PORT: '0',
      LOG_LEVEL: 'info',
      // Nothing is written by the timer during the test: only shutdown can have written it.
      USAGE_FLUSH_INTERVAL_MS: '60000',
    });
    try {
      // The demo portal's origin is one of the academy's allowed origins: requests from it
      // use the license's monthly allowance (those without an Origin have their own).
      const [, port] = await demo.waitFor(/"port":(\d+)[^\n]*"msg":"listening"/, 'listening');
      const [, portal] = await demo.waitFor(/"url":"([^"]+)"[^\n]*"msg":"demo portal"/, 'portal');
      const origin = new URL(portal!).origin;
      const url = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 4; i++) {
        const res = await fetch(`${url}/v1/embed/config`, {
          headers: { 'Liberation-Key': demoKeys.academy, Origin: origin },
        });
        expect(res.status).toBe(200);
      }
      const token = await signDemoLearnerToken('grace');
      const me = await fetch(`${url}/v1/me`, {
        headers: {
          'Liberation-Key': demoKeys.academy,
          Origin: origin,
          Authorization: `Bearer ${token}`,
        },
      });
      expect(me.status).toBe(200);
      expect((await me.json()).learner).toMatchObject({ id: 'lrn_demo_grace', role: 'admin' });
      const validate = await fetch(`${url}/v1/licenses/validate`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${demoKeys.academySecret}` },
      });
      expect(await validate.json()).toMatchObject({
        valid: true,
        license: { id: 'lic_demo_academy' },
      });
    } finally {
      expect(await demo.stop()).toBe(0);
    }

    const store = temp?.store ?? (await openStore({ file: path.join(dir, 'liberation.db') }));
    try {
      const rows = await store.db
        .select({
          metric: usageDaily.metric,
          n: sql<number>`sum(${usageDaily.value})`.mapWith(Number),
        })
        .from(usageDaily)
        .where(eq(usageDaily.licenseId, 'lic_demo_academy'))
        .groupBy(usageDaily.metric);
      expect(Object.fromEntries(rows.map((r) => [r.metric, r.n]))).toEqual({
        api_requests: 6,
        active_learners: 1,
      });
    } finally {
      if (!temp) await store.close();
    }
  }, 60_000);
});
