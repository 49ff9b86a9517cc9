import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createLicense,
  expectProblem,
  jsonInit,
  learnerHeaders,
  signToken,
  startHarness,
  type Harness,
} from '../fixtures/harness.js';

describe('support tickets: tenant isolation and who may open them', () => {
  let h: Harness;
  let acme: Awaited<ReturnType<typeof createLicense>>;
  let globex: Awaited<ReturnType<typeof createLicense>>;
  let acmeTicket: string;

  beforeAll(async () => {
    h = await startHarness();
    acme = await createLicense(h.services);
    globex = await createLicense(h.services, {
      name: 'Globex',
      origins: ['https://portal.acme.test'],
    });
    const res = await h.fetch(
      '/v1/support/tickets',
      jsonInit(
        'POST',
        { subject: 'Acme private', body: 'Our revenue numbers…' },
        bearer(acme.secretKey),
      ),
    );
    acmeTicket = (await res.json()).id;
  });
  afterAll(() => h.close());

  it("another tenant's secret key cannot read, list or answer the ticket", async () => {
    await expectProblem(
      await h.fetch(`/v1/support/tickets/${acmeTicket}`, { headers: bearer(globex.secretKey) }),
      'not_found',
    );
    const list = await (
      await h.fetch('/v1/support/tickets', { headers: bearer(globex.secretKey) })
    ).json();
    expect(list.tickets).toEqual([]);
    await expectProblem(
      await h.fetch(
        `/v1/support/tickets/${acmeTicket}/messages`,
        jsonInit('POST', { body: 'hi' }, bearer(globex.secretKey)),
      ),
      'not_found',
    );
    const own = await (
      await h.fetch(`/v1/support/tickets/${acmeTicket}`, { headers: bearer(acme.secretKey) })
    ).json();
    expect(own.messages).toHaveLength(1);
  });

  it("another tenant's admin learner cannot read the ticket either", async () => {
    const token = await signToken(globex.signingSecret!, globex.license.id, h.clock, {
      claims: { role: 'admin' },
    });
    const res = await h.fetch(`/v1/support/tickets/${acmeTicket}`, {
      headers: learnerHeaders(globex.license.publishableKey, token),
    });
    await expectProblem(res, 'not_found');
  });

  it('a learner who is not an admin cannot open or read tickets', async () => {
    const token = await signToken(acme.signingSecret!, acme.license.id, h.clock);
    const headers = learnerHeaders(acme.license.publishableKey, token);
    await expectProblem(
      await h.fetch('/v1/support/tickets', jsonInit('POST', { subject: 'x', body: 'y' }, headers)),
      'forbidden',
    );
    await expectProblem(await h.fetch('/v1/support/tickets', { headers }), 'forbidden');
  });

  it('the publishable key alone opens nothing', async () => {
    const res = await h.fetch(
      '/v1/support/tickets',
      jsonInit(
        'POST',
        { subject: 'x', body: 'y' },
        { 'Liberation-Key': acme.license.publishableKey },
      ),
    );
    await expectProblem(res, 'unauthenticated');
  });

  it('the operator endpoints refuse customer credentials', async () => {
    for (const headers of [
      bearer(acme.secretKey),
      { 'Liberation-Key': acme.license.publishableKey },
    ]) {
      await expectProblem(await h.fetch('/v1/admin/tickets', { headers }), 'unauthenticated');
      await expectProblem(
        await h.fetch(`/v1/admin/tickets/${acmeTicket}/close`, jsonInit('POST', {}, headers)),
        'unauthenticated',
      );
    }
  });
});
