import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, jsonInit } from '../fixtures/harness.js';
import { courseInput, startMarket, tenantOf, type MarketHarness, type Tenant } from './helpers.js';

describe('authoring: the secret key acts for every instructor, an instructor for themselves', () => {
  let h: MarketHarness;
  let acme: Tenant;
  let tess: Record<string, string>;
  let tessId: string;
  let otherId: string;

  beforeAll(async () => {
    h = await startMarket();
    acme = await tenantOf(h, 'Acme University', 'https://portal.acme.test');
    const post = (body: unknown) =>
      h
        .fetch('/v1/authoring/instructors', jsonInit('POST', body, acme.server))
        .then((r) => r.json());
    tessId = (await post({ name: 'Tess', subject: 'tess' })).id;
    otherId = (await post({ name: 'Olga', shareBps: 8000 })).id;
    tess = await acme.learner('tess', 'Tess');
  });
  afterAll(() => h.close());

  it('keeps other instructors’ courses out of an instructor’s reach', async () => {
    const theirs = await (
      await h.fetch(
        '/v1/authoring/courses',
        jsonInit('POST', { ...courseInput(), instructorId: otherId }, acme.server),
      )
    ).json();
    await expectProblem(
      await h.fetch(`/v1/authoring/courses/${theirs.id}`, { headers: tess }),
      'not_found',
    );
    await expectProblem(
      await h.fetch(
        `/v1/authoring/courses/${theirs.id}`,
        jsonInit('PATCH', { title: 'Mine' }, tess),
      ),
      'not_found',
    );
    await expectProblem(
      await h.fetch(
        '/v1/authoring/courses',
        jsonInit('POST', { ...courseInput(), instructorId: otherId }, tess),
      ),
      'forbidden',
    );
    const own = await h.fetch(
      '/v1/authoring/courses',
      jsonInit('POST', courseInput({ title: 'Tess’s' }), tess),
    );
    expect(own.status).toBe(201);
    const list = await (await h.fetch('/v1/authoring/courses', { headers: tess })).json();
    expect(list.items.map((c: { title: string }) => c.title)).toEqual(['Tess’s']);
    // Instructors, the split and review visibility belong to the customer's server.
    await expectProblem(await h.fetch('/v1/authoring/instructors', { headers: tess }), 'forbidden');
  });

  it('edits only what an edit sends', async () => {
    const created = await (
      await h.fetch(
        '/v1/authoring/courses',
        jsonInit(
          'POST',
          courseInput({ title: 'Keep me', tags: ['a', 'b'], status: 'published' }),
          tess,
        ),
      )
    ).json();
    const edited = await (
      await h.fetch(
        `/v1/authoring/courses/${created.id}`,
        jsonInit('PATCH', { subtitle: 'New' }, tess),
      )
    ).json();
    expect(edited).toMatchObject({
      title: 'Keep me',
      subtitle: 'New',
      tags: ['a', 'b'],
      status: 'published',
      price: created.price,
    });
    await expectProblem(
      await h.fetch(
        `/v1/authoring/courses/${created.id}`,
        jsonInit('PATCH', { price: { amount: -1, currency: 'USD' } }, tess),
      ),
      'validation_failed',
    );
    await expectProblem(
      await h.fetch(
        `/v1/authoring/courses/${created.id}`,
        jsonInit('PATCH', { price: { amount: 100, currency: 'XXY' } }, tess),
      ),
      'validation_failed',
    );
  });

  it('shows an instructor their own earnings only', async () => {
    const own = await h.fetch('/v1/authoring/earnings', { headers: tess });
    expect((await own.json()).instructor).toEqual({ id: tessId, name: 'Tess' });
    await expectProblem(
      await h.fetch(`/v1/authoring/earnings?instructorId=${otherId}`, { headers: tess }),
      'forbidden',
    );
    await expectProblem(
      await h.fetch('/v1/authoring/earnings', { headers: acme.server }),
      'validation_failed',
    );
    const other = await tenantOf(h, 'Globex', 'https://learn.globex.test');
    await expectProblem(
      await h.fetch(`/v1/authoring/earnings?instructorId=${tessId}`, { headers: other.server }),
      'not_found',
    );
  });
});
