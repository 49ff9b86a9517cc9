import { spawnSync } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { exec } from '../../server/db/store.js';
import { Redemptions } from '../../server/modules/rewards/redemptions.js';
import { ledgerFixture, type LedgerFixture } from './helpers.js';

let f: LedgerFixture;
afterEach(async () => {
  await f?.cleanup();
});

/** `npm run admin -- rewards …` against the fixture's store (its file, or its PostgreSQL URL). */
function admin(...args: string[]) {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'server/cli/admin.ts', 'rewards', ...args],
    {
      env: {
        ...process.env,
        DATA_DIR: f.temp.dir,
        DATABASE_FILE: f.temp.file,
        ...(f.temp.url ? { DATABASE_URL: f.temp.url, SECRETS_KEY: 'ab'.repeat(32) } : {}),
        LOG_LEVEL: 'silent',
      },
      encoding: 'utf8',
    },
  );
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe('npm run admin -- rewards', () => {
  it('check proves the books balance, and fails loudly when a balance was tampered with', async () => {
    f = await ledgerFixture();
    await f.ledger.bonus('lic_a', { learnerId: 'u1', amount: 10, reason: 'x' });
    let run = admin('check', '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ ok: true, transactions: 1, postings: 2 });
    await f.store.write((tx) =>
      exec(tx, sql`update reward_accounts set balance = 11 where account = 'learner:u1'`),
    );
    run = admin('check');
    expect(run.code).toBe(1);
    expect(run.err).toContain('learner:u1: stored 11, replay 10');
  });

  it('lists, fulfils and rejects redemptions, and grants tokens', async () => {
    f = await ledgerFixture();
    const r = new Redemptions(f.store, f.clock, f.ledger);
    await f.ledger.bonus('lic_a', { learnerId: 'u1', amount: 100, reason: 'x' });
    const item = await r.createItem('lic_a', { kind: 'partner', title: 'Ticket', cost: 40 });
    const a = await r.redeem('lic_a', 'u1', { itemId: item.id, idempotencyKey: 'a' });
    const b = await r.redeem('lic_a', 'u1', { itemId: item.id, idempotencyKey: 'b' });
    let run = admin('redemptions', '--license', 'lic_a', '--status', 'requested');
    expect(run.out).toContain(a.id);
    expect(run.out).toContain('(learner u1)');
    expect(admin('fulfil', a.id, '--license', 'lic_a', '--note', 'Sent').out).toContain(
      'fulfilled',
    );
    expect(admin('reject', b.id, '--license', 'lic_a').out).toContain('rejected');
    run = admin(
      'grant',
      '--license',
      'lic_a',
      '--learner',
      'u1',
      '--amount',
      '5',
      '--reason',
      'sorry',
    );
    expect(run.out).toContain('balance now 65');
    expect(
      admin('grant', '--license', 'lic_a', '--learner', 'u1', '--amount', '1.5', '--reason', 'x')
        .code,
    ).toBe(1);
    expect(admin('fulfil', a.id, '--license', 'lic_b').code).toBe(1);
  });
});
