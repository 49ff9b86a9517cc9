import { describe, expect, it } from 'vitest';
import { EnvError, loadEnv, requireStripeInProduction } from '../../server/env.js';
import { stripeEndpointOf } from '../../server/lib/stripe-endpoint.js';

const keys = { STRIPE_SECRET_KEY: 'sk_test_abc123', STRIPE_WEBHOOK_SECRET: 'whsec_abc123' };

describe('Stripe configuration', () => {
  it('defaults to the bundled emulator on a free port', () => {
    const env = loadEnv({});
    expect({
      secret: env.stripeSecretKey,
      webhook: env.stripeWebhookSecret,
      port: env.stripeEmulatorPort,
    }).toEqual({ secret: undefined, webhook: undefined, port: 0 });
  });

  it('reads real Stripe keys and the emulator port', () => {
    const env = loadEnv({
      STRIPE_SECRET_KEY: 'sk_test_abc123',
      STRIPE_WEBHOOK_SECRET: 'whsec_abc123',
      STRIPE_PUBLISHABLE_KEY: 'pk_test_abc123',
      STRIPE_EMULATOR_PORT: '12111',
    });
    expect(env).toMatchObject({
      stripeSecretKey: 'sk_test_abc123',
      stripeWebhookSecret: 'whsec_abc123',
      stripePublishableKey: 'pk_test_abc123',
      stripeEmulatorPort: 12111,
    });
  });

  it.each([
    [{ STRIPE_SECRET_KEY: 'sk_test_abc123' }, 'STRIPE_WEBHOOK_SECRET'],
    [{ STRIPE_WEBHOOK_SECRET: 'whsec_abc123' }, 'STRIPE_SECRET_KEY'],
    [{ STRIPE_SECRET_KEY: 'pk_test_abc', STRIPE_WEBHOOK_SECRET: 'whsec_a' }, 'STRIPE_SECRET_KEY'],
    [{ STRIPE_SECRET_KEY: 'sk_test_a', STRIPE_WEBHOOK_SECRET: 'secret' }, 'STRIPE_WEBHOOK_SECRET'],
    [{ STRIPE_EMULATOR_PORT: '70000' }, 'STRIPE_EMULATOR_PORT'],
    [{ STRIPE_API_URL: 'http://127.0.0.1:12111' }, 'STRIPE_API_URL'],
    [{ ...keys, STRIPE_API_URL: 'ftp://127.0.0.1:12111' }, 'STRIPE_API_URL'],
    [{ ...keys, STRIPE_API_URL: 'http://127.0.0.1:12111/v1' }, 'STRIPE_API_URL'],
    [{ ...keys, STRIPE_JS_URL: 'not a url' }, 'STRIPE_JS_URL'],
    [{ STRIPE_RECONCILE_INTERVAL_MS: '500' }, 'STRIPE_RECONCILE_INTERVAL_MS'],
    [{ STRIPE_RECONCILE_INTERVAL_MS: 'often' }, 'STRIPE_RECONCILE_INTERVAL_MS'],
  ])('refuses %j, naming %s', (source, name) => {
    expect(() => loadEnv(source)).toThrow(EnvError);
    expect(() => loadEnv(source)).toThrow(name);
  });

  it('reconciles with Stripe every 10 minutes unless told otherwise (0: never)', () => {
    expect(loadEnv({}).stripeReconcileIntervalMs).toBe(600_000);
    expect(loadEnv({ STRIPE_RECONCILE_INTERVAL_MS: '0' }).stripeReconcileIntervalMs).toBe(0);
    expect(loadEnv({ STRIPE_RECONCILE_INTERVAL_MS: '60000' }).stripeReconcileIntervalMs).toBe(
      60_000,
    );
  });

  it('points the SDK at another Stripe-compatible API with STRIPE_API_URL', () => {
    const env = loadEnv({
      ...keys,
      STRIPE_API_URL: 'http://127.0.0.1:12111',
      STRIPE_JS_URL: 'http://127.0.0.1:12111/v3/',
    });
    expect(env).toMatchObject({
      stripeApiUrl: 'http://127.0.0.1:12111',
      stripeJsUrl: 'http://127.0.0.1:12111/v3/',
    });
    expect(stripeEndpointOf(env.stripeApiUrl!)).toEqual({
      host: '127.0.0.1',
      port: 12111,
      protocol: 'http',
    });
    expect(stripeEndpointOf('https://stripe.internal')).toEqual({
      host: 'stripe.internal',
      port: 443,
      protocol: 'https',
    });
    expect(stripeEndpointOf('http://[::1]:12111')).toMatchObject({ host: '::1', port: 12111 });
    expect(loadEnv({}).stripeApiUrl).toBeUndefined();
  });

  it('requires both keys in production, naming each missing one', () => {
    expect(() => requireStripeInProduction(loadEnv({}))).not.toThrow();
    expect(requireStripeInProduction(loadEnv({ NODE_ENV: 'production', ...keys }))).toMatchObject({
      stripeSecretKey: 'sk_test_abc123',
    });
    let error: unknown;
    try {
      requireStripeInProduction(loadEnv({ NODE_ENV: 'production' }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EnvError);
    expect((error as EnvError).issues).toEqual([
      'STRIPE_SECRET_KEY: required when NODE_ENV=production',
      'STRIPE_WEBHOOK_SECRET: required when NODE_ENV=production',
    ]);
  });
});
