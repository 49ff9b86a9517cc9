import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoKeys } from '../../demo/seed.js';
import { openPage, startStack, type Stack } from './harness.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

/** What the API says the page's learner owns, asked from the page (its origin, its token). */
function ownedCourses(page: Page, learner: string): Promise<string[]> {
  return page.evaluate(
    async ({ api, key, learner }) => {
      const { token } = await (
        await fetch('/demo/token', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ learner }),
        })
      ).json();
      const res = await fetch(`${api}/v1/me/courses`, {
        headers: { 'Liberation-Key': key, Authorization: `Bearer ${token}` },
      });
      const body = (await res.json()) as { items: { id: string }[] };
      return body.items.map((c) => c.id);
    },
    { api: stack.api, key: demoKeys.academy, learner },
  );
}

async function typeCard(page: Page, number: string) {
  const frame = page.frameLocator('lx-checkout [slot="payment"] iframe');
  await frame.locator('#number').fill(number);
  await frame.locator('#expiry').fill('12 / 34');
  await frame.locator('#cvc').fill('123');
}

const phase = (page: Page) =>
  page.locator('lx-checkout [data-phase]').first().getAttribute('data-phase');

describe('an LMS page that embeds only lx-checkout for one course', () => {
  it('loads no Stripe.js before paying; a declined card shows the message and records nothing; 4242 pays, shows the receipt and the course is owned', async () => {
    const { page, requests, errors, close } = await openPage(
      stack.browser,
      `${stack.portal}/lms.html`,
    );
    const checkout = page.locator('lx-checkout');
    await checkout.locator('[part~="summary"]').waitFor();
    expect(await checkout.locator('[part~="summary"]').innerText()).toContain('$49.00');
    await page.waitForLoadState('networkidle');
    expect(requests.filter((r) => r.startsWith(stack.stripeOrigin))).toEqual([]);

    await checkout.getByRole('button', { name: 'Continue to payment' }).click();
    await expect.poll(() => phase(page)).toBe('paying');
    expect(requests.some((r) => r.startsWith(stack.stripeOrigin))).toBe(true);

    const completed = page.evaluate(
      () =>
        new Promise<Record<string, unknown>>((resolve) =>
          document.addEventListener(
            'lx-checkout-complete',
            (e) => resolve((e as CustomEvent).detail),
            { once: true },
          ),
        ),
    );

    await typeCard(page, '4000 0000 0000 0002');
    await checkout.locator('button[part~="pay"]').click();
    await expect.poll(() => phase(page)).toBe('declined');
    expect(await checkout.locator('[part~="status"]').innerText()).toContain(
      'Your card was declined.',
    );
    expect(await ownedCourses(page, 'ada')).not.toContain('crs_demo_01');

    await typeCard(page, '4242 4242 4242 4242');
    await checkout.locator('button[part~="pay"]').click();
    await expect.poll(() => phase(page), { timeout: 15_000 }).toBe('succeeded');
    expect(await completed).toMatchObject({ kind: 'course', amount: 4900, currency: 'USD' });

    const receipt = checkout.locator('[part~="receipt"]');
    await receipt.waitFor({ timeout: 15_000 });
    const receiptPage = await page.context().newPage();
    await receiptPage.goto((await receipt.getAttribute('href'))!);
    expect(await receiptPage.locator('body').innerText()).toContain('$49.00');
    await receiptPage.close();

    await expect.poll(() => ownedCourses(page, 'ada')).toContain('crs_demo_01');
    expect(errors).toEqual([]);
    await close();
  });
});
