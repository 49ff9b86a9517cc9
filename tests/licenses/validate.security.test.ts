import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createLicense,
  expectProblem,
  jsonInit,
  startHarness,
  type Harness,
} from '../fixtures/harness.js';
import { dumpStore } from '../fixtures/dump-store.js';

describe('POST /v1/licenses/validate security', () => {
  let h: Harness;
  let acme: Awaited<ReturnType<typeof createLicense>>;
  let globex: Awaited<ReturnType<typeof createLicense>>;

  beforeAll(async () => {
    h = await startHarness();
    acme = await createLicense(h.services);
    globex = await createLicense(h.services, {
      name: 'Globex',
      plan: 'pro',
      origins: ['https://learn.globex.test'],
    });
  });
  afterAll(() => h.close());

  it("answers about the key's own license only: another tenant's key sees its own", async () => {
    const body = await (
      await h.fetch('/v1/licenses/validate', { method: 'POST', headers: bearer(globex.secretKey) })
    ).json();
    expect(body.license.id).toBe(globex.license.id);
    expect(JSON.stringify(body)).not.toContain(acme.license.id);
  });

  it('offers no way to name another license', async () => {
    const res = await h.fetch(
      '/v1/licenses/validate',
      jsonInit('POST', { licenseId: acme.license.id }, bearer(globex.secretKey)),
    );
    await expectProblem(res, 'validation_failed');
  });

  it.each([
    'https://portal.acme.test.evil.test',
    'https://evil.test',
    'https://portal.acme.test:8443',
    'http://portal.acme.test',
    'https://acme.edu',
    'https://evilacme.edu',
    'https://acme.edu.evil.test',
    'https://portal.acme.test.',
    'https://PORTAL.acme.test',
  ])('refuses the look-alike origin %s', async (origin) => {
    const res = await h.fetch(
      '/v1/licenses/validate',
      jsonInit('POST', { origin }, bearer(acme.secretKey)),
    );
    if (res.status === 400) {
      // Not an origin in its canonical form: refused at the edge, naming the field.
      const problem = await expectProblem(res, 'validation_failed');
      expect(problem.errors?.[0]?.path).toBe('body.origin');
      return;
    }
    expect(await res.json()).toMatchObject({ valid: false, code: 'origin_not_allowed' });
  });

  it('refuses a secret key sent from a browser page (Origin header)', async () => {
    const res = await h.fetch('/v1/licenses/validate', {
      method: 'POST',
      headers: { ...bearer(acme.secretKey), Origin: 'https://portal.acme.test' },
    });
    const problem = await expectProblem(res, 'forbidden');
    expect(problem.detail).toContain('servers');
  });

  it('never stores a secret key or a signing secret in the clear', async () => {
    const everything = JSON.stringify(await dumpStore(h.store));
    for (const secret of [
      acme.secretKey,
      globex.secretKey,
      acme.signingSecret!,
      globex.signingSecret!,
    ]) {
      expect(everything).not.toContain(secret);
      expect(everything).not.toContain(secret.slice(8, 30));
    }
    const hash = createHash('sha256').update(acme.secretKey).digest('hex');
    expect(everything).toContain(hash);
  });

  it('does not echo the key back in a refusal', async () => {
    const wrong = acme.secretKey.slice(0, -1) + (acme.secretKey.endsWith('A') ? 'B' : 'A');
    const res = await h.fetch('/v1/licenses/validate', { method: 'POST', headers: bearer(wrong) });
    const text = await res.text();
    expect(text).not.toContain(wrong);
    expect(text).not.toContain(acme.secretKey);
  });
});
