import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../fixtures/admin-cli.js';
import { createTestStore, onPostgres, type TestStore } from '../fixtures/store.js';
import { loadSecretBox } from '../../server/modules/licenses/secrets.js';
import {
  bearer,
  jsonInit,
  learnerHeaders,
  signToken,
  startHarness,
  TestClock,
  type Harness,
} from '../fixtures/harness.js';

async function json(dataDir: string, ...args: string[]) {
  const run = await runAdmin(dataDir, ...args, '--json');
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
}

describe('operator CLI (npm run admin)', () => {
  let dir: string;
  let created: {
    license: { id: string; publishableKey: string };
    secretKey: string;
    signingSecret: string;
  };

  // On SQLite the CLI creates the database in DATA_DIR; on PostgreSQL it is given the
  // database of a test store (runAdmin passes its DATABASE_URL and SECRETS_KEY).
  let temp: TestStore | undefined;

  beforeAll(async () => {
    if (onPostgres) {
      temp = await createTestStore();
      dir = temp.dir;
    } else {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lx-cli-'));
    }
    created = await json(
      dir,
      'license',
      'create',
      '--name',
      'Acme',
      '--plan',
      'enterprise',
      '--origin',
      'https://portal.acme.test',
    );
  });
  afterAll(async () => {
    await temp?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('license create --json prints the id, the keys and the signing secret', () => {
    expect(created.license.id).toMatch(/^lic_/);
    expect(created.license.publishableKey).toMatch(/^pk_test_/);
    expect(created.secretKey).toMatch(/^sk_test_/);
    expect(created.signingSecret).toMatch(/^lxsig_/);
    expect(created.license).toMatchObject({
      name: 'Acme',
      plan: 'enterprise',
      allowedOrigins: ['https://portal.acme.test'],
    });
  });

  it('writes the same database and secrets key the server reads', async () => {
    let h: Harness | undefined;
    try {
      h = await startHarness({
        dir,
        secrets: loadSecretBox({ secretsKey: undefined, dataDir: dir }),
      });
      const validate = await h.fetch('/v1/licenses/validate', {
        method: 'POST',
        headers: bearer(created.secretKey),
      });
      expect(await validate.json()).toMatchObject({
        valid: true,
        license: { id: created.license.id },
      });
      const token = await signToken(
        created.signingSecret,
        created.license.id,
        new TestClock(new Date()),
      );
      h.clock.set(new Date());
      const me = await h.fetch('/v1/me', {
        headers: learnerHeaders(created.license.publishableKey, token),
      });
      expect(me.status).toBe(200);
    } finally {
      await h?.close({ keepFiles: true });
    }
  });

  it('license list and show, in human and JSON form', async () => {
    const list = await json(dir, 'license', 'list');
    expect(list.licenses.map((l: { id: string }) => l.id)).toEqual([created.license.id]);
    const human = await runAdmin(dir, 'license', 'list');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(
      new RegExp(`^${created.license.id}\\s+active\\s+enterprise\\s+test\\s+Acme`, 'm'),
    );
    const shown = await runAdmin(dir, 'license', 'show', created.license.id);
    expect(shown.stdout).toContain('Acme (');
    expect(shown.stdout).toContain('publishable   ' + created.license.publishableKey);
    expect(shown.stdout).toMatch(/api_requests\s+\d+ \/ 5,000,000 soft/);
    expect(shown.stdout).not.toContain(created.secretKey);
  });

  it('license update adds an origin and overrides a limit', async () => {
    const updated = await json(
      dir,
      'license',
      'update',
      created.license.id,
      '--add-origin',
      'https://*.acme.edu',
      '--limit',
      'api_requests=500000',
      '--enforce',
      'api_requests=hard',
      '--expires',
      '2031-01-01',
    );
    expect(updated.license).toMatchObject({
      allowedOrigins: ['https://portal.acme.test', 'https://*.acme.edu'],
      limits: { api_requests: { max: 500_000, enforcement: 'hard', source: 'license' } },
      expiresAt: '2031-01-01T00:00:00.000Z',
    });
  });

  it('license suspend, resume and revoke', async () => {
    const other = await json(dir, 'license', 'create', '--name', 'Globex', '--plan', 'pro');
    const id = other.license.id;
    expect(await json(dir, 'license', 'suspend', id, '--reason', 'unpaid')).toMatchObject({
      status: 'suspended',
      statusReason: 'unpaid',
    });
    expect(await json(dir, 'license', 'resume', id)).toMatchObject({ status: 'active' });
    expect(await json(dir, 'license', 'revoke', id)).toMatchObject({ status: 'revoked' });
    const refused = await runAdmin(dir, 'license', 'resume', id);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error (conflict)');
  });

  it('license rotate prints the new key once and the end of the overlap', async () => {
    const rotated = await json(
      dir,
      'license',
      'rotate',
      created.license.id,
      '--key',
      'secret',
      '--overlap',
      '1h',
    );
    expect(rotated.secretKey).toMatch(/^sk_test_/);
    expect(rotated.secretKey).not.toBe(created.secretKey);
    expect(Date.parse(rotated.previousValidUntil) - Date.now()).toBeGreaterThan(55 * 60_000);
    const human = await runAdmin(
      dir,
      'license',
      'rotate',
      created.license.id,
      '--key',
      'signing',
      '--overlap',
      '0',
    );
    expect(human.stdout).toMatch(/New signing secret for lic_\w+ \(shown once\):\n {2}lxsig_/);
  });

  it('refuses bad input naming the flag, and changes nothing', async () => {
    const before = await json(dir, 'license', 'list');
    const human = await runAdmin(
      dir,
      'license',
      'create',
      '--name',
      'Bad',
      '--plan',
      'Enterprise',
      '--origin',
      'https://x.test/',
    );
    expect(human.code).toBe(1);
    expect(human.stderr).toContain('error (validation_failed)');
    expect(human.stderr).toContain('--plan:');
    expect(human.stderr).toContain('--origin:');
    const machine = await runAdmin(
      dir,
      'license',
      'create',
      '--name',
      'Bad',
      '--plan',
      'pro',
      '--currency',
      'usd',
      '--json',
    );
    expect(machine.code).toBe(1);
    expect(JSON.parse(machine.stdout)).toMatchObject({
      error: { code: 'validation_failed', errors: [{ path: 'body.currency' }] },
    });
    expect(await json(dir, 'license', 'list')).toEqual(before);
  });

  it('answers usage mistakes with exit code 2 and the usage text', async () => {
    const unknown = await runAdmin(dir, 'license', 'explode');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown license command "explode"');
    const flag = await runAdmin(dir, 'license', 'list', '--colour');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('Usage: npm run admin');
    const missing = await runAdmin(dir, 'license', 'show');
    expect(missing.code).toBe(2);
    const notFound = await runAdmin(dir, 'license', 'show', 'lic_nope');
    expect(notFound.code).toBe(1);
    expect(notFound.stderr).toContain('error (not_found)');
  });

  it('ticket list --breached, show, reply and close', async () => {
    // A ticket opened five hours ago by the enterprise customer: its 4 h first response is late.
    let h: Harness | undefined;
    let ticketId: string;
    try {
      h = await startHarness({
        dir,
        clock: new TestClock(new Date(Date.now() - 5 * 3_600_000)),
        secrets: loadSecretBox({ secretsKey: undefined, dataDir: dir }),
      });
      const rotatedKey = (
        await json(dir, 'license', 'rotate', created.license.id, '--key', 'secret')
      ).secretKey;
      const res = await h.fetch(
        '/v1/support/tickets',
        jsonInit(
          'POST',
          { subject: 'Widgets blank', body: 'Since this morning.', priority: 'high' },
          bearer(rotatedKey),
        ),
      );
      expect(res.status).toBe(201);
      ticketId = (await res.json()).id;
    } finally {
      await h?.close({ keepFiles: true });
    }

    const breached = await json(dir, 'ticket', 'list', '--breached');
    expect(breached.tickets.map((t: { id: string }) => t.id)).toEqual([ticketId]);
    expect(breached.tickets[0].sla).toMatchObject({ firstResponseBreached: true });
    const listed = await runAdmin(dir, 'ticket', 'list');
    expect(listed.stdout).toContain(`${ticketId}  open`);
    expect(listed.stdout).toContain('BREACHED');

    const replied = await json(
      dir,
      'ticket',
      'reply',
      ticketId,
      '--body',
      'We are on it.',
      '--author',
      'Sam',
    );
    expect(replied).toMatchObject({
      status: 'answered',
      messages: [{ author: 'customer' }, { author: 'operator', authorName: 'Sam' }],
    });
    const shown = await runAdmin(dir, 'ticket', 'show', ticketId);
    expect(shown.stdout).toContain('Sam (operator):');
    expect(shown.stdout).toContain('We are on it.');
    const closed = await json(dir, 'ticket', 'close', ticketId, '--body', 'Fixed.');
    expect(closed.status).toBe('closed');
    const empty = await runAdmin(dir, 'ticket', 'reply', ticketId);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('--body');
  });
});
