import path from 'node:path';
import type AxeCore from 'axe-core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoKeys } from '../../demo/seed.js';
import { signTenantLearnerToken, studioKeys, type DemoTenant } from '../../demo/seed-portal.js';
import { systemClock } from '../../server/services.js';
import { openPage, startStack, type Stack } from './harness.js';

const axePath = path.resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js');

let stack: Stack;
let pages: Record<DemoTenant, string>;

/**
 * Every widget on one page of the customer's portal, signed in as the demo admin. The studio's
 * theme is dark, so its portal's page is dark too (widget headings sit on the page).
 */
async function allWidgets(tenant: DemoTenant) {
  const token = await signTenantLearnerToken(tenant, 'grace', {
    clock: systemClock,
    lifetimeSeconds: 3600,
  });
  const key = tenant === 'academy' ? demoKeys.academy : studioKeys.publishable;
  return stack.page(
    `all-${tenant}`,
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>All widgets (${tenant})</title>
<script type="module" src="${stack.api}/kit/kit.js" data-license="${key}"></script>
<style>body { background: ${tenant === 'studio' ? '#220a29' : '#ffffff'}; color: ${tenant === 'studio' ? '#fbeffd' : '#1f2937'}; }</style>
</head><body><main><h1>All widgets</h1>
<lx-pricing-table></lx-pricing-table>
<lx-course-catalog page-size="4" user-token="${token}"></lx-course-catalog>
<lx-token-wallet user-token="${token}"></lx-token-wallet>
<lx-leaderboard user-token="${token}"></lx-leaderboard>
<lx-usage-dashboard user-token="${token}"></lx-usage-dashboard>
<lx-theme-editor user-token="${token}"></lx-theme-editor>
<lx-checkout ${tenant === 'academy' ? 'course-id="crs_demo_02"' : 'plan="pro"'} user-token="${token}"></lx-checkout>
<button id="after">After the widgets</button>
</main></body></html>`,
  );
}

async function rendered(page: Page) {
  await page.locator('lx-pricing-table .plan').first().waitFor();
  await page.locator('lx-course-catalog [part~="filters"]').waitFor();
  await page.locator('lx-token-wallet [part~="balance"]').waitFor();
  await page.locator('lx-leaderboard [part~="entry"]').first().waitFor();
  await page.locator('lx-usage-dashboard [part~="meter"]').first().waitFor();
  await page.locator('lx-theme-editor [part~="preview"]').waitFor();
  await page.locator('lx-checkout [part~="summary"]').waitFor();
  await page.waitForLoadState('networkidle');
}

interface Focused {
  host: string;
  tag: string;
  part: string | null;
  text: string;
  type: string | null;
  checked: boolean;
}

/** The focused element, looking through shadow roots, and the widget it belongs to. */
function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    let active = document.activeElement;
    let host = '';
    while (active?.shadowRoot?.activeElement) {
      if (active.localName.startsWith('lx-')) host = active.localName;
      active = active.shadowRoot.activeElement;
    }
    const el = active as HTMLInputElement;
    return {
      host,
      tag: el.localName,
      part: el.getAttribute('part'),
      text: (el.textContent || el.getAttribute('aria-label') || el.labels?.[0]?.textContent || '')
        .replace(/\s+/g, ' ')
        .trim(),
      type: el.getAttribute('type'),
      checked: !!el.checked,
    };
  });
}

/** Presses Tab until the focused element matches (keyboard only, no clicks). */
async function tabTo(page: Page, match: (f: Focused) => boolean, what: string) {
  for (let i = 0; i < 150; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (match(f)) return f;
  }
  throw new Error(`Tab never reached ${what}`);
}

beforeAll(async () => {
  stack = await startStack();
  pages = { academy: await allWidgets('academy'), studio: await allWidgets('studio') };
});
afterAll(async () => {
  await stack?.stop();
});

describe('accessibility (axe-core)', () => {
  for (const [tenant, scheme] of [
    ['academy', 'light'],
    ['studio', 'dark'],
  ] as const) {
    it(`every widget has no serious or critical violation in ${scheme} (${tenant})`, async () => {
      const { page, errors, close } = await openPage(stack.browser, pages[tenant], {
        colorScheme: scheme,
      });
      await rendered(page);
      await page.addScriptTag({ path: axePath });
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: typeof AxeCore }).axe;
        const result = await axe.run(document, { resultTypes: ['violations'] });
        return result.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => ({
            id: v.id,
            impact: v.impact,
            targets: v.nodes.slice(0, 5).map((n) => n.target.join(' > ')),
          }));
      });
      expect(violations).toEqual([]);
      expect(errors).toEqual([]);
      await close();
    });
  }
});

describe('the demo portal’s own pages (axe-core)', () => {
  it('have no serious or critical violation, widgets included', async () => {
    const found: Record<string, unknown[]> = {};
    for (const name of ['', 'lms.html', 'white-label.html', 'strict.html', 'admin.html']) {
      // axe is injected as a script: the strict page's policy is set aside for the check.
      const { page, close } = await openPage(stack.browser, `${stack.portal}/${name}`, {
        bypassCSP: true,
      });
      await page.waitForLoadState('networkidle');
      await page
        .locator('[part~="state"][aria-busy="true"], .skeleton')
        .first()
        .waitFor({ state: 'detached', timeout: 5000 })
        .catch(() => undefined);
      await page.addScriptTag({ path: axePath });
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: typeof AxeCore }).axe;
        const result = await axe.run(document, { resultTypes: ['violations'] });
        return result.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => ({
            id: v.id,
            targets: v.nodes.slice(0, 3).map((n) => n.target.join(' > ')),
          }));
      });
      if (violations.length) found[name || 'index.html'] = violations;
      await close();
    }
    expect(found).toEqual({});
  });
});

describe('keyboard only', () => {
  let page: Page;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ page, close } = await openPage(stack.browser, pages.academy));
    await rendered(page);
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      for (const type of ['lx-plan-select', 'lx-redeem', 'lx-ticket-create', 'lx-theme-publish']) {
        document.addEventListener(type, (e) => {
          seen.push(`${type} ${JSON.stringify((e as CustomEvent).detail)}`);
          if (type === 'lx-plan-select') e.preventDefault();
        });
      }
    });
  });
  afterAll(async () => {
    await close();
  });

  const events = () => page.evaluate(() => (window as unknown as { seen: string[] }).seen);

  it('pricing table: arrows switch to yearly, Enter chooses a plan', async () => {
    await tabTo(
      page,
      (f) => f.host === 'lx-pricing-table' && f.type === 'radio',
      'the interval switch',
    );
    await page.keyboard.press('ArrowRight');
    expect((await focused(page)).checked).toBe(true);
    await tabTo(page, (f) => f.part === 'cta' && f.text.includes('Pro'), 'Choose Pro');
    await page.keyboard.press('Enter');
    expect((await events()).at(-1)).toMatch(/^lx-plan-select .*"planId":"pro".*"interval":"year"/);
  });

  it('course catalog: type to search, Enter opens a course, its buy button is reachable', async () => {
    await tabTo(
      page,
      (f) => f.host === 'lx-course-catalog' && f.type === 'search',
      'the search box',
    );
    await page.keyboard.type('machine lea');
    await expect
      .poll(() => page.locator('lx-course-catalog [part~="card"]').count(), { timeout: 10_000 })
      .toBeLessThan(5);
    await tabTo(
      page,
      (f) => f.host === 'lx-course-catalog' && f.text === 'Machine Learning Foundations',
      'the course',
    );
    await page.keyboard.press('Enter');
    await page.locator('lx-course-catalog [part~="detail"]').waitFor();
    await tabTo(page, (f) => f.host === 'lx-course-catalog' && f.part === 'buy', 'Buy');
  });

  it('token wallet: Enter opens the confirmation step, Space on Cancel closes it', async () => {
    await tabTo(page, (f) => f.host === 'lx-token-wallet' && f.part === 'redeem', 'Redeem');
    await page.keyboard.press('Enter');
    await page.locator('lx-token-wallet [part~="confirm"]').waitFor();
    await tabTo(page, (f) => f.host === 'lx-token-wallet' && f.text === 'Cancel', 'Cancel');
    await page.keyboard.press('Space');
    await page.locator('lx-token-wallet [part~="confirm"]').waitFor({ state: 'detached' });
  });

  it('leaderboard: arrows move between scopes and the board follows', async () => {
    await tabTo(page, (f) => f.host === 'lx-leaderboard' && f.type === 'radio', 'the scope tabs');
    await page.keyboard.press('ArrowRight');
    expect(await focused(page)).toMatchObject({
      checked: true,
      text: expect.stringMatching(/Friends/),
    });
    // Grace's friends (Ada, Margaret) and Grace herself.
    await expect
      .poll(() => page.locator('lx-leaderboard [part~="entry"]').count(), { timeout: 10_000 })
      .toBe(3);
  });

  it('usage dashboard: Enter opens the ticket form, Escape closes it and returns focus', async () => {
    await tabTo(page, (f) => f.part === 'new-ticket', 'Open a ticket');
    await page.keyboard.press('Enter');
    await page.locator('lx-usage-dashboard [part~="ticket-form"]').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('lx-usage-dashboard [part~="ticket-form"]').waitFor({ state: 'detached' });
    expect((await focused(page)).part).toBe('new-ticket');
  });

  it('theme editor: Tab reaches its controls and Space saves a draft', async () => {
    await tabTo(page, (f) => f.host === 'lx-theme-editor' && f.text === 'Save draft', 'Save draft');
    await page.keyboard.press('Space');
    await expect
      .poll(() => page.locator('lx-theme-editor').evaluate((el) => el.shadowRoot!.textContent), {
        timeout: 10_000,
      })
      .toMatch(/Draft saved/);
  });

  it('checkout: Enter starts paying and the card number takes the focus', async () => {
    await tabTo(
      page,
      (f) => f.host === 'lx-checkout' && f.text === 'Continue to payment',
      'Continue to payment',
    );
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('lx-checkout [data-phase]').first().getAttribute('data-phase'), {
        timeout: 10_000,
      })
      .toBe('paying');
    await expect
      .poll(
        () =>
          page
            .frameLocator('lx-checkout [slot="payment"] iframe')
            .locator('#number')
            .evaluate((el) => el === document.activeElement),
        { timeout: 10_000 },
      )
      .toBe(true);
    // Focus leaves the widgets for the host page again.
    await tabTo(page, (f) => f.host === '' && f.text === 'After the widgets', 'the host page');
  });
});
