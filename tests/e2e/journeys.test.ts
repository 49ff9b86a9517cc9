import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LICENSE_ID, demoKeys } from '../../demo/seed.js';
import { keyWithBody } from '../../server/modules/licenses/keys.js';
import { openPage, startStack, type Stack } from './harness.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const number = (text: string) => Number(/\d[\d,]*/.exec(text)![0].replace(/,/g, ''));

describe('rewards, end to end', () => {
  it('the customer server reports a lesson with its secret key; wallet and leaderboard update; the learner redeems a reward', async () => {
    const { page, errors, close } = await openPage(stack.browser, `${stack.portal}/`);
    const balance = page.locator('lx-token-wallet [part~="balance"]');
    const myRow = page.locator('lx-leaderboard [part~="me"]');
    await balance.waitFor();
    await myRow.waitFor();
    const before = number(await balance.innerText());
    const scoreBefore = number((await myRow.innerText()).split('\n').at(-1)!);

    // The portal's "Complete a lesson" goes to the portal's backend, which reports it to the
    // kit with the academy's secret key (POST /v1/rewards/activities), then refreshes.
    await page.getByRole('button', { name: 'Complete a lesson' }).click();
    await expect
      .poll(async () => number(await balance.innerText()), { timeout: 10_000 })
      .toBe(before + 10);
    await expect
      .poll(async () => number((await myRow.innerText()).split('\n').at(-1)!), { timeout: 10_000 })
      .toBe(scoreBefore + 10);

    // And straight from a server with the secret key: a passed quiz.
    const res = await fetch(`${stack.api}/v1/rewards/activities`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${demoKeys.academySecret}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': 'e2e-quiz-1',
      },
      body: JSON.stringify({ learnerId: 'ada', activity: 'quiz.passed' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ awarded: 25, balance: before + 35 });
    await page
      .locator('lx-token-wallet')
      .evaluate((el) => (el as HTMLElement & { refresh(): Promise<void> }).refresh());
    await expect
      .poll(async () => number(await balance.innerText()), { timeout: 10_000 })
      .toBe(before + 35);

    // Redeem the 100-token feature unlock, with the confirmation step.
    const redeemed = page.evaluate(
      () =>
        new Promise<unknown>((resolve) =>
          document.addEventListener('lx-redeem', (e) => resolve((e as CustomEvent).detail), {
            once: true,
          }),
        ),
    );
    const reward = page.locator('lx-token-wallet [part~="reward"]', {
      hasText: 'Offline downloads',
    });
    await reward.locator('[part~="redeem"]').click();
    const confirm = page.locator('lx-token-wallet [part~="confirm"]');
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    expect(await redeemed).toMatchObject({
      kind: 'feature_unlock',
      cost: 100,
      status: 'fulfilled',
    });
    await expect
      .poll(async () => number(await balance.innerText()), { timeout: 10_000 })
      .toBe(before + 35 - 100);
    expect(await stack.services.rewards.ledger.balance(DEMO_LICENSE_ID, 'ada')).toBe(
      before + 35 - 100,
    );
    expect(errors).toEqual([]);
    await close();
  });
});

describe('white-label', () => {
  it('shows two licenses side by side, each in its own theme, from the same server', async () => {
    const { page, errors, close } = await openPage(
      stack.browser,
      `${stack.portal}/white-label.html`,
    );
    const tokens = async (selector: string) => {
      const el = page.locator(selector);
      await el.locator('[part~="cta"]').first().waitFor();
      return el.evaluate((host) => {
        const style = getComputedStyle(host);
        const read = (name: string) => style.getPropertyValue(name).trim();
        return {
          brand: read('--lx-color-brand'),
          surface: read('--lx-color-surface'),
          font: read('--lx-font-body'),
          radius: read('--lx-radius'),
        };
      });
    };
    const academy = await tokens('.tenant.academy lx-pricing-table');
    const studio = await tokens('.tenant.studio lx-pricing-table');
    for (const key of ['brand', 'surface', 'font', 'radius'] as const) {
      expect(studio[key]).not.toBe(academy[key]);
    }
    // The studio's theme is dark: its surface is darker than its text would need to be read on.
    const luminance = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    expect(luminance(studio.surface)).toBeLessThan(0.2);
    expect(luminance(academy.surface)).toBeGreaterThan(0.8);
    // Each tenant's learners and token name: the studio's wallet counts Sparks.
    await expect
      .poll(() => page.locator('.tenant.studio lx-token-wallet [part~="balance"]').innerText(), {
        timeout: 10_000,
      })
      .toMatch(/Sparks/);
    expect(errors).toEqual([]);
    await close();
  });
});

