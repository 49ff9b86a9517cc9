import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EnvError, loadEnv } from '../../server/env.js';
import { loadSecretBox, SecretBox, SecretBoxError } from '../../server/modules/licenses/secrets.js';

function issues(source: Record<string, string>): string[] {
  try {
    loadEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error.issues;
    throw error;
  }
  return [];
}

describe('licensing configuration', () => {
  it('defaults: no operator token, no secrets key, no trusted proxies, flush every 2 s', () => {
    expect(loadEnv({})).toMatchObject({
      operatorToken: undefined,
      secretsKey: undefined,
      trustedProxies: [],
      usageFlushIntervalMs: 2000,
    });
  });

  it('reads the licensing variables', () => {
    const key = 'ab'.repeat(32);
    expect(
      loadEnv({
        OPERATOR_TOKEN: 'x'.repeat(32),
        SECRETS_KEY: key,
        TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1 ,::1,fd00::/8',
        USAGE_FLUSH_INTERVAL_MS: '500',
      }),
    ).toMatchObject({
      operatorToken: 'x'.repeat(32),
      secretsKey: key,
      trustedProxies: ['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8'],
      usageFlushIntervalMs: 500,
    });
    expect(
      loadEnv({ SECRETS_KEY: Buffer.alloc(32, 1).toString('base64') }).secretsKey,
    ).toBeDefined();
  });

  it.each([
    ['OPERATOR_TOKEN', 'short'],
    ['SECRETS_KEY', 'ab'.repeat(16)],
    ['SECRETS_KEY', 'not a key'],
    ['TRUSTED_PROXIES', '10.0.0.0/33'],
    ['TRUSTED_PROXIES', 'proxy.internal'],
    ['TRUSTED_PROXIES', '10.0.0.1/8/1'],
    ['USAGE_FLUSH_INTERVAL_MS', '10'],
    ['USAGE_FLUSH_INTERVAL_MS', '600000'],
  ])('refuses %s=%j, naming it', (variable, value) => {
    const found = issues({ [variable]: value });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^${variable}: `));
  });
});

describe('sealed signing secrets', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lx-secrets-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('round-trips, bound to its row', () => {
    const box = SecretBox.ephemeral();
    const sealed = box.seal('lxsig_secret', 'signing-secret:lic_a:ss_1');
    expect(sealed).not.toContain('lxsig_secret');
    expect(box.open(sealed, 'signing-secret:lic_a:ss_1')).toBe('lxsig_secret');
    // Moved to another license's row, it no longer opens.
    expect(() => box.open(sealed, 'signing-secret:lic_b:ss_1')).toThrow(SecretBoxError);
  });

  it('detects tampering and says when the key is not the one it was sealed with', () => {
    const box = SecretBox.ephemeral();
    const sealed = box.seal('lxsig_secret', 'ctx');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('lxsig_secreX').toString('base64url');
    expect(() => box.open(parts.join('.'), 'ctx')).toThrow(/altered or moved/);
    expect(() => SecretBox.ephemeral().open(sealed, 'ctx')).toThrow(
      /sealed with key \w{8}, but the server runs with key/,
    );
    expect(() => box.open('garbage', 'ctx')).toThrow(SecretBoxError);
  });

  it('creates the key file once, readable by its owner only, and keeps using it', () => {
    const first = loadSecretBox({ secretsKey: undefined, dataDir: dir });
    const file = path.join(dir, 'secrets.key');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const second = loadSecretBox({ secretsKey: undefined, dataDir: dir });
    expect(second.keyId).toBe(first.keyId);
    expect(second.open(first.seal('x', 'c'), 'c')).toBe('x');
  });

  it('prefers SECRETS_KEY over the file', () => {
    const hex = 'cd'.repeat(32);
    const fromEnv = loadSecretBox({ secretsKey: hex, dataDir: dir });
    expect(fromEnv.keyId).toBe(new SecretBox(Buffer.from(hex, 'hex')).keyId);
    expect(fromEnv.keyId).not.toBe(loadSecretBox({ secretsKey: undefined, dataDir: dir }).keyId);
  });
});
