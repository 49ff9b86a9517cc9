import { count, eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { exec, first } from '../../server/db/store.js';
import { courses } from '../../server/modules/marketplace/schema.js';
import { onPostgres } from '../fixtures/store.js';
import { usageEvents } from '../fixtures/usage-events.js';
import {
  createLicense,
  expectProblem,
  jsonInit,
  startHarness,
  type Harness,
} from '../fixtures/harness.js';
import { courseInput } from './helpers.js';

/**
 * Publishing a course uses one unit of the license's monthly `courses` allowance: a hard limit
 * refuses the publication and changes nothing, a soft one warns from 80 %.
 */
describe('the courses allowance', () => {
  let h: Harness;
  afterEach(() => h?.close());

  /** Schema changes of a test, written through the store. */
  const ddl = (statements: ReturnType<typeof sql>[]) =>
    h.store.write(async (tx) => {
      for (const statement of statements) await exec(tx, statement);
    });

  async function tenant(license: Parameters<typeof createLicense>[1]) {
    const created = await createLicense(h.services, license);
    const server = { Authorization: `Bearer ${created.secretKey}` };
    const instructor = (await (
      await h.fetch('/v1/authoring/instructors', jsonInit('POST', { name: 'Tess' }, server))
    ).json()) as { id: string };
    const create = (overrides: Parameters<typeof courseInput>[0] = {}) =>
      h.fetch(
        '/v1/authoring/courses',
        jsonInit('POST', { ...courseInput(overrides), instructorId: instructor.id }, server),
      );
    const patch = (id: string, body: unknown) =>
      h.fetch(`/v1/authoring/courses/${id}`, jsonInit('PATCH', body, server));
    const used = async () =>
      (
        await h.services.usage.snapshot((await h.services.licenses.getById(created.license.id))!)
      ).metrics.find((m) => m.metric === 'courses')!.used;
    const courseCount = async () =>
      first(
        await h.store.db
          .select({ n: count() })
          .from(courses)
          .where(eq(courses.licenseId, created.license.id)),
      )?.n;
    return { created, create, patch, used, courseCount };
  }

  it('counts a course when it is first published, not drafts, edits or republishing', async () => {
    h = await startHarness();
    const t = await tenant({ plan: 'pro' });
    expect((await t.create()).status).toBe(201);
    expect(await t.used()).toBe(1);
    const draft = (await (await t.create({ status: 'draft' })).json()) as { id: string };
    expect(await t.used()).toBe(1);
    expect((await t.patch(draft.id, { title: 'Renamed' })).status).toBe(200);
    expect(await t.used()).toBe(1);
    expect((await t.patch(draft.id, { status: 'published' })).status).toBe(200);
    expect(await t.used()).toBe(2);
    expect((await t.patch(draft.id, { status: 'archived' })).status).toBe(200);
    expect((await t.patch(draft.id, { status: 'published' })).status).toBe(200);
    expect(await t.used()).toBe(2);
  });

  it('refuses past a hard limit with 429 usage_limit_exceeded, publishing nothing', async () => {
    h = await startHarness();
    const t = await tenant({ plan: 'pro', limits: { courses: 2 } });
    expect((await t.create()).status).toBe(201);
    const second = await t.create();
    expect(second.status).toBe(201);
    expect(second.headers.get('liberation-usage-warning')).toContain(
      'courses; used=2; limit=2; percent=100; enforcement=hard',
    );

    const refused = await t.create({ title: 'One too many' });
    const problem = await expectProblem(refused, 'usage_limit_exceeded');
    expect(problem).toMatchObject({
      metric: 'courses',
      limit: 2,
      used: 2,
      resetsAt: '2030-02-01T00:00:00.000Z',
    });
    expect(refused.headers.get('retry-after')).toBe(String(15.5 * 86400));
    expect(await t.courseCount()).toBe(2);
    expect(await t.used()).toBe(2);

    // A draft is not a publication; publishing it later is refused and leaves it a draft.
    const draft = await t.create({ status: 'draft' });
    expect(draft.status).toBe(201);
    const { id } = (await draft.json()) as { id: string };
    await expectProblem(
      await t.patch(id, { status: 'published', title: 'Changed' }),
      'usage_limit_exceeded',
    );
    const row = first(
      await h.store.db
        .select({ status: courses.status, title: courses.title, published_at: courses.publishedAt })
        .from(courses)
        .where(eq(courses.id, id)),
    );
    expect(row).toEqual({ status: 'draft', title: 'Python for Data Analysis', published_at: null });
    expect(await t.used()).toBe(2);
  });

  it('warns from 80 % of a soft limit with the header and one usage.warning event', async () => {
    h = await startHarness();
    const t = await tenant({
      plan: 'pro',
      limits: { courses: 5 },
      limitEnforcement: { courses: 'soft' },
    });
    for (let i = 1; i <= 3; i++) {
      const res = await t.create();
      expect(res.status).toBe(201);
      expect(res.headers.get('liberation-usage-warning')).toBeNull();
    }
    const fourth = await t.create();
    expect(fourth.headers.get('liberation-usage-warning')).toBe(
      'courses; used=4; limit=5; percent=80; enforcement=soft; reset="2030-02-01T00:00:00.000Z"',
    );
    for (let i = 5; i <= 6; i++) expect((await t.create()).status).toBe(201);
    expect(await t.used()).toBe(6);
    await h.services.usage.flush();
    expect(await usageEvents(h.services.store.db, t.created.license.id)).toEqual([
      ['usage.warning', 4],
      ['usage.limit_reached', 5],
    ]);
  });

  it('gives the unit back when the write that publishes fails', async () => {
    h = await startHarness();
    const t = await tenant({ plan: 'pro', limits: { courses: 1 } });
    // The catalog version moves in the same transaction as the course: make that fail.
    await ddl(
      onPostgres
        ? [
            sql`create function fail_catalog() returns trigger language plpgsql
              as $$ begin raise exception 'disk on fire'; end $$`,
            sql`create trigger fail_catalog before update on marketplace_settings
              for each row execute function fail_catalog()`,
          ]
        : [
            sql`create trigger fail_catalog before update on marketplace_settings
              begin select raise(abort, 'disk on fire'); end`,
          ],
    );
    const failed = await t.create();
    expect(failed.status).toBe(500);
    expect(await t.courseCount()).toBe(0);
    expect(await t.used()).toBe(0);
    await ddl(
      onPostgres
        ? [
            sql`drop trigger fail_catalog on marketplace_settings`,
            sql`drop function fail_catalog()`,
          ]
        : [sql`drop trigger fail_catalog`],
    );
    expect((await t.create()).status).toBe(201);
    expect(await t.used()).toBe(1);
  });
});
