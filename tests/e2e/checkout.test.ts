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

/** GET `path` on the API as `learner`, from the page (its origin, a token from its backend). */
function asLearner<T>(page: Page, learner: string, path: string): Promise<T> {
  return page.evaluate(
    async ({ api, key, learner, path }) => {
      const { token } = await (
        await fetch('/demo/token', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ learner }),
        })
      ).json();
      const res = await fetch(`${api}${path}`, {
        headers: { 'Liberation-Key': key, Authorization: `Bearer ${token}` },
      });
      return res.json();
    },
    { api: stack.api, key: demoKeys.academy, learner, path },
  ) as Promise<T>;
}

async function ownedCourses(page: Page, learner: string): Promise<string[]> {
  const body = await asLearner<{ items: { id: string }[] }>(page, learner, '/v1/me/courses');
  return body.items.map((c) => c.id);
}

async function typeCard(page: Page, number: string) {
  const frame = page.frameLocator('lx-checkout [slot="payment"] iframe').first();
  await frame.locator('#number').fill(number);
  await frame.locator('#expiry').fill('12 / 34');
  await frame.locator('#cvc').fill('123');
}

const phase = (page: Page) =>
  page.locator('lx-checkout [data-phase]').first().getAttribute('data-phase');

describe('an LMS page that embeds only lx-checkout for one course', () => {
  it('loads no Stripe.js before paying; a declined card shows the message and records nothing; 4242 pays, shows the receipt, the course is owned and the LMS hears enrollment.created', async () => {
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
    await expect.poll(() => phase(page), { timeout: 10_000 }).toBe('paying');
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
    await expect.poll(() => phase(page), { timeout: 10_000 }).toBe('declined');
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

    await expect
      .poll(() => ownedCourses(page, 'ada'), { timeout: 10_000 })
      .toContain('crs_demo_01');
    // The LMS grants access from the signed enrollment.created its backend received.
    await expect
      .poll(() => page.locator('#payment').innerText(), { timeout: 15_000 })
      .toBe('Enrolled: the course is open in the LMS.');
    expect(
      stack.portalBackend.events.find((e) => e.type === 'enrollment.created')?.data,
    ).toMatchObject({ courseId: 'crs_demo_01', learnerId: 'ada' });
    expect(errors).toEqual([]);
    await close();
  });
});

describe('the portal’s course catalog', () => {
  it('a learner finds a course by search, pays with 4242, sees the receipt, and the course shows as owned', async () => {
    const { page, requests, errors, close } = await openPage(stack.browser, `${stack.portal}/`);
    const catalog = page.locator('lx-course-catalog');
    await catalog.locator('[part~="card"]').first().waitFor();
    await catalog.locator('input[type="search"]').fill('machine lea');
    const card = catalog.locator('[part~="card"]', { hasText: 'Machine Learning Foundations' });
    // Full-text search narrows the fifty seeded courses to the few that match.
    await expect
      .poll(() => catalog.locator('[part~="card"]').count(), { timeout: 10_000 })
      .toBeLessThan(5);
    await card.waitFor();
    await card.getByRole('button', { name: 'Machine Learning Foundations' }).click();
    const buy = catalog.locator('[part~="buy"]');
    expect(await buy.innerText()).toBe('Buy for $89.00');
    await page.waitForLoadState('networkidle');
    expect(requests.filter((r) => r.startsWith(stack.stripeOrigin))).toEqual([]);

    await buy.click();
    const checkout = page.locator('dialog[data-lx-checkout] lx-checkout');
    await checkout.getByRole('button', { name: 'Continue to payment' }).click();
    await expect.poll(() => phase(page), { timeout: 10_000 }).toBe('paying');
    await typeCard(page, '4242 4242 4242 4242');
    await checkout.locator('button[part~="pay"]').click();
    await expect.poll(() => phase(page), { timeout: 15_000 }).toBe('succeeded');
    const receipt = checkout.locator('[part~="receipt"]');
    await receipt.waitFor({ timeout: 15_000 });
    const receiptPage = await page.context().newPage();
    await receiptPage.goto((await receipt.getAttribute('href'))!);
    expect(await receiptPage.locator('body').innerText()).toContain('$89.00');
    await receiptPage.close();

    await expect
      .poll(() => ownedCourses(page, 'ada'), { timeout: 10_000 })
      .toContain('crs_demo_02');
    // After a reload the catalog marks it owned.
    await page.reload();
    await catalog.locator('input[type="search"]').fill('machine lea');
    await catalog
      .locator('[part~="card"]', { hasText: 'Machine Learning Foundations' })
      .locator('[part~="owned"]')
      .waitFor();
    expect(errors).toEqual([]);
    await close();
  });
});

describe('the pricing table', () => {
  it('subscribes to Pro through the checkout it opens, and a Pro-only feature becomes available', async () => {
    const { page, errors, close } = await openPage(stack.browser, `${stack.portal}/`);
    // The portal's own sign-in: Alan this time.
    await page.evaluate(() => localStorage.setItem('lx-demo-learner', 'alan'));
    await page.reload();
    const features = () =>
      asLearner<{ tier: string | null; features: string[] }>(page, 'alan', '/v1/me/features');
    expect((await features()).features).not.toContain('certificates');

    const pro = page.locator('lx-pricing-table#pricing [part~="cta"]', { hasText: 'Pro' });
    await pro.click();
    const checkout = page.locator('dialog[data-lx-checkout] lx-checkout');
    await checkout.getByRole('button', { name: 'Continue to payment' }).click();
    await expect.poll(() => phase(page), { timeout: 10_000 }).toBe('paying');
    await typeCard(page, '4242 4242 4242 4242');
    await checkout.locator('button[part~="pay"]').click();
    await expect.poll(() => phase(page), { timeout: 15_000 }).toBe('succeeded');

    await expect
      .poll(async () => (await features()).features, { timeout: 15_000 })
      .toContain('certificates');
    expect((await features()).tier).toBe('pro');
    expect(errors).toEqual([]);
    await close();
  });
});

describe('a widget signed in with a token provider only', () => {
  it('opens a checkout that starts (the provider reaches the checkout it opens)', async () => {
    const url = stack.page(
      'provider-only',
      `<!doctype html>
<html lang="en"><head><title>Provider only</title>
<script type="module" src="${stack.api}/kit/kit.js" data-license="${demoKeys.academy}"></script>
<script type="module">
  const provider = () =>
    fetch('/demo/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ learner: 'grace' }),
    }).then((r) => r.json()).then((b) => b.token);
  document.querySelector('lx-pricing-table').tokenProvider = provider;
</script>
</head><body><h1>Plans</h1><lx-pricing-table></lx-pricing-table></body></html>`,
    );
    const { page, errors, close } = await openPage(stack.browser, url);
    await page.locator('lx-pricing-table [part~="cta"]', { hasText: 'Pro' }).click();
    const checkout = page.locator('dialog[data-lx-checkout] lx-checkout');
    await checkout.locator('[part~="summary"]').waitFor({ timeout: 10_000 });
    expect(await checkout.locator('[part~="summary"]').innerText()).toContain('Pro');
    expect(errors).toEqual([]);
    await close();
  });
});
