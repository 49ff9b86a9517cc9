import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLicense, expectProblem, learnerHeaders, signToken } from '../fixtures/harness.js';
import {
  ACME_ORIGIN,
  buyCourse,
  checkout,
  learnerOf,
  sellTestCourses,
  startPayments,
  type PaymentsHarness,
} from './helpers.js';
import { receiptCounters, receipts } from '../../server/modules/payments/schema.js';

const plan = { kind: 'course', courseId: 'algebra' };

describe('receipts', () => {
  let h: PaymentsHarness;

  beforeAll(async () => {
    h = await startPayments();
    sellTestCourses(h);
  });
  afterAll(() => h.close());

  const pay = (headers: Record<string, string>) => buyCourse(h, headers);

  async function paymentOf(headers: Record<string, string>, intentId: string) {
    const response = await h.fetch(`/v1/checkout/sessions/${intentId}`, { headers });
    expect(response.status).toBe(200);
    return (await response.json()) as { status: string; receiptUrl: string | null };
  }

  it('gives a paid payment a receipt the learner reads as JSON, in a list and as a page', async () => {
    const acme = await learnerOf(h, { name: 'Receipt University', sub: 'grace' });
    const session = (await (await checkout(h, acme.headers, plan)).json()) as {
      paymentIntentId: string;
    };
    expect((await paymentOf(acme.headers, session.paymentIntentId)).receiptUrl).toBeNull();
    await h.stripe.paymentIntents.confirm(session.paymentIntentId, {
      payment_method: 'pm_card_visa',
    });
    await h.emulator.webhooks.settled();

    const payment = await paymentOf(acme.headers, session.paymentIntentId);
    expect(payment.status).toBe('succeeded');
    expect(payment.receiptUrl).toMatch(/^\/v1\/receipts\/rcp_[^/]+\/html\?access=\d+\.[\w-]{43}$/);

    const list = await (await h.fetch('/v1/me/receipts', { headers: acme.headers })).json();
    expect(list.receipts).toHaveLength(1);
    const receipt = list.receipts[0];
    const intent = await h.stripe.paymentIntents.retrieve(session.paymentIntentId, {
      expand: ['latest_charge'],
    });
    const charge = intent.latest_charge as { amount_captured: number; currency: string };
    expect(receipt).toMatchObject({
      number: 1,
      amount: charge.amount_captured,
      currency: charge.currency.toUpperCase(),
      description: 'Course: algebra',
      paymentIntentId: session.paymentIntentId,
      learner: { subject: 'grace' },
      card: { brand: 'visa', last4: '4242' },
    });
    const one = await h.fetch(`/v1/receipts/${receipt.id}`, { headers: acme.headers });
    expect(await one.json()).toEqual(receipt);

    // Opened in a new tab: no Authorization header, no license key.
    const page = await fetch(h.url + payment.receiptUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('Receipt 1');
    expect(html).toContain('Course: algebra');
    expect(html).toContain('$49.00');
    expect(html).toContain('--lx-color-brand:');
  });

  it('shows a receipt to its learner only', async () => {
    const acme = await learnerOf(h, { name: 'Owner University', sub: 'owner' });
    const intentId = await pay(acme.headers);
    await h.emulator.webhooks.settled();
    const mine = await (await h.fetch('/v1/me/receipts', { headers: acme.headers })).json();
    const id = mine.receipts[0].id as string;

    const token = await signToken(acme.signingSecret, acme.license.id, h.clock, { sub: 'other' });
    const other = learnerHeaders(acme.license.publishableKey, token, ACME_ORIGIN);
    await expectProblem(await h.fetch(`/v1/receipts/${id}`, { headers: other }), 'not_found');
    const theirs = await (await h.fetch('/v1/me/receipts', { headers: other })).json();
    expect(theirs.receipts).toEqual([]);

    const stranger = await learnerOf(h, { name: 'Elsewhere College', sub: 'owner' });
    await expectProblem(
      await h.fetch(`/v1/receipts/${id}`, { headers: stranger.headers }),
      'not_found',
    );
    expect((await paymentOf(acme.headers, intentId)).receiptUrl).not.toBeNull();
  });

  it('escapes hostile names on the page and refuses forged, altered or expired links', async () => {
    const created = await createLicense(h.services, {
      name: 'Acme <img src=x onerror=alert(1)>',
      origins: [ACME_ORIGIN],
    });
    const token = await signToken(created.signingSecret!, created.license.id, h.clock, {
      sub: 'mallory',
      claims: { name: '<script>alert("pwned")</script> & "Mallory"' },
    });
    const headers = learnerHeaders(created.license.publishableKey, token, ACME_ORIGIN);
    const intentId = await pay(headers);
    await h.emulator.webhooks.settled();
    const url = (await paymentOf(headers, intentId)).receiptUrl!;

    const html = await (await fetch(h.url + url)).text();
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain(
      '&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &quot;Mallory&quot;',
    );
    expect(html).toContain('Acme &lt;img src=x onerror=alert(1)&gt;');

    const [pathPart, access] = url.split('?access=') as [string, string];
    const [expires, mac] = access.split('.') as [string, string];
    const flipped = (mac[0] === 'A' ? 'B' : 'A') + mac.slice(1);
    for (const bad of [
      `${pathPart}?access=${expires}.${flipped}`,
      `${pathPart}?access=${Number(expires) + 3600}.${mac}`,
      `${pathPart}?access=garbage`,
    ]) {
      await expectProblem(await fetch(h.url + bad), 'forbidden');
    }
    // Another receipt's link does not open this one.
    const other = await (await h.fetch('/v1/me/receipts', { headers })).json();
    const otherLearner = await learnerOf(h, { name: 'Other Receipts', sub: 'eve' });
    const otherIntent = await pay(otherLearner.headers);
    await h.emulator.webhooks.settled();
    const otherUrl = (await paymentOf(otherLearner.headers, otherIntent)).receiptUrl!;
    const swapped = otherUrl.replace(/rcp_[^/]+/, other.receipts[0].id as string);
    await expectProblem(await fetch(h.url + swapped), 'forbidden');

    h.clock.advance(60 * 60 * 1000 + 1000);
    await expectProblem(await fetch(h.url + url), 'forbidden');
  });

  it('numbers receipts per license without gaps when many payments succeed at once', async () => {
    const created = await createLicense(h.services, {
      name: 'Busy Academy',
      origins: [ACME_ORIGIN],
    });
    const learners = await Promise.all(
      Array.from({ length: 16 }, async (_, i) => {
        const token = await signToken(created.signingSecret!, created.license.id, h.clock, {
          sub: `busy-${i}`,
        });
        return learnerHeaders(created.license.publishableKey, token, ACME_ORIGIN);
      }),
    );
    const sessions = await Promise.all(
      learners.map(
        async (headers) =>
          (await (await checkout(h, headers, plan)).json()).paymentIntentId as string,
      ),
    );
    await Promise.all(
      sessions.map((id) => h.stripe.paymentIntents.confirm(id, { payment_method: 'pm_card_visa' })),
    );
    await h.emulator.webhooks.settled();
    const numbers = (
      await h.store.db
        .select({ number: receipts.number })
        .from(receipts)
        .where(eq(receipts.licenseId, created.license.id))
        .orderBy(asc(receipts.number))
    ).map((r) => r.number);
    expect(numbers).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    const [counter] = await h.store.db
      .select({ lastNumber: receiptCounters.lastNumber })
      .from(receiptCounters)
      .where(eq(receiptCounters.licenseId, created.license.id));
    expect(counter!.lastNumber).toBe(16);
  });
});
