import { afterEach, describe, expect, it } from 'vitest';
import {
  bearer,
  createLicense,
  expectProblem,
  jsonInit,
  OPERATOR_TOKEN,
  operator,
  signToken,
  startHarness,
  learnerHeaders,
  type Harness,
} from '../fixtures/harness.js';

describe('admin API: the operator token', () => {
  let h: Harness;
  afterEach(() => h?.close());

  it('is switched off, saying how to switch it on, when OPERATOR_TOKEN is not set', async () => {
    h = await startHarness({ config: { operatorToken: undefined } });
    for (const path of ['/v1/admin/licenses', '/v1/admin/tickets']) {
      const problem = await expectProblem(
        await h.fetch(path, { headers: operator }),
        'admin_api_disabled',
      );
      expect(problem.status).toBe(503);
      expect(problem.detail).toContain('OPERATOR_TOKEN');
    }
  });

  it.each([
    ['no credentials', {}],
    ['a wrong token', bearer('op_test_0123456789abcdef0123456789abcdeX')],
    ['a prefix of the token', bearer(OPERATOR_TOKEN.slice(0, -1))],
    ['the token with something appended', bearer(`${OPERATOR_TOKEN}0`)],
    ['the token as a Basic credential', { Authorization: `Basic ${OPERATOR_TOKEN}` }],
    ['the token in another header', { 'X-Operator-Token': OPERATOR_TOKEN }],
  ])('refuses %s with unauthenticated', async (_, headers) => {
    h = await startHarness();
    await expectProblem(await h.fetch('/v1/admin/licenses', { headers }), 'unauthenticated');
  });

  it("refuses a license's secret key, publishable key and admin learner token", async () => {
    h = await startHarness();
    const acme = await createLicense(h.services);
    const admin = await signToken(acme.signingSecret!, acme.license.id, h.clock, {
      claims: { role: 'admin' },
    });
    for (const headers of [
      bearer(acme.secretKey),
      { 'Liberation-Key': acme.license.publishableKey },
      learnerHeaders(acme.license.publishableKey, admin),
    ]) {
      await expectProblem(await h.fetch('/v1/admin/licenses', { headers }), 'unauthenticated');
    }
  });

  it('writes nothing when refused', async () => {
    h = await startHarness();
    const res = await h.fetch(
      '/v1/admin/licenses',
      jsonInit('POST', { name: 'Sneaky', plan: 'enterprise' }),
    );
    await expectProblem(res, 'unauthenticated');
    expect(await h.services.licenseAdmin.list()).toEqual([]);
  });

  it('shows secrets only in the create and rotate answers', async () => {
    h = await startHarness();
    const created = await (
      await h.fetch('/v1/admin/licenses', jsonInit('POST', { name: 'Acme', plan: 'pro' }, operator))
    ).json();
    const listing = await (await h.fetch('/v1/admin/licenses', { headers: operator })).text();
    const shown = await (
      await h.fetch(`/v1/admin/licenses/${created.license.id}`, { headers: operator })
    ).text();
    for (const text of [listing, shown]) {
      expect(text).not.toContain(created.secretKey);
      expect(text).not.toContain(created.signingSecret);
    }
  });
});
