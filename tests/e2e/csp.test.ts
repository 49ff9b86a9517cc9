import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './harness.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('a page with a strict Content-Security-Policy', () => {
  it('sends a policy without unsafe-inline or unsafe-eval, and every widget works under it', async () => {
    const context = await stack.browser.newContext();
    const page = await context.newPage();
    // Registered before any page script runs, so no violation goes unseen.
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { violations: string[] }).violations = seen;
      document.addEventListener('securitypolicyviolation', (e) =>
        seen.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
      );
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const response = await page.goto(`${stack.portal}/strict.html`, { waitUntil: 'load' });

    const policy = response!.headers()['content-security-policy']!;
    expect(policy).toContain(`script-src 'self' ${stack.api} ${stack.stripeOrigin}`);
    expect(policy).toContain("style-src 'self'");
    expect(policy).toContain(`frame-src ${stack.stripeOrigin}`);
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval/);

    await page.locator('lx-pricing-table .plan').first().waitFor();
    expect(await page.locator('lx-pricing-table .plan').count()).toBe(3);
    await page.locator('lx-course-catalog [part~="card"]').first().waitFor();
    await page.locator('lx-token-wallet [part~="balance"]').waitFor();
    await page.locator('lx-leaderboard [part~="entry"]').first().waitFor();
    await page.locator('lx-usage-dashboard [part~="meter"]').first().waitFor();
    await page.locator('lx-theme-editor [part~="preview"]').waitFor();
    // The checkout loads Stripe.js (the emulator's) and mounts its card frame under the policy.
    const checkout = page.locator('lx-checkout');
    await checkout.getByRole('button', { name: 'Continue to payment' }).click();
    await page.frameLocator('lx-checkout [slot="payment"] iframe').locator('#number').waitFor();
    // Themed: the license theme reached the widgets through adopted stylesheets.
    const brand = await page
      .locator('lx-pricing-table')
      .evaluate((el) => getComputedStyle(el).getPropertyValue('--lx-color-brand').trim());
    expect(brand).not.toBe('');

    // The catalog opens its own checkout in a dialog (styled through CSSOM, not attributes).
    const catalog = page.locator('lx-course-catalog');
    await catalog.locator('input[type="search"]').fill('python data');
    await catalog.getByRole('button', { name: 'Python for Data Analysis' }).click();
    await catalog.locator('[part~="buy"]').click();
    await page.locator('dialog[data-lx-checkout] lx-checkout [part~="summary"]').waitFor();

    await page.waitForLoadState('networkidle');
    expect(
      await page.evaluate(() => (window as unknown as { violations: string[] }).violations),
    ).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
    // Every widget, Stripe.js and two checkouts in one page: more than the default on a busy machine.
  }, 90_000);
});
