import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { learners } from '../../server/modules/learners/schema.js';
import {
  createLicense,
  learnerHeaders,
  signToken,
  startHarness,
  type Harness,
} from '../fixtures/harness.js';

describe('GET /v1/me with a learner token (HS256)', () => {
  let h: Harness;
  let acme: Awaited<ReturnType<typeof createLicense>>;
  let globex: Awaited<ReturnType<typeof createLicense>>;

  beforeAll(async () => {
    h = await startHarness();
    acme = await createLicense(h.services);
    globex = await createLicense(h.services, {
      name: 'Globex',
      origins: ['https://learn.globex.test'],
    });
  });
  afterAll(() => h.close());

  const me = (key: string, token: string, origin?: string) =>
    h.fetch('/v1/me', { headers: learnerHeaders(key, token, origin) });

  it('returns the learner the token names', async () => {
    const token = await signToken(acme.signingSecret!, acme.license.id, h.clock, {
      claims: { role: 'admin', classes: ['cs-101', 'staff'] },
    });
    const res = await me(acme.license.publishableKey, token);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const body = await res.json();
    expect(body).toEqual({
      learner: {
        id: expect.stringMatching(/^lrn_/),
        subject: 'ada',
        name: 'Ada Lovelace',
        email: 'ada@acme.test',
        role: 'admin',
        classes: ['cs-101', 'staff'],
      },
      license: { id: acme.license.id, name: 'Acme University', plan: 'enterprise' },
    });
  });

  it('creates the learner on first sight, once per tenant', async () => {
    const sub = 'first-sight';
    const find = (licenseId: string) =>
      h.store.db
        .select()
        .from(learners)
        .where(and(eq(learners.licenseId, licenseId), eq(learners.subject, sub)));
    expect(await find(acme.license.id)).toHaveLength(0);
    const a = await signToken(acme.signingSecret!, acme.license.id, h.clock, { sub });
    const g = await signToken(globex.signingSecret!, globex.license.id, h.clock, { sub });
    const first = await (await me(acme.license.publishableKey, a)).json();
    await me(
      acme.license.publishableKey,
      await signToken(acme.signingSecret!, acme.license.id, h.clock, { sub, iat: -1 }),
    );
    const other = await (
      await me(globex.license.publishableKey, g, 'https://learn.globex.test')
    ).json();
    expect(await find(acme.license.id)).toHaveLength(1);
    expect(await find(globex.license.id)).toHaveLength(1);
    expect(first.learner.id).not.toBe(other.learner.id);
  });

  it('keeps the learner up to date from the claims of a new token', async () => {
    const sub = 'renamed';
    await me(
      acme.license.publishableKey,
      await signToken(acme.signingSecret!, acme.license.id, h.clock, { sub }),
    );
    const token = await signToken(acme.signingSecret!, acme.license.id, h.clock, {
      sub,
      iat: -5,
      claims: { name: 'Ada King', email: undefined, classes: [] },
    });
    const body = await (await me(acme.license.publishableKey, token)).json();
    expect(body.learner).toMatchObject({
      subject: sub,
      name: 'Ada King',
      email: null,
      classes: [],
    });
  });

  it('defaults role to learner and classes to none', async () => {
    const token = await signToken(acme.signingSecret!, acme.license.id, h.clock, {
      sub: 'minimal',
      claims: { role: undefined, classes: undefined, email: undefined },
    });
    const body = await (await me(acme.license.publishableKey, token)).json();
    expect(body.learner).toMatchObject({ role: 'learner', classes: [], email: null });
  });

  it('remembers a verified token: the second request does not verify or write again', async () => {
    const token = await signToken(acme.signingSecret!, acme.license.id, h.clock, { sub: 'cached' });
    const first = await (await me(acme.license.publishableKey, token)).json();
    // Changed behind the server's back: a cached token still answers from memory.
    await h.store.write((tx) =>
      tx.update(learners).set({ name: 'Changed' }).where(eq(learners.id, first.learner.id)),
    );
    const second = await (await me(acme.license.publishableKey, token)).json();
    expect(second.learner.name).toBe('Ada Lovelace');
  });

  it('accepts a token that expired within the clock tolerance (30 s)', async () => {
    const token = await signToken(acme.signingSecret!, acme.license.id, h.clock, {
      iat: -3600,
      exp: -20,
    });
    expect((await me(acme.license.publishableKey, token)).status).toBe(200);
  });

  it('accepts a token whose lifetime is exactly 24 h', async () => {
    const token = await signToken(acme.signingSecret!, acme.license.id, h.clock, {
      exp: 24 * 3600,
    });
    expect((await me(acme.license.publishableKey, token)).status).toBe(200);
  });

  it('accepts an nbf just ahead within the tolerance', async () => {
    const token = await signToken(acme.signingSecret!, acme.license.id, h.clock, { nbf: 10 });
    expect((await me(acme.license.publishableKey, token)).status).toBe(200);
  });

  it('counts the learner once among the active learners of the month', async () => {
    const license = (await h.services.licenses.getById(acme.license.id))!;
    const active = async () =>
      (await h.services.usage.snapshot(license)).metrics.find(
        (m) => m.metric === 'active_learners',
      )!.used;
    const before = await active();
    const token = await signToken(acme.signingSecret!, acme.license.id, h.clock, {
      sub: 'counted',
    });
    await me(acme.license.publishableKey, token);
    await me(acme.license.publishableKey, token);
    await me(
      acme.license.publishableKey,
      await signToken(acme.signingSecret!, acme.license.id, h.clock, { sub: 'counted', iat: -2 }),
    );
    expect(await active()).toBe(before + 1);
  });

  it('is described in the OpenAPI document with both credentials', async () => {
    const doc = await (await h.fetch('/v1/openapi.json')).json();
    expect(doc.paths['/v1/me'].get.security).toEqual([{ publishableKey: [], learnerToken: [] }]);
    expect(doc.components.securitySchemes.learnerToken).toMatchObject({
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
  });
});
