import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../fixtures/admin-cli.js';

describe('npm run admin -- plan …', () => {
  let dir: string;
  let licenseId: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lx-plan-cli-'));
    const created = await runAdmin(
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
    const shown = await runAdmin(dir, 'plan', 'show', '--license', licenseId);
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
    const set = await runAdmin(
      dir,
      'plan',
      'set',
      '--license',
      licenseId,
      '--file',
      file,
      '--json',
    );
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
    const bad = await runAdmin(dir, 'plan', 'set', '--license', licenseId, '--file', file);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('validation_failed');
    expect(bad.stderr).toContain('body.plans.0.prices.0.amount');
    expect(bad.stderr).toContain('body.plans.0.features.0');
    expect((await runAdmin(dir, 'plan', 'show', '--license', licenseId)).stdout).toContain(
      'Member',
    );

    // Stripe would refuse to charge it: refused when authored, not at checkout.
    fs.writeFileSync(
      file,
      JSON.stringify({
        plans: [
          {
            id: 'tiny',
            name: 'Tiny',
            prices: [{ interval: 'month', amount: 25, currency: 'GBP' }],
            features: [],
          },
        ],
      }),
    );
    const tiny = await runAdmin(dir, 'plan', 'set', '--license', licenseId, '--file', file);
    expect(tiny.code).toBe(1);
    expect(tiny.stderr).toContain('body.plans.0.prices.0.amount');
    expect(tiny.stderr).toContain('0.30 GBP');

    const cleared = await runAdmin(dir, 'plan', 'clear', '--license', licenseId);
    expect(cleared.stdout).toContain('Back to the default tiers.');
    const none = await runAdmin(
      dir,
      'subscription',
      'list',
      '--license',
      licenseId,
      '--learner',
      'lrn_x',
    );
    expect(none.stdout).toContain('No subscriptions.');
    const unknown = await runAdmin(dir, 'plan', 'show', '--license', 'lic_nope');
    expect(unknown.code).toBe(1);
  }, 120_000);
});
