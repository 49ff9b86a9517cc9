import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { first } from '../../server/db/store.js';
import { loadEnv } from '../../server/env.js';
import { createLogger } from '../../server/logger.js';
import { enqueueEvents } from '../../server/modules/outbox/service.js';
import {
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
} from '../../server/modules/webhooks/schema.js';
import { WebhookWorker } from '../../server/modules/webhooks/worker.js';
import {
  bearer,
  createLicense,
  expectProblem,
  jsonInit,
  startHarness,
  type Harness,
} from '../fixtures/harness.js';
import { ManualScheduler, startReceiver, testWorker, type Receiver } from './helpers.js';

/** Every disguise of a loopback, private or special-purpose target, and internal-only names. */
const refusedTargets = [
  // Loopback, plain and disguised (WHATWG URL parsing turns the IPv4 forms into 127.0.0.1).
  'http://127.0.0.1:8080/hook',
  'https://127.0.0.1/hook',
  'https://127.255.255.254/hook',
  'https://[::1]/hook',
  'https://[0:0:0:0:0:0:0:1]/hook',
  'https://2130706433/hook',
  'https://0x7f000001/hook',
  'https://127.1/hook',
  'https://0177.0.0.1/hook',
  'https://0x7f.1/hook',
  'https://[::ffff:127.0.0.1]/hook',
  'https://[::ffff:7f00:1]/hook',
  'https://[::127.0.0.1]/hook',
  'https://[64:ff9b::7f00:1]/hook',
  'https://[64:ff9b::127.0.0.1]/hook',
  'https://[2002:7f00:1::1]/hook',
  'https://localhost/hook',
  'https://LOCALHOST./hook',
  'https://api.localhost/hook',
  // "This network", private, shared, link-local (cloud metadata), IETF, documentation.
  'https://0.0.0.0/hook',
  'https://0/hook',
  'https://10.0.0.7/hook',
  'https://100.64.0.1/hook',
  'https://100.100.100.200/hook',
  'https://169.254.169.254/latest',
  'https://172.16.0.1/hook',
  'https://172.31.255.255/hook',
  'https://192.0.0.192/hook',
  'https://192.0.2.1/hook',
  'https://192.88.99.1/hook',
  'https://192.168.1.1/hook',
  'https://198.18.0.1/hook',
  'https://198.19.255.255/hook',
  'https://198.51.100.7/hook',
  'https://203.0.113.9/hook',
  // Multicast, reserved, broadcast.
  'https://224.0.0.1/hook',
  'https://239.255.255.250/hook',
  'https://240.0.0.1/hook',
  'https://255.255.255.255/hook',
  // IPv6: unspecified, mapped and translated private IPv4, discard, IETF, documentation,
  // unique-local (AWS metadata), link-local, site-local, multicast.
  'https://[::]/hook',
  'https://[::ffff:10.0.0.1]/hook',
  'https://[::ffff:169.254.169.254]/hook',
  'https://[64:ff9b::a9fe:a9fe]/hook',
  'https://[64:ff9b:1::1]/hook',
  'https://[2002:a00:1::1]/hook',
  'https://[100::1]/hook',
  'https://[2001::1]/hook',
  'https://[2001:db8::1]/hook',
  'https://[fd00:ec2::254]/hook',
  'https://[fc00::1]/hook',
  'https://[fe80::1]/hook',
  'https://[fec0::1]/hook',
  'https://[ff02::1]/hook',
  // Names that only an internal resolver answers.
  'https://metadata.google.internal/computeMetadata/v1/',
  'https://metadata/computeMetadata/v1/',
  'https://instance-data.ec2.internal/latest',
  'https://kubernetes.default.svc/hook',
  'https://db.cluster.local/hook',
  'https://printer.local/hook',
  'https://router.home.arpa/hook',
  'https://1.0.0.127.in-addr.arpa/hook',
  'https://hidden.onion/hook',
  'https://lms.test/hook',
  'https://lms.example/hook',
  'https://lms.invalid/hook',
  'https://nas.lan/hook',
  'https://wiki.corp/hook',
];

