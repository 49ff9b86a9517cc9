import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StripeEmulator } from '../../demo/stripe-emulator/index.js';
import { startEmulator } from './helpers.js';

let emulator: StripeEmulator;
let stripe: Stripe;

beforeAll(async () => {
  ({ emulator, stripe } = await startEmulator());
});

afterAll(async () => {
  await emulator.stop();
});

describe('stand-in Stripe.js assets', () => {
  it('serves /v3/ as a classic script any page may load', async () => {
    expect(emulator.stripeJsUrl).toBe(`${emulator.url}/v3/`);
    const res = await fetch(emulator.stripeJsUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const source = await res.text();
    expect(source).toContain('window.Stripe = Stripe');
    expect(source).not.toMatch(/^\s*(import|export)\s/m);
  });

  it('serves the card frame with a strict CSP and labelled, announced fields', async () => {
    const res = await fetch(
      `${emulator.url}/elements/payment-frame?id=x&parent_origin=http://localhost&key=pk_test_x`,
    );
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    const html = await res.text();
    for (const id of ['number', 'expiry', 'cvc']) {
      expect(html).toContain(`<label for="${id}">`);
      expect(html).toMatch(new RegExp(`id="${id}-error" class="error" role="alert"`));
    }
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
  });

  it('answers CORS preflights for Stripe.js calls from the page', async () => {
    const res = await fetch(`${emulator.url}/v1/payment_intents/pi_x`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('lets the challenge page finish authentication with the client secret alone', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 2000,
      currency: 'usd',
      payment_method: 'pm_card_authenticationRequired',
      confirm: true,
    });
    const url = new URL(pi.next_action?.use_stripe_sdk?.stripe_js as string);
    expect(url.pathname).toBe('/elements/authenticate');
    const page = await fetch(url);
    expect(await page.text()).toContain('Complete authentication');

    const wrong = await fetch(
      `${emulator.url}/_emulator/v1/payment_intents/${pi.id}/authenticate`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          outcome: 'complete',
          client_secret: `${pi.id}_secret_nope`,
        }).toString(),
      },
    );
    expect(wrong.status).toBe(400);
    const ok = await fetch(`${emulator.url}/_emulator/v1/payment_intents/${pi.id}/authenticate`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        outcome: 'complete',
        client_secret: pi.client_secret ?? '',
      }).toString(),
    });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { status: string }).status).toBe('succeeded');
  });
});
