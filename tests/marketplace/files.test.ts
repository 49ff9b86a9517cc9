import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINK_TTL_MS } from '../../server/modules/marketplace/downloads.js';
import { expectProblem, jsonInit } from '../fixtures/harness.js';
import { enrollments } from '../../server/modules/marketplace/schema.js';
import {
  courseInput,
  learnerIdOf,
  startMarket,
  tenantOf,
  type MarketHarness,
  type Tenant,
} from './helpers.js';

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('a tiny picture'),
]);
const PDF = Buffer.from('%PDF-1.7\n% course notes\n');

function form(
  field: string,
  bytes: Buffer,
  type: string,
  name: string,
  extra: Record<string, string> = {},
) {
  const body = new FormData();
  body.set(field, new Blob([new Uint8Array(bytes)], { type }), name);
  for (const [k, v] of Object.entries(extra)) body.set(k, v);
  return body;
}

describe('course uploads and signed downloads', () => {
  let h: MarketHarness;
  let acme: Tenant;
  let globex: Tenant;
  let courseId: string;
  let materialId: string;
  let teacher: Record<string, string>;

  beforeAll(async () => {
    h = await startMarket();
    acme = await tenantOf(h, 'Acme University', 'https://portal.acme.test');
    globex = await tenantOf(h, 'Globex', 'https://learn.globex.test');
    const res = await h.fetch(
      '/v1/authoring/instructors',
      jsonInit('POST', { name: 'Tess Teacher', subject: 'tess' }, acme.server),
    );
    expect(res.status).toBe(201);
    teacher = await acme.learner('tess', 'Tess Teacher');
  });
  afterAll(() => h.close());

  it('lets an instructor create and publish a course with their learner token', async () => {
    const created = await h.fetch(
      '/v1/authoring/courses',
      jsonInit(
        'POST',
        { ...courseInput({ status: 'draft', price: { amount: 0, currency: 'eur' } }) },
        teacher,
      ),
    );
    expect(created.status).toBe(201);
    const course = await created.json();
    expect(course).toMatchObject({ status: 'draft', price: { amount: 0, currency: 'EUR' } });
    courseId = course.id;
    const pk = { 'Liberation-Key': acme.publishableKey, Origin: acme.origin };
    await expectProblem(await h.fetch(`/v1/courses/${courseId}`, { headers: pk }), 'not_found');
    const published = await h.fetch(
      `/v1/authoring/courses/${courseId}`,
      jsonInit('PATCH', { status: 'published' }, teacher),
    );
    expect((await published.json()).status).toBe('published');
    expect((await h.fetch(`/v1/courses/${courseId}`, { headers: pk })).status).toBe(200);
  });

  it('refuses a learner who is not an instructor, and another tenant’s secret key', async () => {
    const ada = await acme.learner('ada');
    await expectProblem(await h.fetch('/v1/authoring/courses', { headers: ada }), 'forbidden');
    await expectProblem(
      await h.fetch(
        `/v1/authoring/courses/${courseId}`,
        jsonInit('PATCH', { title: 'Mine now' }, globex.server),
      ),
      'not_found',
    );
  });

  it('stores the cover by content hash and serves it', async () => {
    const res = await h.fetch(`/v1/authoring/courses/${courseId}/cover`, {
      method: 'PUT',
      headers: teacher,
      body: form('cover', PNG, 'image/png', 'cover.png'),
    });
    expect(res.status).toBe(200);
    const course = await res.json();
    expect(course.coverUrl).toMatch(new RegExp(`^/v1/courses/${courseId}/cover\\?v=[0-9a-f]{16}$`));
    const image = await h.fetch(course.coverUrl);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('cache-control')).toContain('immutable');
    expect(Buffer.from(await image.arrayBuffer())).toEqual(PNG);
    const sha = (await import('node:crypto')).createHash('sha256').update(PNG).digest('hex');
    expect(fs.existsSync(path.join(h.dir, 'marketplace', sha.slice(0, 2), sha))).toBe(true);
  });

  it('refuses covers of the wrong type, disguised content and files over the limit', async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    );
    await expectProblem(
      await h.fetch(`/v1/authoring/courses/${courseId}/cover`, {
        method: 'PUT',
        headers: teacher,
        body: form('cover', svg, 'image/svg+xml', 'cover.svg'),
      }),
      'unsupported_media_type',
    );
    await expectProblem(
      await h.fetch(`/v1/authoring/courses/${courseId}/cover`, {
        method: 'PUT',
        headers: teacher,
        body: form('cover', Buffer.from('<html>hi</html>'), 'image/png', 'cover.png'),
      }),
      'unsupported_media_type',
    );
    const big = Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024)]);
    await expectProblem(
      await h.fetch(`/v1/authoring/courses/${courseId}/cover`, {
        method: 'PUT',
        headers: teacher,
        body: form('cover', big, 'image/png', 'cover.png'),
      }),
      'payload_too_large',
    );
  });

  it('accepts materials larger than the API’s general body limit', async () => {
    const notes = Buffer.concat([PDF, Buffer.alloc(1536 * 1024, 0x20)]);
    const res = await h.fetch(`/v1/authoring/courses/${courseId}/materials`, {
      method: 'POST',
      headers: teacher,
      body: form('file', notes, 'application/pdf', 'Notes "week 1".pdf', { title: 'Week 1 notes' }),
    });
    expect(res.status).toBe(201);
    const course = await res.json();
    expect(course.materials).toEqual([
      expect.objectContaining({ title: 'Week 1 notes', kind: 'document', sizeBytes: notes.length }),
    ]);
    materialId = course.materials[0].id;
  });

  it('gives enrolled learners a link that streams the file, and nobody else one', async () => {
    const ada = await acme.learner('ada');
    const linkPath = `/v1/courses/${courseId}/materials/${materialId}/link`;
    await expectProblem(await h.fetch(linkPath, { method: 'POST', headers: ada }), 'forbidden');
    await h.fetch(`/v1/courses/${courseId}/enroll`, { method: 'POST', headers: ada });
    const link = await (await h.fetch(linkPath, { method: 'POST', headers: ada })).json();
    expect(new Date(link.expiresAt).getTime()).toBe(h.clock.now().getTime() + LINK_TTL_MS);
    const file = await h.fetch(link.url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('content-disposition')).toContain('attachment;');
    expect(file.headers.get('content-security-policy')).toContain('sandbox');
    expect((await file.arrayBuffer()).byteLength).toBeGreaterThan(1024 * 1024);

    // Bound to Ada: Bob's credentials with Ada's link are refused.
    const bob = await acme.learner('bob');
    await h.fetch(`/v1/courses/${courseId}/enroll`, { method: 'POST', headers: bob });
    await expectProblem(await h.fetch(link.url, { headers: bob }), 'forbidden');
    expect((await h.fetch(link.url, { headers: ada })).status).toBe(200);

    // A forged link (another learner id under Ada's signature) does not verify.
    const [payload, signature] = link.url.split('/').pop().split('.');
    const fields = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const bobId = await learnerIdOf(h, acme.licenseId, 'bob');
    fields[3] = bobId;
    const forged = `${Buffer.from(JSON.stringify(fields)).toString('base64url')}.${signature}`;
    await expectProblem(await h.fetch(`/v1/courses/files/${forged}`), 'forbidden');
    await expectProblem(await h.fetch('/v1/courses/files/garbage'), 'forbidden');

    // Another tenant's learner cannot ask for one.
    const foreign = await globex.learner('ada');
    await expectProblem(await h.fetch(linkPath, { method: 'POST', headers: foreign }), 'not_found');

    // The link dies with its time…
    h.clock.advance(LINK_TTL_MS);
    await expectProblem(await h.fetch(link.url), 'forbidden');
  });

  it('stops working when the enrollment ends, even within its time', async () => {
    const ada = await acme.learner('ada');
    const link = await (
      await h.fetch(`/v1/courses/${courseId}/materials/${materialId}/link`, {
        method: 'POST',
        headers: ada,
      })
    ).json();
    await h.store.write(async (tx) => {
      await tx
        .update(enrollments)
        .set({ endedAt: h.clock.now() })
        .where(eq(enrollments.courseId, courseId));
    });
    await expectProblem(await h.fetch(link.url), 'forbidden');
  });
});