const acceptedTargets = [
  'https://lms.example.edu/hook',
  'https://hooks.acme.github.io/hook',
  'https://8.8.8.8/hook',
  'https://[2606:4700:4700::1111]/hook',
  // Public IPv4 behind a mapping or a translator is that public address.
  'https://[::ffff:8.8.8.8]/hook',
  'https://[64:ff9b::808:808]/hook',
  'https://[2002:808:808::1]/hook',
  // The neighbours of special-purpose ranges are public.
  'https://9.255.255.255/hook',
  'https://100.128.0.1/hook',
  'https://172.32.0.1/hook',
  'https://198.20.0.1/hook',
  'https://223.255.255.254/hook',
];

describe('partner webhook targets: registration', () => {
  let h: Harness;
  let local: Harness;
  let sk: Record<string, string>;
  let localSk: Record<string, string>;
  beforeAll(async () => {
    h = await startHarness();
    local = await startHarness({ config: { webhooksAllowLoopback: true } });
    sk = bearer((await createLicense(h.services)).secretKey);
    localSk = bearer((await createLicense(local.services)).secretKey);
  });
  afterAll(async () => {
    await h.close();
    await local.close();
  });

  const register = (harness: Harness, key: Record<string, string>, url: string) =>
    harness.fetch('/v1/webhooks/endpoints', jsonInit('POST', { url }, key));

  it.each(refusedTargets)('refuses %s', async (url) => {
    const problem = await expectProblem(await register(h, sk, url), 'validation_failed');
    expect(problem.errors).toEqual([{ path: 'body.url', message: expect.any(String) }]);
    const message = problem.errors?.[0]?.message ?? '';
    expect(message).toMatch(/^The URL must (not name|name a public host|use https)/);
  });

  it.each(acceptedTargets)('accepts %s', async (url) => {
    expect((await register(h, sk, url)).status).toBe(201);
  });

  it('refuses plain http to anything but loopback, and loopback unless allowed', async () => {
    for (const url of ['http://lms.example.edu/hook', 'http://8.8.8.8/hook']) {
      await expectProblem(await register(h, sk, url), 'validation_failed');
      await expectProblem(await register(local, localSk, url), 'validation_failed');
    }
  });

  it.each([
    'http://127.0.0.1:8787/hook',
    'https://127.0.0.2/hook',
    'http://localhost:8787/hook',
    'http://LOCALHOST.:8787/hook',
    'http://app.localhost:8787/hook',
    'http://[::1]:8787/hook',
    'http://[::ffff:127.0.0.1]:8787/hook',
    'http://2130706433:8787/hook',
  ])('accepts loopback %s with WEBHOOKS_ALLOW_LOOPBACK', async (url) => {
    expect((await register(local, localSk, url)).status).toBe(201);
  });

  it.each([
    'https://10.0.0.7/hook',
    'https://169.254.169.254/latest',
    'https://[::ffff:10.0.0.1]/hook',
    'https://[64:ff9b::a9fe:a9fe]/hook',
    'https://[fd00:ec2::254]/hook',
    'https://0.0.0.0/hook',
    'https://metadata.google.internal/computeMetadata/v1/',
  ])('still refuses %s with WEBHOOKS_ALLOW_LOOPBACK', async (url) => {
    await expectProblem(await register(local, localSk, url), 'validation_failed');
  });

  it('checks a changed URL as a new one', async () => {
    const created = await register(h, sk, 'https://lms.example.edu/hook');
    const { endpoint } = (await created.json()) as { endpoint: { id: string } };
    const changed = await h.fetch(
      `/v1/webhooks/endpoints/${endpoint.id}`,
      jsonInit('PATCH', { url: 'https://[::ffff:127.0.0.1]/hook' }, sk),
    );
    await expectProblem(changed, 'validation_failed');
  });
});

