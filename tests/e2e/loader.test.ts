import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoKeys } from '../../demo/seed.js';
import { startStack } from './harness.js';

let stack: Awaited<ReturnType<typeof startStack>>;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const portalPage = (api: string, body: string, classic = false) => `<!doctype html>
<html lang="en"><head><title>Portal</title>
<script ${classic ? '' : 'type="module"'} src="${api}/kit/${classic ? 'kit.classic.js' : 'kit.js'}" data-license="${demoKeys.academy}"></script>
</head><body><h1>Host page</h1>${body}</body></html>`;

async function open(url: string) {
  const page = await stack.browser.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url, { waitUntil: 'load' });
  return { page, requests, errors };
}

describe('the script tag', () => {
  it('renders the demo portal, on its own origin, with a real widget state from the server', async () => {
    const { page, errors } = await open(`${stack.portal}/`);
    const plans = page.locator('#pricing').locator('.plan h3');
    await plans.first().waitFor();
    expect(await plans.allTextContents()).toEqual(['Free', 'Pro', 'Enterprise']);
    const states = page.locator('.states lx-pricing-table [part~="state"]');
    await states.nth(1).waitFor();
    expect(
      await states.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.code)),
    ).toEqual(['license_revoked', 'license_malformed']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('embeds cross-origin from a customer portal and fetches widget code only when its tag appears', async () => {
    const url = stack.page('lazy', portalPage(stack.api, '<div id="slot"></div>'));
    const { page, requests, errors } = await open(url);
    await page.waitForLoadState('networkidle');
    expect(requests.some((r) => r.endsWith('/kit/kit.js'))).toBe(true);
    expect(requests.some((r) => r.includes('lx-pricing-table'))).toBe(false);
    expect(requests.some((r) => r.includes('/v1/'))).toBe(false);

    await page.evaluate(() => {
      document.getElementById('slot')!.innerHTML =
        '<section><lx-pricing-table></lx-pricing-table></section>';
    });
    await page.locator('lx-pricing-table .plan').first().waitFor();
    expect(requests.filter((r) => r.endsWith('/kit/lx-pricing-table.js'))).toHaveLength(1);
    expect(requests.filter((r) => r.endsWith('/v1/embed/config'))).toHaveLength(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('works as a classic script for pages that cannot use modules', async () => {
    const url = stack.page(
      'classic',
      portalPage(stack.api, '<lx-pricing-table></lx-pricing-table>', true),
    );
    const { page, errors } = await open(url);
    await page.locator('lx-pricing-table .plan').first().waitFor();
    expect(await page.locator('lx-pricing-table .plan').count()).toBe(3);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the origin state on a site the license does not allow, and the host page keeps working', async () => {
    // Same page, but the license is re-pointed at another origin only.
    const url = stack.page(
      'foreign',
      portalPage(
        stack.api,
        '<lx-pricing-table></lx-pricing-table><button id="host">Host button</button>',
      ),
    );
    await stack.setAllowedOrigins('lic_demo_academy', ['https://portal.example.edu']);
    try {
      const { page } = await open(url);
      const state = page.locator('lx-pricing-table [part~="state"]');
      await state.waitFor();
      expect(await state.getAttribute('data-code')).toBe('origin_not_allowed');
      await page.click('#host');
      expect(await page.title()).toBe('Portal');
      await page.close();
    } finally {
      await stack.setAllowedOrigins('lic_demo_academy', stack.origins);
    }
  });
});
