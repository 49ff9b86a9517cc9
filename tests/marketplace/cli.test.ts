import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { marketplaceCommand } from '../../server/modules/marketplace/cli.js';
import type { AuthoredCourse, Instructor } from '../../server/modules/marketplace/contract.js';
import { ApiError } from '../../server/errors.js';
import { jsonInit } from '../fixtures/harness.js';
import { startMarket, tenantOf, type MarketHarness, type Tenant } from './helpers.js';

describe('npm run admin -- instructor|course|review|earnings', () => {
  let h: MarketHarness;
  let acme: Tenant;

  beforeAll(async () => {
    h = await startMarket();
    acme = await tenantOf(h, 'Acme University', 'https://portal.acme.test');
  });
  afterAll(() => h.close());

  const run = (
    group: 'instructor' | 'course' | 'review' | 'earnings',
    line: string,
    flags = {},
  ) => {
    const [command, ...positionals] = line.split(' ');
    return marketplaceCommand(h.services, group, command!, positionals, {
      license: acme.licenseId,
      ...flags,
    });
  };

  it('creates instructors and courses, publishes, uploads and archives', async () => {
    const instructor = (await run('instructor', 'create', { name: 'Ines', enterprise: true }))
      .json as Instructor;
    expect(instructor).toMatchObject({ name: 'Ines', enterprise: true, shareBps: null });
    expect((await run('instructor', 'list')).text).toContain('[enterprise]');

    const file = path.join(h.dir, 'course.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        title: 'Rust Basics',
        category: 'programming',
        level: 'beginner',
        language: 'en',
        price: { amount: 1999, currency: 'EUR' },
      }),
    );
    const course = (await run('course', 'create', { file, instructor: instructor.id }))
      .json as AuthoredCourse;
    expect(course.status).toBe('draft');
    expect((await run('course', `publish ${course.id}`)).text).toContain('published');
    expect((await run('course', 'list')).text).toContain('19.99 EUR');
    const pdf = path.join(h.dir, 'notes.pdf');
    fs.writeFileSync(pdf, '%PDF-1.4 notes');
    const withMaterial = (
      await run('course', `material ${course.id}`, { file: pdf, title: 'Notes' })
    ).json as AuthoredCourse;
    expect(withMaterial.materials).toMatchObject([{ title: 'Notes', kind: 'document' }]);
    expect((await run('course', `archive ${course.id}`)).text).toContain('archived');
    expect(
      ((await run('course', 'list', { status: 'published' })).json as { items: [] }).items,
    ).toEqual([]);
  });

  it('reports earnings for a period and refuses payouts beyond the balance', async () => {
    const instructor = (await run('instructor', 'create', { name: 'Kofi' })).json as Instructor;
    const report = await run('earnings', 'report', {
      instructor: instructor.id,
      from: '2030-01-01',
    });
    expect(report.text).toContain('nothing in this period');
    await expect(
      run('earnings', 'payout', { instructor: instructor.id, amount: '100', currency: 'USD' }),
    ).rejects.toThrow(ApiError);
    const api = await h.fetch(
      `/v1/authoring/earnings?instructorId=${instructor.id}&from=2030-01-01T00:00:00Z`,
      { headers: acme.server },
    );
    expect(api.status).toBe(200);
    expect(await api.json()).toMatchObject({
      instructor: { id: instructor.id, name: 'Kofi' },
      from: '2030-01-01T00:00:00.000Z',
      totals: [],
    });
    const split = await h.fetch(
      '/v1/authoring/split',
      jsonInit('PUT', { instructorShareBps: 6000, enterpriseShareBps: 8000 }, acme.server),
    );
    expect(await split.json()).toEqual({ instructorShareBps: 6000, enterpriseShareBps: 8000 });
  });

  it('shows and sets the license’s split', async () => {
    expect((await run('earnings', 'split')).json).toEqual({
      instructorShareBps: 6000,
      enterpriseShareBps: 8000,
    });
    expect((await run('earnings', 'split', { 'share-bps': '7000' })).text).toBe(
      'instructors 70 %, enterprise instructors 80 % (the platform keeps the rest)',
    );
    await expect(run('earnings', 'split', { 'enterprise-share-bps': '10001' })).rejects.toThrow(
      ApiError,
    );
    await expect(run('earnings', 'split', { 'share-bps': 'lots' })).rejects.toThrow(ApiError);
    expect(await h.services.marketplace.settings(acme.licenseId)).toMatchObject({
      instructorShareBps: 7000,
      enterpriseShareBps: 8000,
    });
  });

  it('hides a review by id and names unknown commands', async () => {
    await expect(run('review', 'hide rev_missing')).rejects.toThrow(/No review/);
    await expect(run('course', 'frobnicate')).rejects.toThrow(/Unknown command/);
  });
});