describe('WEBHOOKS_ALLOW_LOOPBACK', () => {
  it.each(['development', 'production', 'test'] as const)('is off by default in %s', (mode) => {
    expect(loadEnv({ NODE_ENV: mode }).webhooksAllowLoopback).toBe(false);
  });

  it('is on only when set', () => {
    expect(loadEnv({ WEBHOOKS_ALLOW_LOOPBACK: 'true' }).webhooksAllowLoopback).toBe(true);
    expect(loadEnv({ WEBHOOKS_ALLOW_LOOPBACK: 'false' }).webhooksAllowLoopback).toBe(false);
    expect(() => loadEnv({ WEBHOOKS_ALLOW_LOOPBACK: 'sometimes' })).toThrow(
      /WEBHOOKS_ALLOW_LOOPBACK/,
    );
  });
});

describe('partner webhook targets: delivery', () => {
  let h: Harness;
  let receiver: Receiver;
  let licenseId: string;
  let port: number;
  beforeAll(async () => {
    h = await startHarness();
    receiver = await startReceiver();
    port = Number(new URL(receiver.url).port);
    licenseId = (await createLicense(h.services)).license.id;
  });
  afterAll(async () => {
    await receiver.close();
    await h.close();
  });
  beforeEach(async () => {
    receiver.received.length = 0;
    receiver.answers.length = 0;
    await disableEndpoints();
  });

  async function disableEndpoints() {
    await h.store.write(async (tx) => {
      await tx.update(webhookEndpoints).set({ status: 'disabled' });
    });
  }

  /**
   * An active endpoint at `url` with one event queued for it. The URL is written as a release
   * that did not check it would have stored it, so delivery has to check it again.
   */
  async function endpointAt(url: string): Promise<string> {
    const { endpoint } = await h.services.webhooks.endpoints.create(licenseId, {
      url: 'https://lms.example.edu/hook',
      eventTypes: [],
    });
    await h.store.write(async (tx) => {
      await tx.update(webhookEndpoints).set({ url }).where(eq(webhookEndpoints.id, endpoint.id));
    });
    await h.services.store.write(async (tx) => {
      await enqueueEvents(
        tx,
        [{ licenseId, type: 'usage.warning', payload: { metric: 'api_requests' } }],
        h.clock.now(),
      );
    });
    return endpoint.id;
  }

  async function deliveryOf(endpointId: string) {
    return first(
      await h.store.db
        .select({
          status: webhookDeliveries.status,
          attempts: webhookDeliveries.attempts,
          lastError: webhookDeliveries.lastError,
          lastStatusCode: webhookDeliveries.lastStatusCode,
          nextAttemptAt: webhookDeliveries.nextAttemptAt,
        })
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.endpointId, endpointId)),
    );
  }

  it.each([
    ['a loopback literal', (p: number) => `http://127.0.0.1:${p}/hooks`],
    ['a disguised loopback literal', (p: number) => `http://2130706433:${p}/hooks`],
    ['a mapped loopback literal', (p: number) => `http://[::ffff:127.0.0.1]:${p}/hooks`],
    ['localhost, resolved', (p: number) => `http://localhost:${p}/hooks`],
  ])('refuses %s for good, recording only "address not allowed"', async (_, target) => {
    const id = await endpointAt(target(port));
    const worker = testWorker(h, { allowLoopback: false });
    expect(await worker.runOnce()).toMatchObject({ queued: 1, succeeded: 0, failed: 1 });
    expect(receiver.received).toHaveLength(0);
    expect(await deliveryOf(id)).toEqual({
      status: 'failed',
      attempts: 1,
      lastError: 'address not allowed',
      lastStatusCode: null,
      nextAttemptAt: null,
    });
    // Not retried: later rounds send nothing.
    h.clock.advance(24 * 3600_000);
    expect(await worker.runOnce()).toMatchObject({ succeeded: 0, retrying: 0, failed: 0 });
    expect(receiver.received).toHaveLength(0);
  });

  it('refuses a name if any of its addresses is not allowed, and says no more', async () => {
    for (const addresses of [['93.184.215.14', '127.0.0.1'], ['10.0.0.5'], ['fd00:ec2::254']]) {
      const id = await endpointAt('https://partner.example.com/hooks');
      const asked: string[] = [];
      const worker = testWorker(h, {
        allowLoopback: false,
        resolve: (hostname) => {
          asked.push(hostname);
          return Promise.resolve(
            addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
          );
        },
      });
      expect(await worker.runOnce()).toMatchObject({ failed: 1 });
      expect(asked).toEqual(['partner.example.com']);
      const delivery = await deliveryOf(id);
      expect(delivery).toMatchObject({ status: 'failed', lastError: 'address not allowed' });
      const log = JSON.stringify(await h.store.db.select().from(webhookAttempts));
      for (const address of addresses) expect(log).not.toContain(address);
      await disableEndpoints();
    }
  });

  it('connects to the address it checked, so a second answer cannot rebind the name', async () => {
    const id = await endpointAt(`http://hooks.localhost:${port}/hooks`);
    const answers = ['127.0.0.1', '10.0.0.9'];
    let asked = 0;
    const worker = testWorker(h, {
      allowLoopback: true,
      resolve: () => {
        const address = answers[Math.min(asked++, answers.length - 1)]!;
        return Promise.resolve([{ address, family: 4 }]);
      },
    });
    expect(await worker.runOnce()).toMatchObject({ succeeded: 1 });
    expect(asked).toBe(1);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.headers.host).toBe(`hooks.localhost:${port}`);
    expect(await deliveryOf(id)).toMatchObject({ status: 'succeeded', lastStatusCode: 200 });
  });

  it('times out a silent endpoint, and cuts a request short when the worker stops', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port: other } = silent.address() as AddressInfo;
      const worker = (timeoutMs: number, scheduler = new ManualScheduler()) =>
        new WebhookWorker({
          store: h.services.store,
          clock: h.clock,
          secrets: h.services.licenses.secrets,
          logger: createLogger('silent'),
          allowLoopback: true,
          scheduler,
          policy: { timeoutMs },
        });
      const timedOut = await endpointAt(`http://127.0.0.1:${other}/hooks`);
      expect(await worker(100).runOnce()).toMatchObject({ retrying: 1 });
      expect(await deliveryOf(timedOut)).toMatchObject({
        status: 'pending',
        lastError: 'timed out after 100 ms',
      });

      await disableEndpoints();
      const cut = await endpointAt(`http://127.0.0.1:${other}/hooks`);
      const scheduler = new ManualScheduler();
      const running = worker(60_000, scheduler);
      running.start();
      scheduler.fire();
      while ((await deliveryOf(cut)) === undefined) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      await running.stop();
      expect(await deliveryOf(cut)).toMatchObject({
        status: 'pending',
        lastError: 'interrupted: the server was shutting down',
      });
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('does not follow redirects', async () => {
    const redirecting = createServer((_, res) =>
      res.writeHead(307, { location: receiver.url }).end(),
    );
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    try {
      const { port: other } = redirecting.address() as AddressInfo;
      const id = await endpointAt(`http://127.0.0.1:${other}/hooks`);
      const worker = testWorker(h, { allowLoopback: true });
      expect(await worker.runOnce()).toMatchObject({ retrying: 1 });
      expect(receiver.received).toHaveLength(0);
      expect(await deliveryOf(id)).toMatchObject({ status: 'pending', lastStatusCode: 307 });
    } finally {
      redirecting.closeAllConnections();
      await new Promise<void>((resolve) => redirecting.close(() => resolve()));
    }
  });
});
