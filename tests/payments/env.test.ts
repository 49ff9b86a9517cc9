import { describe, expect, it } from 'vitest';
import { EnvError, loadEnv } from '../../server/env.js';

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
  ])('refuses %j, naming %s', (source, name) => {
    expect(() => loadEnv(source)).toThrow(EnvError);
    expect(() => loadEnv(source)).toThrow(name);
  });
});
