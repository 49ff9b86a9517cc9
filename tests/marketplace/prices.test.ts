import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { courses } from '../../server/modules/marketplace/schema.js';
import {
  createLicense,
  expectProblem,
  jsonInit,
  startHarness,
  type Harness,
} from '../fixtures/harness.js';
import { courseInput } from './helpers.js';

/**
 * A course price Stripe would never charge is refused when it is authored, not at every
 * checkout: below the currency's minimum charge (USD 0.50, JPY 50 …), free (0) excepted.
 */
describe('authoring refuses prices below Stripe’s minimum charge', () => {
  let h: Harness;
  let server: Record<string, string>;
  let instructorId: string;

  beforeAll(async () => {
    h = await startHarness();
    const acme = await createLicense(h.services);
    server = { Authorization: `Bearer ${acme.secretKey}` };
    instructorId = (
      (await (
        await h.fetch('/v1/authoring/instructors', jsonInit('POST', { name: 'Tess' }, server))
      ).json()) as { id: string }
    ).id;
  });
  afterAll(() => h.close());

  const create = (price: { amount: number; currency: string }) =>
    h.fetch(
      '/v1/authoring/courses',
      jsonInit('POST', { ...courseInput({ price }), instructorId }, server),
    );

  const courseCount = () => h.store.db.select({ n: count() }).from(courses);

  it('refuses USD 0.49 on create, naming body.price.amount, and creates nothing', async () => {
    const before = await courseCount();
    const problem = await expectProblem(
      await create({ amount: 49, currency: 'USD' }),
      'validation_failed',
    );
    expect(problem.errors).toEqual([
      {
        path: 'body.price.amount',
        message: "Below Stripe's minimum charge of 0.50 USD (50 minor units)",
      },
    ]);
    expect(await courseCount()).toEqual(before);
  });

  it('accepts free courses and the minimum itself', async () => {
    expect((await create({ amount: 0, currency: 'USD' })).status).toBe(201);
    expect((await create({ amount: 50, currency: 'USD' })).status).toBe(201);
    expect((await create({ amount: 50, currency: 'JPY' })).status).toBe(201);
  });

  it('refuses per currency: JPY 49', async () => {
    const problem = await expectProblem(
      await create({ amount: 49, currency: 'JPY' }),
      'validation_failed',
    );
    expect(problem.errors?.[0]?.path).toBe('body.price.amount');
  });

  it('refuses it on update, and leaves the course as it was', async () => {
    const { id } = (await (await create({ amount: 4900, currency: 'USD' })).json()) as {
      id: string;
    };
    const edit = (body: unknown) =>
      h.fetch(`/v1/authoring/courses/${id}`, jsonInit('PATCH', body, server));
    const problem = await expectProblem(
      await edit({ title: 'Cheaper', price: { amount: 49, currency: 'USD' } }),
      'validation_failed',
    );
    expect(problem.errors?.[0]?.path).toBe('body.price.amount');
    expect(
      await h.store.db
        .select({ title: courses.title, price_amount: courses.priceAmount })
        .from(courses)
        .where(eq(courses.id, id)),
    ).toEqual([{ title: 'Python for Data Analysis', price_amount: 4900 }]);
    expect((await edit({ price: { amount: 0, currency: 'USD' } })).status).toBe(200);
    expect((await edit({ price: { amount: 50, currency: 'USD' } })).status).toBe(200);
  });
});
