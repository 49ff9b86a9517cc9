import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  bearer,
  createLicense,
  learnerHeaders,
  signToken,
  startHarness,
  TestClock,
  type Harness,
} from '../fixtures/harness.js';

/**
 * Usage is counted in memory and written every flush interval and at shutdown. These tests
 * stop the server, reopen the same SQLite file in a new process-like instance, and compare.
 */
describe('usage survives a restart within the documented window', () => {
  const open: Harness[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const h of open.splice(0)) await h.close({ keepFiles: true });
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function start(options: Parameters<typeof startHarness>[0] = {}) {
    const h = await startHarness(options);
    open.push(h);
    if (!dirs.includes(h.dir)) dirs.push(h.dir);
    return h;
  }

  async function traffic(h: Harness, license: Awaited<ReturnType<typeof createLicense>>) {
    for (let i = 0; i < 5; i++) {
      await h.fetch('/v1/embed/config', {
        headers: {
          'Liberation-Key': license.license.publishableKey,
          Origin: 'https://portal.acme.test',
        },
      });
    }
    for (const sub of ['ada', 'alan', 'ada']) {
      const token = await signToken(license.signingSecret!, license.license.id, h.clock, {
        sub,
        iat: sub.length,
      });
      await h.fetch('/v1/me', { headers: learnerHeaders(license.license.publishableKey, token) });
    }
  }

  const report = async (h: Harness, secretKey: string) =>
    (await (await h.fetch('/v1/usage', { headers: bearer(secretKey) })).json()) as {
      metrics: { metric: string; used: number }[];
    };
  const used = (r: Awaited<ReturnType<typeof report>>, metric: string) =>
    r.metrics.find((m) => m.metric === metric)!.used;

  it('keeps every count across a graceful shutdown (flush on close)', async () => {
    const clock = new TestClock();
    const first = await start({ clock });
    const acme = await createLicense(first.services);
    await traffic(first, acme);
    await first.close({ keepFiles: true });
    open.splice(open.indexOf(first), 1);

    const second = await start({ clock, dir: first.dir });
    const r = await report(second, acme.secretKey);
    // 5 embed + 3 me + this usage request.
    expect(used(r, 'api_requests')).toBe(9);
    expect(used(r, 'active_learners')).toBe(2);
  });

  it('keeps counts written by the periodic flush when the process then dies', async () => {
    const clock = new TestClock();
    const first = await start({ clock, config: { usageFlushIntervalMs: 100 } });
    const acme = await createLicense(first.services);
    await traffic(first, acme);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await first.close({ flush: false, keepFiles: true });
    open.splice(open.indexOf(first), 1);

    const second = await start({ clock, dir: first.dir });
    const r = await report(second, acme.secretKey);
    expect(used(r, 'api_requests')).toBe(9);
    expect(used(r, 'active_learners')).toBe(2);
  });

  it('loses at most what was counted since the last flush when the process dies (documented)', async () => {
    const clock = new TestClock();
    const first = await start({ clock });
    const acme = await createLicense(first.services);
    await traffic(first, acme);
    await first.services.usage.flush();
    await traffic(first, acme);
    // A crash: nothing after the last flush reaches the file.
    await first.close({ flush: false, keepFiles: true });
    open.splice(open.indexOf(first), 1);

    const second = await start({ clock, dir: first.dir });
    const r = await report(second, acme.secretKey);
    expect(used(r, 'api_requests')).toBe(9);
    // Learners are keyed by subject and month: seeing them again never counts them twice.
    expect(used(r, 'active_learners')).toBe(2);
    await traffic(second, acme);
    await second.services.usage.flush();
    const again = await report(second, acme.secretKey);
    expect(used(again, 'active_learners')).toBe(2);
  });

  it('two servers on one file enforce one allowance, to within a flush', async () => {
    const clock = new TestClock();
    const a = await start({ clock });
    const acme = await createLicense(a.services, { plan: 'pro', limits: { api_requests: 6 } });
    const b = await start({ clock, dir: a.dir });
    const hit = (h: Harness) =>
      h.fetch('/v1/embed/config', {
        headers: {
          'Liberation-Key': acme.license.publishableKey,
          Origin: 'https://portal.acme.test',
        },
      });
    for (let i = 0; i < 3; i++) expect((await hit(a)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await hit(b)).status).toBe(200);
    // Each process writes its counts and re-reads everyone's at its next flush.
    await a.services.usage.flush();
    await b.services.usage.flush();
    await a.services.usage.flush();
    expect((await hit(a)).status).toBe(429);
    expect((await hit(b)).status).toBe(429);
  });
});
