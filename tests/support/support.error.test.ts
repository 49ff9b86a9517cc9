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

describe('support tickets: refusals', () => {
  let h: Harness;
  let acme: Awaited<ReturnType<typeof createLicense>>;
  let ticketId: string;

  beforeAll(async () => {
    h = await startHarness();
    acme = await createLicense(h.services);
    const res = await h.fetch(
      '/v1/support/tickets',
      jsonInit('POST', { subject: 'Help', body: 'Please.' }, bearer(acme.secretKey)),
    );
    ticketId = (await res.json()).id;
  });
  afterAll(() => h.close());

  it.each([
    [{ body: 'no subject' }, 'body.subject'],
    [{ subject: '   ', body: 'blank subject' }, 'body.subject'],
    [{ subject: 'x'.repeat(201), body: 'long subject' }, 'body.subject'],
    [{ subject: 'No body' }, 'body.body'],
    [{ subject: 'Bad priority', body: 'x', priority: 'critical' }, 'body.priority'],
    [{ subject: 'Extra', body: 'x', status: 'closed' }, 'body'],
  ])('open: validation_failed for %j, nothing written', async (input, path) => {
    const before = await dumpStore(h.store);
    const res = await h.fetch(
      '/v1/support/tickets',
      jsonInit('POST', input, bearer(acme.secretKey)),
    );
    const problem = await expectProblem(res, 'validation_failed');
    expect(problem.errors?.map((e) => e.path)).toContain(path);
    expect((await dumpStore(h.store)).support_tickets).toEqual(before.support_tickets);
  });

  it('list: validation_failed for an unknown status', async () => {
    const res = await h.fetch('/v1/support/tickets?status=pending', {
      headers: bearer(acme.secretKey),
    });
    const problem = await expectProblem(res, 'validation_failed');
    expect(problem.errors?.[0]?.path).toBe('query.status');
  });

  it('not_found for a ticket id that does not exist', async () => {
    await expectProblem(
      await h.fetch('/v1/support/tickets/tkt_nope', { headers: bearer(acme.secretKey) }),
      'not_found',
    );
    await expectProblem(
      await h.fetch('/v1/admin/tickets/tkt_nope', { headers: operator }),
      'not_found',
    );
    await expectProblem(
      await h.fetch(
        '/v1/admin/tickets/tkt_nope/replies',
        jsonInit('POST', { body: 'x' }, operator),
      ),
      'not_found',
    );
  });

  it('operator: validation_failed for an empty reply, an unknown filter', async () => {
    const reply = await expectProblem(
      await h.fetch(
        `/v1/admin/tickets/${ticketId}/replies`,
        jsonInit('POST', { body: '' }, operator),
      ),
      'validation_failed',
    );
    expect(reply.errors?.[0]?.path).toBe('body.body');
    const filter = await expectProblem(
      await h.fetch('/v1/admin/tickets?breached=yes', { headers: operator }),
      'validation_failed',
    );
    expect(filter.errors?.[0]?.path).toBe('query.breached');
  });

  it('conflict: a closed ticket takes no more replies and cannot be closed twice', async () => {
    const closed = await h.fetch(
      `/v1/admin/tickets/${ticketId}/close`,
      jsonInit('POST', {}, operator),
    );
    expect(closed.status).toBe(200);
    await expectProblem(
      await h.fetch(`/v1/admin/tickets/${ticketId}/close`, jsonInit('POST', {}, operator)),
      'conflict',
    );
    await expectProblem(
      await h.fetch(
        `/v1/admin/tickets/${ticketId}/replies`,
        jsonInit('POST', { body: 'late' }, operator),
      ),
      'conflict',
    );
    await expectProblem(
      await h.fetch(
        `/v1/support/tickets/${ticketId}/messages`,
        jsonInit('POST', { body: 'hello?' }, bearer(acme.secretKey)),
      ),
      'conflict',
    );
  });
});
