import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EnvError, loadEnv } from '../../server/env.js';

function envError(source: Record<string, string>): EnvError {
  try {
    loadEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(source)} to be refused`);
}

describe('loadEnv', () => {
  const savedPort = process.env.PORT;
  afterEach(() => {
    if (savedPort === undefined) delete process.env.PORT;
    else process.env.PORT = savedPort;
  });

  it('fills every documented default', () => {
    expect(loadEnv({})).toMatchObject({
      nodeEnv: 'development',
      host: '127.0.0.1',
      port: 8787,
      publicUrl: undefined,
      dataDir: path.resolve('data'),
      databaseFile: path.resolve('data', 'liberation.db'),
      logLevel: 'info',
      bodyLimitBytes: 1024 * 1024,
      seedDemo: true,
      shutdownTimeoutMs: 10_000,
      licenseCacheTtlMs: 30_000,
      stripePublishableKey: undefined,
    });
  });

  it('coerces numbers, booleans and paths', () => {
    const env = loadEnv({
      NODE_ENV: 'production',
      HOST: '0.0.0.0',
      PORT: '3000',
      PUBLIC_URL: 'https://kit.example.com',
      DATA_DIR: 'var/lx',
      DATABASE_FILE: 'elsewhere/app.db',
      LOG_LEVEL: 'warn',
      BODY_LIMIT_BYTES: '2048',
      SEED_DEMO: 'no',
      SHUTDOWN_TIMEOUT_MS: '0',
      LICENSE_CACHE_TTL_MS: '500',
      STRIPE_PUBLISHABLE_KEY: 'pk_test_abc123',
    });
    expect(env).toMatchObject({
      nodeEnv: 'production',
      host: '0.0.0.0',
      port: 3000,
      publicUrl: 'https://kit.example.com',
      dataDir: path.resolve('var/lx'),
      databaseFile: path.resolve('elsewhere/app.db'),
      logLevel: 'warn',
      bodyLimitBytes: 2048,
      seedDemo: false,
      shutdownTimeoutMs: 0,
      licenseCacheTtlMs: 500,
      stripePublishableKey: 'pk_test_abc123',
    });
  });

  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['no', false],
  ])('reads SEED_DEMO=%s as %s', (value, expected) => {
    expect(loadEnv({ SEED_DEMO: value }).seedDemo).toBe(expected);
  });

  it('accepts port 0 (any free port)', () => {
    expect(loadEnv({ PORT: '0' }).port).toBe(0);
  });

  it('treats empty strings as unset', () => {
    const env = loadEnv({ PORT: '', LOG_LEVEL: '', DATABASE_FILE: '', PUBLIC_URL: '' });
    expect(env.port).toBe(8787);
    expect(env.logLevel).toBe('info');
    expect(env.databaseFile).toBe(path.resolve('data', 'liberation.db'));
    expect(env.publicUrl).toBeUndefined();
  });

  it('reads only the source it is given', () => {
    process.env.PORT = '1234';
    expect(loadEnv({}).port).toBe(8787);
  });

  it('names every bad variable in one error', () => {
    const bad = {
      NODE_ENV: 'staging',
      PORT: 'eighty',
      PUBLIC_URL: 'ftp://kit.example.com',
      LOG_LEVEL: 'loud',
      BODY_LIMIT_BYTES: '10',
      SEED_DEMO: 'maybe',
      SHUTDOWN_TIMEOUT_MS: '999999',
      LICENSE_CACHE_TTL_MS: '-1',
      STRIPE_PUBLISHABLE_KEY: 'sk_test_abc',
    };
    const error = envError(bad);
    expect(error.name).toBe('EnvError');
    expect(error.message).toMatch(/^Invalid configuration:\n/);
    const named = error.issues.map((issue) => issue.split(':')[0]);
    expect(named.sort()).toEqual(Object.keys(bad).sort());
    for (const variable of Object.keys(bad)) {
      expect(error.message).toContain(`  - ${variable}: `);
    }
    expect(error.message).toContain(
      'STRIPE_PUBLISHABLE_KEY: must look like pk_test_… or pk_live_…',
    );
  });

  it.each([
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['BODY_LIMIT_BYTES', String(200 * 1024 * 1024)],
    ['BODY_LIMIT_BYTES', '1k'],
    ['PUBLIC_URL', 'not a url'],
    ['NODE_ENV', 'Production'],
    ['SEED_DEMO', 'TRUE'],
  ])('refuses %s=%j', (variable, value) => {
    const error = envError({ [variable]: value });
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatch(new RegExp(`^${variable}: `));
  });
});
