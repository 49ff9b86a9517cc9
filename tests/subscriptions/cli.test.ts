import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run admin -- …` the way an operator would: a child process on DATA_DIR. */
function admin(dataDir: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'server/cli/admin.ts'), ...args],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          DATA_DIR: dataDir,
          NODE_ENV: 'test',
        },
        timeout: 30_000,
      },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          stdout,
          stderr,
        }),
    );
  });
}

describe('npm run admin -- plan …', () => {
  let dir: string;
  let licenseId: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lx-plan-cli-'));
    const created = await admin(
      dir,
      'license',
      'create',
      '--name',
      'Acme',
      '--plan',
      'pro',
      '--json',
    );
    expect(created.code).toBe(0);
    licenseId = JSON.parse(created.stdout).license.id;
  }, 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('shows the default tiers, sets the license’s own, refuses bad ones, and clears them', async () => {
    const shown = await admin(dir, 'plan', 'show', '--license', licenseId);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('Default tiers:');
    expect(shown.stdout).toContain('9.99 USD/month');

    const file = path.join(dir, 'tiers.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        plans: [
          {
            id: 'member',
            name: 'Member',
            prices: [{ interval: 'month', amount: 500, currency: 'EUR' }],
            features: ['certificates'],
            trialDays: 30,
          },
        ],
      }),
    );
    const set = await admin(dir, 'plan', 'set', '--license', licenseId, '--file', file, '--json');
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({
      overridden: true,
      plans: [{ id: 'member', trialDays: 30, recommended: false, description: '' }],
    });

    fs.writeFileSync(
      file,
      JSON.stringify({
        plans: [
          {
            id: 'x',
            name: 'X',
            prices: [{ interval: 'month', amount: 1.5, currency: 'usd' }],
            features: ['flying'],
          },
        ],
      }),
    );
    const bad = await admin(dir, 'plan', 'set', '--license', licenseId, '--file', file);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('validation_failed');
    expect(bad.stderr).toContain('body.plans.0.prices.0.amount');
    expect(bad.stderr).toContain('body.plans.0.features.0');
    expect((await admin(dir, 'plan', 'show', '--license', licenseId)).stdout).toContain('Member');

    const cleared = await admin(dir, 'plan', 'clear', '--license', licenseId);
    expect(cleared.stdout).toContain('Back to the default tiers.');
    const none = await admin(
      dir,
      'subscription',
      'list',
      '--license',
      licenseId,
      '--learner',
      'lrn_x',
    );
    expect(none.stdout).toContain('No subscriptions.');
    const unknown = await admin(dir, 'plan', 'show', '--license', 'lic_nope');
    expect(unknown.code).toBe(1);
  }, 120_000);
});
