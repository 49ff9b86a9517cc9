import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createLicense,
  expectProblem,
  jsonInit,
  operator,
  startHarness,
  type Harness,
} from '../fixtures/harness.js';
import { dumpStore } from '../fixtures/dump-store.js';
import {
  InvalidOriginPattern,
  normalizeOriginPattern,
} from '../../server/modules/licenses/origins.js';
import { licenses } from '../../server/modules/licenses/schema.js';

/** A wildcard over a public suffix would let anyone who registers a name under it in. */
const publicSuffixWildcards: [string, string][] = [
  ['https://*.com', 'com'],
  ['https://*.co.uk', 'co.uk'],
  ['http://*.localhost:3000', 'localhost'],
  // The private section of the list counts too: anyone can get a name under these.
  ['https://*.github.io', 'github.io'],
  ['https://*.s3.amazonaws.com', 's3.amazonaws.com'],
  ['https://*.edu', 'edu'],
  // A top-level name the list does not know is a suffix all the same.
  ['https://*.test', 'test'],
  ['https://*.COM:443', 'com'],
];

describe('normalizeOriginPattern: wildcards over a public suffix', () => {
  it.each(publicSuffixWildcards)('refuses %s, naming it and %s', (pattern, suffix) => {
    let thrown: unknown;
    try {
      normalizeOriginPattern(pattern);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidOriginPattern);
    const message = (thrown as Error).message;
    expect(message).toContain(pattern);
    expect(message).toContain(`${suffix} is a public suffix`);
  });

  it.each([
    ['https://*.acme.edu', 'https://*.acme.edu'],
    ['https://*.acme.test', 'https://*.acme.test'],
    ['https://*.example.co.uk', 'https://*.example.co.uk'],
    ['https://*.acme.github.io', 'https://*.acme.github.io'],
    ['http://*.app.localhost:3000', 'http://*.app.localhost:3000'],
    // Exact origins are not wildcards: a bare suffix host is the operator's to name.
    ['http://localhost:3000', 'http://localhost:3000'],
  ])('keeps %s', (pattern, normalized) => {
    expect(normalizeOriginPattern(pattern)).toBe(normalized);
  });
});

describe('admin API: allowed origins over a public suffix', () => {
  let h: Harness;
  let acme: Awaited<ReturnType<typeof createLicense>>;
  beforeAll(async () => {
    h = await startHarness();
    acme = await createLicense(h.services);
  });
  afterAll(() => h.close());

  const admin = (path: string, init: RequestInit = {}) =>
    h.fetch(`/v1/admin/licenses${path}`, { ...init, headers: { ...operator, ...init.headers } });

  it.each(publicSuffixWildcards)(
    'create and update refuse %s with a validation problem naming it',
    async (pattern, suffix) => {
      const before = await dumpStore(h.store);
      const origins = ['https://portal.acme.test', pattern];
      for (const response of [
        await admin('', jsonInit('POST', { name: 'Acme', plan: 'pro', origins })),
        await admin(`/${acme.license.id}`, jsonInit('PATCH', { origins })),
      ]) {
        const problem = await expectProblem(response, 'validation_failed');
        expect(problem.errors).toEqual([
          { path: 'body.origins.1', message: expect.stringContaining(pattern) },
        ]);
        expect(problem.errors?.[0]?.message).toContain(`${suffix} is a public suffix`);
      }
      expect(await dumpStore(h.store)).toEqual(before);
    },
  );

  it('keeps a stored wildcard of an older release working until its origins are edited', async () => {
    const old = await createLicense(h.services, {
      name: 'Old',
      origins: ['https://portal.old.test'],
    });
    // Stored before public suffixes were refused: the row holds it as it was accepted then.
    await h.store.write((tx) =>
      tx
        .update(licenses)
        .set({ allowedOrigins: ['https://portal.old.test', 'https://*.com'] })
        .where(eq(licenses.id, old.license.id)),
    );
    const validate = async (origin: string) =>
      (
        await (
          await h.fetch(
            '/v1/licenses/validate',
            jsonInit('POST', { origin }, bearer(old.secretKey)),
          )
        ).json()
      ).code as string;
    expect(await validate('https://anyone.com')).toBe('valid');

    // Other changes leave the list as it is.
    const renamed = await admin(`/${old.license.id}`, jsonInit('PATCH', { name: 'Old Co' }));
    expect(renamed.status).toBe(200);
    expect(await validate('https://anyone.com')).toBe('valid');

    // Sending the list again checks every entry, the stored ones too.
    const resent = await admin(
      `/${old.license.id}`,
      jsonInit('PATCH', { origins: ['https://portal.old.test', 'https://*.com'] }),
    );
    const problem = await expectProblem(resent, 'validation_failed');
    expect(problem.errors?.[0]).toMatchObject({ path: 'body.origins.1' });

    const fixed = await admin(
      `/${old.license.id}`,
      jsonInit('PATCH', { origins: ['https://portal.old.test', 'https://*.old.com'] }),
    );
    expect(fixed.status).toBe(200);
    expect(await validate('https://anyone.com')).toBe('origin_not_allowed');
    expect(await validate('https://learn.old.com')).toBe('valid');
  });
});
