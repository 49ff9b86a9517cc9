import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/client.js';
import { spawnEntry, type Spawned } from '../fixtures/process.js';

const running: Spawned[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lx-serve-'));
  dirs.push(dir);
  return dir;
}

describe('server/main.ts (npm run serve), the production entry', () => {
  it('refuses to start with NODE_ENV=production and no Stripe keys, naming both', async () => {
    const dir = tempDir();
    const proc = spawnEntry('server/main.ts', { NODE_ENV: 'production', DATA_DIR: dir, PORT: '0' });
    running.push(proc);
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toContain('STRIPE_SECRET_KEY: required when NODE_ENV=production');
    expect(proc.output()).toContain('STRIPE_WEBHOOK_SECRET: required when NODE_ENV=production');
    expect(proc.output()).not.toContain('listening');
    expect(fs.existsSync(path.join(dir, 'liberation.db'))).toBe(false);
  }, 60_000);

  it('serves the API alone outside production without keys: no demo, no emulator, payments off', async () => {
    const dir = tempDir();
    const proc = spawnEntry('server/main.ts', {
      DATA_DIR: dir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      // A demo setting: the production entry does not read it.
      SEED_DEMO: 'true',
    });
    running.push(proc);
    const [, port] = await proc.waitFor(/"port":(\d+)[^\n]*"msg":"listening"/, 'the server');
    const url = `http://127.0.0.1:${port}`;
    expect(await (await fetch(`${url}/readyz`)).json()).toMatchObject({ status: 'ready' });
    expect(proc.output()).toMatch(/"level":40[^\n]*payments unavailable/);
    expect(proc.output()).not.toContain('Demo portal');
    expect(proc.output()).not.toContain('Payments go to the bundled Stripe emulator');
    expect(fs.existsSync(path.join(dir, 'stripe-emulator.json'))).toBe(false);
    const home = await fetch(`${url}/`, { redirect: 'manual' });
    expect(home.status).not.toBe(302);
    const database = openDatabase(path.join(dir, 'liberation.db'));
    try {
      expect(database.sqlite.prepare('select count(*) as n from licenses').get()).toEqual({ n: 0 });
    } finally {
      database.close();
    }

    expect(await proc.stop()).toBe(0);
    expect(proc.output()).toContain('"msg":"stopped"');
  }, 60_000);
});
