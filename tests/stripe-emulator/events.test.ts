import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StripeEmulator } from '../../demo/stripe-emulator/index.js';
import { raw, SECRET_KEY, START, startEmulator, WebhookReceiver } from './helpers.js';

let emulator: StripeEmulator;
let stripe: Stripe;
let receiver: WebhookReceiver;
const t0 = Math.floor(START.getTime() / 1000);
/** Customers created 0, 100 and 200 seconds after t0, in that order. */
const customers: Stripe.Customer[] = [];

beforeAll(async () => {
  receiver = new WebhookReceiver();
  const url = await receiver.start();
  ({ emulator, stripe } = await startEmulator({
    webhooks: [{ url, secret: 'whsec_events_secret' }],
    delivery: { initialBackoffMs: 20, maxAttempts: 2, timeoutMs: 300 },
  }));
  for (const seconds of [0, 100, 100]) {
    if (seconds) emulator.advanceTime({ seconds });
    customers.push(await stripe.customers.create({ name: `At ${customers.length}` }));
  }
  await emulator.webhooks.settled();
});

afterAll(async () => {
  await emulator.stop();
  await receiver.stop();
});

const createdIds = (events: Stripe.Event[]) =>
  events.filter((e) => e.type === 'customer.created').map((e) => e.data.object.id);

describe('GET /v1/events', () => {
  it('filters by created ranges, newest first', async () => {
    const [first, second, third] = customers.map((c) => c.id);
    const from = await stripe.events.list({ created: { gte: t0 + 100 }, limit: 100 });
    expect(createdIds(from.data)).toEqual([third, second]);
    const upTo = await stripe.events.list({ created: { lte: t0 + 100 }, limit: 100 });
    expect(createdIds(upTo.data)).toEqual([second, first]);
    const between = await stripe.events.list({
      created: { gte: t0 + 1, lte: t0 + 199 },
      limit: 100,
    });
    expect(createdIds(between.data)).toEqual([second]);
  });

  it('pages with limit, starting_after and has_more, as the SDK auto-paginates', async () => {
    const page = await stripe.events.list({ created: { gte: t0 }, limit: 1 });
    expect(page.data).toHaveLength(1);
    expect(page.has_more).toBe(true);
    const next = await stripe.events.list({
      created: { gte: t0 },
      limit: 1,
      starting_after: page.data[0]!.id,
    });
    expect(next.data[0]!.id).not.toBe(page.data[0]!.id);

    const all: Stripe.Event[] = [];
    for await (const event of stripe.events.list({ created: { gte: t0 }, limit: 1 })) {
      all.push(event);
    }
    expect(createdIds(all)).toEqual(customers.map((c) => c.id).reverse());
    const wire = await raw(emulator.url, 'GET', `/v1/events?created[gte]=${t0 + 200}&limit=100`);
    expect(wire.status).toBe(200);
    expect(wire.json).toMatchObject({ object: 'list', has_more: false });
  });
});

describe('switching webhook deliveries off', () => {
  it('records and lists events but posts none of them, until switched on again', async () => {
    receiver.received.length = 0;
    emulator.webhooks.configure({ deliveries: 'off' });
    const unheard = await stripe.customers.create({ name: 'Unheard' });
    await emulator.webhooks.settled();
    expect(receiver.received).toHaveLength(0);
    const listed = await stripe.events.list({ type: 'customer.created', limit: 1 });
    expect((listed.data[0]!.data.object as Stripe.Customer).id).toBe(unheard.id);

    // Over HTTP too; then back on: only events from then on are posted.
    const on = await raw(emulator.url, 'POST', '/_emulator/v1/webhooks/chaos', {
      body: 'deliveries=on',
      headers: { authorization: `Bearer ${SECRET_KEY}` },
    });
    expect(on.status).toBe(200);
    const heard = await stripe.customers.create({ name: 'Heard' });
    await emulator.webhooks.settled();
    expect(createdIds(receiver.events())).toEqual([heard.id]);
  });
});
