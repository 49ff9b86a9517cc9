import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { learnerOf, startPayments, subscribe, type PaymentsHarness } from './helpers.js';

let h: PaymentsHarness;

beforeAll(async () => {
  h = await startPayments();
});
afterAll(() => h.close());

interface Schema {
  properties: Record<string, { enum?: string[] }>;
  required?: string[];
}

describe('the CheckoutSession schema', () => {
  it('documents every field a subscription checkout answers, optional for one-off payments', async () => {
    const res = await h.fetch('/v1/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { components: { schemas: Record<string, Schema> } };
    const schema = doc.components.schemas.CheckoutSession!;

    const ada = await learnerOf(h, { sub: 'ada' });
    for (const planId of ['enterprise', 'pro']) {
      const session = await subscribe(h, ada, { planId, interval: 'month' });
      expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(Object.keys(session)));
    }
    for (const field of ['subscriptionId', 'intentType', 'trialEnd', 'planId', 'interval']) {
      expect(schema.properties).toHaveProperty(field);
      expect(schema.required ?? []).not.toContain(field);
    }
    expect(schema.properties.intentType!.enum).toEqual(['payment', 'setup']);
    expect(schema.properties.interval!.enum).toEqual(['month', 'year']);
  });
});