describe('brand', () => {
  it('a brand admin publishes a new brand color and the portal shows it after reload', async () => {
    const portal = await openPage(stack.browser, `${stack.portal}/`);
    const cta = portal.page.locator('lx-pricing-table [part~="cta"]').first();
    await cta.waitFor();
    const brandOf = () => cta.evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await brandOf()).not.toBe('rgb(185, 28, 28)');

    const admin = await openPage(stack.browser, `${stack.portal}/admin.html`);
    const editor = admin.page.locator('lx-theme-editor');
    const field = editor.locator('input[id="tokens.color-brand"]');
    await field.fill('#b91c1c');
    await field.press('Tab');
    await editor.getByRole('button', { name: 'Publish', exact: true }).click();
    await expect
      .poll(() => editor.evaluate((el) => el.shadowRoot!.textContent), { timeout: 10_000 })
      .toMatch(/is live/);
    await admin.close();

    await portal.page.reload();
    await cta.waitFor();
    await expect.poll(brandOf, { timeout: 10_000 }).toBe('rgb(185, 28, 28)');
    expect(portal.errors).toEqual([]);
    await portal.close();
  });
});

describe('licenses the server refuses', () => {
  const hostPage = (license: string) => `<!doctype html>
<html lang="en"><head><title>Host</title>
<script type="module" src="${stack.api}/kit/kit.js" data-license="${license}"></script>
<script type="module">
  document.getElementById('host').addEventListener('click', () => {
    document.getElementById('out').textContent = 'host page works';
  });
</script>
</head><body><h1>Host page</h1>
<lx-pricing-table></lx-pricing-table><lx-token-wallet user-token="x.y.z"></lx-token-wallet>
<button id="host">Host button</button><p id="out"></p></body></html>`;

  for (const [name, license, code] of [
    ['an unknown', keyWithBody('pk', 'test', 'NoSuchLicenseAnywhere001'), 'license_unknown'],
    ['a revoked', demoKeys.revoked, 'license_revoked'],
  ] as const) {
    it(`${name} license: every widget shows the license state, the host page keeps working`, async () => {
      const url = stack.page(`refused-${code}`, hostPage(license));
      const { page, errors, close } = await openPage(stack.browser, url);
      for (const tag of ['lx-pricing-table', 'lx-token-wallet']) {
        const state = page.locator(`${tag} [part~="state"]`);
        await state.waitFor();
        expect(await state.getAttribute('data-code')).toBe(code);
      }
      await page.click('#host');
      expect(await page.locator('#out').innerText()).toBe('host page works');
      expect(errors).toEqual([]);
      await close();
    });
  }

  it('a site the license does not allow: the origin state, the host page keeps working', async () => {
    const url = stack.page('foreign-origin', hostPage(demoKeys.academy));
    await stack.setAllowedOrigins(DEMO_LICENSE_ID, ['https://portal.example.edu']);
    try {
      const { page, errors, close } = await openPage(stack.browser, url);
      const state = page.locator('lx-pricing-table [part~="state"]');
      await state.waitFor();
      expect(await state.getAttribute('data-code')).toBe('origin_not_allowed');
      await page.click('#host');
      expect(await page.locator('#out').innerText()).toBe('host page works');
      expect(errors).toEqual([]);
      await close();
    } finally {
      await stack.setAllowedOrigins(DEMO_LICENSE_ID, stack.origins);
    }
  });
});
