import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { Redemptions } from '../../server/modules/rewards/redemptions.js';
import { startRewardsApi } from './api.js';
import { ledgerFixture, type LedgerFixture } from './helpers.js';

let f: LedgerFixture;
afterEach(async () => {
  await f?.cleanup();
});

/** Runs the worker in a separate Node process against the fixture's store (file or URL). */
function worker(args: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'tests/rewards/worker.ts',
        args[0]!,
        f.temp.url ?? f.temp.file,
        ...args.slice(1),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as string[]) : reject(new Error(`worker exit ${code}`)),
    );
  });
}

describe('ledger under real concurrency (several processes, one store)', () => {
  it('200 concurrent redemptions by a learner whose balance covers one: exactly one succeeds', async () => {
    f = await ledgerFixture();
    const r = new Redemptions(f.store, f.clock, f.ledger);
    await f.ledger.bonus('lic_a', { learnerId: 'u1', amount: 100, reason: 'x' });
    const item = await r.createItem('lic_a', { kind: 'partner', title: 'Big prize', cost: 100 });
    const outcomes = (
      await Promise.all(
        [0, 1, 2, 3].map((n) => worker(['redeem', 'lic_a', 'u1', item.id, '50', `p${n}`])),
      )
    ).flat();
    expect(outcomes).toHaveLength(200);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(new Set(outcomes.filter((o) => o !== 'ok'))).toEqual(new Set(['insufficient_balance']));
    expect(await f.ledger.balance('lic_a', 'u1')).toBe(0);
    expect(await r.redemptions('lic_a', { learnerId: 'u1' })).toHaveLength(1);
    expect((await f.ledger.check()).ok).toBe(true);
  }, 60_000);

  it('concurrent earning with one idempotency key credits once', async () => {
    f = await ledgerFixture();
    await f.ledger.setRule('lic_a', { activity: 'course.completed', amount: 250, dailyCap: null });
    const outcomes = (
      await Promise.all(
        [0, 1, 2, 3].map(() => worker(['earn', 'lic_a', 'u1', 'course.completed', '25', 'evt-1'])),
      )
    ).flat();
    expect(outcomes.every((o) => o === 'ok')).toBe(true);
    expect(await f.ledger.balance('lic_a', 'u1')).toBe(250);
    expect((await f.ledger.history('lic_a', 'u1', { limit: 10 })).items).toHaveLength(1);
    expect((await f.ledger.check()).ok).toBe(true);
  }, 60_000);
});

describe('ledger under real concurrency (parallel HTTP requests to a real server)', () => {
  it('200 parallel redemptions over HTTP: one 201, the rest a clear 409, never negative', async () => {
    const api = await startRewardsApi();
    try {
      const { acme } = api;
      await api.backend(acme, '/v1/rewards/grants', {
        method: 'POST',
        headers: { 'Idempotency-Key': 'g' },
        body: JSON.stringify({ learnerId: 'ada', amount: 100, reason: 'x' }),
      });
      const res = await api.backend(acme, '/v1/rewards/catalog', {
        method: 'POST',
        body: JSON.stringify({ kind: 'partner', title: 'Prize', cost: 100 }),
      });
      const { id } = (await res.json()) as { id: string };
      const token = await api.token(acme, { sub: 'ada' });
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          api.learner(acme, token, '/v1/rewards/redemptions', {
            method: 'POST',
            headers: { 'Idempotency-Key': `r-${i}` },
            body: JSON.stringify({ itemId: id }),
          }),
        ),
      );
      const statuses = answers.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(199);
      const refusal = (await answers.find((r) => r.status === 409)!.json()) as { reason: string };
      expect(refusal.reason).toBe('insufficient_balance');
      expect(await api.server.services.rewards.ledger.balance(acme.id, 'ada')).toBe(0);

      await api.backend(acme, '/v1/rewards/rules/quiz.passed', {
        method: 'PUT',
        body: JSON.stringify({ amount: 7, dailyCap: null }),
      });
      const earns = await Promise.all(
        Array.from({ length: 50 }, () =>
          api.backend(acme, '/v1/rewards/activities', {
            method: 'POST',
            headers: { 'Idempotency-Key': 'quiz-1' },
            body: JSON.stringify({ learnerId: 'bob', activity: 'quiz.passed' }),
          }),
        ),
      );
      expect(earns.every((r) => r.status === 200)).toBe(true);
      expect(await api.server.services.rewards.ledger.balance(acme.id, 'bob')).toBe(7);
      expect((await api.server.services.rewards.ledger.check()).ok).toBe(true);
    } finally {
      await api.server.close();
    }
  }, 60_000);
});
