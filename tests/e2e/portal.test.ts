import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from '../../demo/partner-webhooks.js';
import { createPortal, strictCsp } from '../../demo/portal.js';
import { loadEnv } from '../../server/env.js';
import type { Clock } from '../../server/services.js';

const root = path.resolve(import.meta.dirname, '../..');
const now = new Date('2026-11-28T12:00:00Z');
const clock: Clock = { now: () => now };
const seconds = Math.floor(now.getTime() / 1000);
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('Standard Webhooks verification (the demo LMS backend)', () => {
  it('matches the specification’s test vector', () => {
    const body = '{"test": 2432232314}';
    const signature = signWebhook(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, body);
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
    const headers = { id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: '1614265330' };
    expect(
      verifyWebhook(
        secret,
        { ...headers, signature: `v1,bm9wZQ== ${signature}` },
        body,
        1614265330,
      ),
    ).toMatchObject({ ok: true });
    expect(verifyWebhook(secret, { ...headers, signature }, `${body} `, 1614265330)).toMatchObject({
      ok: false,
    });
    expect(verifyWebhook(secret, { ...headers, signature }, body, 1614265330 + 301)).toEqual({
      ok: false,
      reason: 'timestamp outside the tolerance',
    });
    expect(
      verifyWebhook(
        secret,
        { ...headers, signature: `v2,${signature.slice(3)}` },
        body,
        1614265330,
      ),
    ).toMatchObject({ ok: false });
  });
});

describe('the portal’s partner webhook receiver', () => {
  const portal = createPortal({ publicDir: path.join(root, 'demo', 'public'), clock });
  portal.setPartnerSecret(secret);

  const deliver = (
    id: string,
    body: string,
    options: { timestamp?: number; key?: string } = {},
  ) => {
    const timestamp = options.timestamp ?? seconds;
    return portal.app.request('/demo/partner-webhooks', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(options.key ?? secret, id, timestamp, body),
      },
      body,
    });
  };
  const enrollment = JSON.stringify({
    type: 'enrollment.created',
    timestamp: now.toISOString(),
    data: { courseId: 'crs_demo_01', learnerId: 'ada' },
  });

  it('records a verified delivery once, however often it is retried', async () => {
    expect((await deliver('evt_1', enrollment)).status).toBe(204);
    expect((await deliver('evt_1', enrollment)).status).toBe(204);
    const res = await portal.app.request('/demo/partner-events');
    expect(await res.json()).toEqual({
      endpoint: 'registered',
      events: [
        {
          id: 'evt_1',
          type: 'enrollment.created',
          receivedAt: now.toISOString(),
          data: { courseId: 'crs_demo_01', learnerId: 'ada' },
        },
      ],
    });
  });

  it('refuses forged, tampered, stale and unsigned deliveries and records nothing', async () => {
    const other = 'whsec_' + Buffer.alloc(32, 1).toString('base64');
    expect((await deliver('evt_2', enrollment, { key: other })).status).toBe(400);
    expect((await deliver('evt_3', enrollment, { timestamp: seconds - 600 })).status).toBe(400);
    const tampered = await portal.app.request('/demo/partner-webhooks', {
      method: 'POST',
      headers: {
        'webhook-id': 'evt_4',
        'webhook-timestamp': String(seconds),
        'webhook-signature': signWebhook(secret, 'evt_4', seconds, enrollment),
      },
      body: enrollment.replace('ada', 'alan'),
    });
    expect(tampered.status).toBe(400);
    const unsigned = await portal.app.request('/demo/partner-webhooks', {
      method: 'POST',
      body: enrollment,
    });
    expect(unsigned.status).toBe(400);
    expect(portal.events.map((e) => e.id)).toEqual(['evt_1']);
  });
});

describe('the demo portal’s origin', () => {
  it('listens on PORT + 1 by default, on a free port when PORT is 0, or on DEMO_PORT', () => {
    expect(loadEnv({}).demoPort).toBe(8788);
    expect(loadEnv({ PORT: '9000' }).demoPort).toBe(9001);
    expect(loadEnv({ PORT: '0' }).demoPort).toBe(0);
    expect(loadEnv({ PORT: '9000', DEMO_PORT: '7000' }).demoPort).toBe(7000);
    expect(() => loadEnv({ DEMO_PORT: 'ninety' })).toThrow(/DEMO_PORT/);
  });

  it('serves its pages with the API origin filled in, and /strict.html with a strict policy', async () => {
    const portal = createPortal({ publicDir: path.join(root, 'demo', 'public'), clock });
    expect((await portal.app.request('http://localhost:8788/')).status).toBe(503);
    portal.connect({
      apiUrl: 'http://127.0.0.1:8787',
      stripeOrigins: ['https://js.stripe.com'],
    });
    const home = await portal.app.request('http://localhost:8788/');
    expect(await home.text()).toContain('src="http://localhost:8787/kit/kit.js"');
    const strict = await portal.app.request('http://127.0.0.1:8788/strict.html');
    expect(strict.headers.get('content-security-policy')).toBe(
      strictCsp('http://127.0.0.1:8787', ['https://js.stripe.com']),
    );
    expect(strict.headers.get('content-security-policy')).not.toMatch(/unsafe/);
    expect((await portal.app.request('http://127.0.0.1:8788/nothing.html')).status).toBe(404);
  });
});
