import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import type { StripeEmulator } from '../../demo/stripe-emulator/index.js';
import { SECRET_KEY, startEmulator } from './helpers.js';

let emulator: StripeEmulator;
let stripe: Stripe;

beforeAll(async () => {
  ({ emulator, stripe } = await startEmulator());
});
afterAll(() => emulator.stop());

describe('delayed answers', () => {
  it('serves a read at once and holds its answer until released', async () => {
    const customer = await stripe.customers.create({ name: 'Before' });
    const slow = emulator.delayAnswers({ method: 'GET', path: `/v1/customers/${customer.id}` });
    const read = stripe.customers.retrieve(customer.id);
    await slow.reached;
    await stripe.customers.update(customer.id, { name: 'After' });
    // Only one answer was asked for: this read is not held.
    expect((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({
      name: 'After',
    });
    slow.release();
    // The held read saw the customer as it was when it was served.
    expect((await read) as Stripe.Customer).toMatchObject({ name: 'Before' });
  });

  it('delays answers for a while over HTTP', async () => {
    const customer = await stripe.customers.create({});
    const res = await fetch(`${emulator.url}/_emulator/v1/answers/delay`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${SECRET_KEY}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: `method=GET&path=/v1/customers/${customer.id}&delay_ms=300`,
    });
    expect(res.status).toBe(200);
    const started = Date.now();
    await stripe.customers.retrieve(customer.id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    const again = Date.now();
    await stripe.customers.retrieve(customer.id);
    expect(Date.now() - again).toBeLessThan(250);
  });
});
