import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createLicense,
  jsonInit,
  learnerHeaders,
  operator,
  signToken,
  startHarness,
  type Harness,
} from '../fixtures/harness.js';

const HOUR = 3_600_000;

describe('support tickets with SLA', () => {
  let h: Harness;
  let acme: Awaited<ReturnType<typeof createLicense>>;
  let pro: Awaited<ReturnType<typeof createLicense>>;
  let free: Awaited<ReturnType<typeof createLicense>>;
  let dean: Record<string, string>;

  beforeAll(async () => {
    h = await startHarness();
    acme = await createLicense(h.services, { plan: 'enterprise' });
    pro = await createLicense(h.services, { name: 'Pro College', plan: 'pro' });
    free = await createLicense(h.services, { name: 'Free School', plan: 'free' });
    const token = await signToken(acme.signingSecret!, acme.license.id, h.clock, {
      sub: 'dean',
      exp: 20 * 3600,
      claims: { role: 'admin', name: 'Dean Admin' },
    });
    dean = learnerHeaders(acme.license.publishableKey, token);
  });
  afterAll(() => h.close());

  const open = (headers: Record<string, string>, body: unknown) =>
    h.fetch('/v1/support/tickets', jsonInit('POST', body, headers));

  it('an admin learner opens an enterprise ticket: first response in 4 h, resolution in 1 business day', async () => {
    const res = await open(dean, {
      subject: 'Checkout fails',
      body: 'Since 10:00 UTC the checkout shows an error.',
      priority: 'urgent',
    });
    expect(res.status).toBe(201);
    const ticket = await res.json();
    expect(ticket).toMatchObject({
      id: expect.stringMatching(/^tkt_/),
      licenseId: acme.license.id,
      subject: 'Checkout fails',
      priority: 'urgent',
      status: 'open',
      openedBy: { kind: 'learner', name: 'Dean Admin', learnerId: expect.stringMatching(/^lrn_/) },
      createdAt: '2030-01-16T12:00:00.000Z',
      firstRespondedAt: null,
      closedAt: null,
      sla: {
        policy: 'enterprise',
        firstResponseDueAt: '2030-01-16T16:00:00.000Z',
        resolutionDueAt: '2030-01-17T12:00:00.000Z',
        firstResponseBreached: false,
        resolutionBreached: false,
        breached: false,
      },
      messages: [
        {
          author: 'customer',
          authorName: 'Dean Admin',
          body: 'Since 10:00 UTC the checkout shows an error.',
        },
      ],
    });
  });

  it("the customer's server opens a pro ticket with the secret key; priority defaults to normal", async () => {
    const ticket = await (
      await open(bearer(pro.secretKey), { subject: 'Invoice copy', body: 'Please resend.' })
    ).json();
    expect(ticket).toMatchObject({
      priority: 'normal',
      openedBy: { kind: 'server', name: 'Pro College (server)' },
      sla: {
        policy: 'pro',
        firstResponseDueAt: '2030-01-17T12:00:00.000Z',
        resolutionDueAt: '2030-01-21T12:00:00.000Z',
      },
    });
  });

  it('a free license gets best effort: no due times, never breached', async () => {
    const ticket = await (
      await open(bearer(free.secretKey), { subject: 'Question', body: 'How do I theme?' })
    ).json();
    expect(ticket.sla).toEqual({
      policy: 'best_effort',
      firstResponseDueAt: null,
      resolutionDueAt: null,
      firstResponseBreached: false,
      resolutionBreached: false,
      breached: false,
    });
  });

  it('flags and lists breaches as the clock passes the due times; answering stops the first-response clock', async () => {
    const ticket = await (
      await open(dean, { subject: 'Slow leaderboard', body: 'Takes 3 s.' })
    ).json();
    h.clock.advance(4 * HOUR + 1);
    try {
      const breached = await (
        await h.fetch('/v1/admin/tickets?breached=true', { headers: operator })
      ).json();
      const ids = breached.tickets.map((t: { id: string }) => t.id);
      expect(ids).toContain(ticket.id);
      const mine = breached.tickets.find((t: { id: string }) => t.id === ticket.id);
      expect(mine.sla).toMatchObject({
        firstResponseBreached: true,
        resolutionBreached: false,
        breached: true,
      });
      // The free ticket never shows up; the pro one is not due yet.
      expect(
        breached.tickets.every((t: { licenseId: string }) => t.licenseId === acme.license.id),
      ).toBe(true);

      const answered = await (
        await h.fetch(
          `/v1/admin/tickets/${ticket.id}/replies`,
          jsonInit('POST', { body: 'Looking into it.', author: 'Sam (Support)' }, operator),
        )
      ).json();
      expect(answered).toMatchObject({
        status: 'answered',
        firstRespondedAt: '2030-01-16T16:00:00.001Z',
      });
      // Late is late: the breach stays on record.
      expect(answered.sla.firstResponseBreached).toBe(true);
      expect(answered.messages.map((m: { author: string }) => m.author)).toEqual([
        'customer',
        'operator',
      ]);

      h.clock.advance(20 * HOUR);
      const list = await (
        await h.fetch('/v1/support/tickets', { headers: bearer(acme.secretKey) })
      ).json();
      const late = list.tickets.find((t: { id: string }) => t.id === ticket.id);
      expect(late.sla).toMatchObject({ resolutionBreached: true });

      const closed = await (
        await h.fetch(
          `/v1/admin/tickets/${ticket.id}/close`,
          jsonInit('POST', { body: 'Fixed in 1.2.' }, operator),
        )
      ).json();
      expect(closed).toMatchObject({ status: 'closed', closedAt: '2030-01-17T12:00:00.001Z' });
      expect(closed.messages).toHaveLength(3);
      const notBreached = await (
        await h.fetch('/v1/admin/tickets?breached=false', { headers: operator })
      ).json();
      expect(notBreached.tickets.map((t: { id: string }) => t.id)).not.toContain(ticket.id);
    } finally {
      h.clock.set('2030-01-16T12:00:00.000Z');
    }
  });

  it('an answer in time keeps the ticket within its SLA; a customer reply reopens it', async () => {
    const ticket = await (await open(dean, { subject: 'SSO setup', body: 'Which claims?' })).json();
    h.clock.advance(HOUR);
    try {
      await h.fetch(
        `/v1/admin/tickets/${ticket.id}/replies`,
        jsonInit('POST', { body: 'sub, name, email.' }, operator),
      );
      h.clock.advance(10 * HOUR);
      const reply = await h.fetch(
        `/v1/support/tickets/${ticket.id}/messages`,
        jsonInit('POST', { body: 'Thanks, and classes?' }, dean),
      );
      expect(reply.status).toBe(200);
      const reopened = await reply.json();
      expect(reopened).toMatchObject({
        status: 'open',
        firstRespondedAt: '2030-01-16T13:00:00.000Z',
      });
      expect(reopened.sla).toMatchObject({ firstResponseBreached: false, breached: false });
    } finally {
      h.clock.set('2030-01-16T12:00:00.000Z');
    }
  });

  it("lists a license's own tickets, newest first, by status; shows one with its messages", async () => {
    const all = await (await h.fetch('/v1/support/tickets', { headers: dean })).json();
    expect(all.tickets.length).toBeGreaterThanOrEqual(3);
    expect(
      all.tickets.every(
        (t: { licenseId: string; messages?: unknown }) =>
          t.licenseId === acme.license.id && !t.messages,
      ),
    ).toBe(true);
    const closed = await (
      await h.fetch('/v1/support/tickets?status=closed', { headers: dean })
    ).json();
    expect(closed.tickets.map((t: { status: string }) => t.status)).toEqual(['closed']);
    const one = await (
      await h.fetch(`/v1/support/tickets/${all.tickets[0].id}`, { headers: dean })
    ).json();
    expect(one.messages.length).toBeGreaterThan(0);
  });

  it('lets the operator filter by license and status, and read any ticket', async () => {
    const byLicense = await (
      await h.fetch(`/v1/admin/tickets?license=${pro.license.id}`, { headers: operator })
    ).json();
    expect(byLicense.tickets).toHaveLength(1);
    const open = await (
      await h.fetch('/v1/admin/tickets?status=open', { headers: operator })
    ).json();
    expect(open.tickets.every((t: { status: string }) => t.status === 'open')).toBe(true);
    const shown = await (
      await h.fetch(`/v1/admin/tickets/${byLicense.tickets[0].id}`, { headers: operator })
    ).json();
    expect(shown.messages[0].body).toBe('Please resend.');
  });

  it('closes without a message, leaving the first response open on record', async () => {
    const ticket = await (
      await open(bearer(pro.secretKey), { subject: 'Never mind', body: 'Solved it.' })
    ).json();
    const closed = await (
      await h.fetch(`/v1/admin/tickets/${ticket.id}/close`, { method: 'POST', headers: operator })
    ).json();
    expect(closed).toMatchObject({ status: 'closed', firstRespondedAt: null });
    expect(closed.messages).toHaveLength(1);
  });
});
