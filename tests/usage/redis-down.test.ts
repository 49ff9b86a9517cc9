/**
 * Redis down in a cluster: the shared rate limits and usage counts cannot be checked. Reads go
 * on uncounted, with a warning in the log; writes (which may move money or tokens) answer 503
 * `service_unavailable` with `Retry-After` and change nothing. When Redis is back, both work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createLicense, startHarness, type Harness } from '../fixtures/harness.js';
import { redisUrl } from '../fixtures/redis.js';

const ORIGIN = 'https://portal.acme.test';

describe.skipIf(!redisUrl)('with Redis unreachable', () => {
  let h: Harness;
  let acme: Awaited<ReturnType<typeof createLicense>>;

  beforeAll(async () => {
    h = await startHarness();
    acme = await createLicense(h.services, { plan: 'pro' });
  });
  afterAll(async () => {
    if (h.services.redis?.status !== 'ready') await h.services.redis?.connect();
    await h.close();
  });

  const read = () =>
    h.fetch('/v1/embed/config', {
      headers: { 'Liberation-Key': acme.license.publishableKey, Origin: ORIGIN },
    });
  const write = () =>
    h.fetch('/v1/rewards/grants', {
      method: 'POST',
      headers: {
        ...bearer(acme.secretKey),
        'Content-Type': 'application/json',
        'Idempotency-Key': `grant-${Date.now()}`,
      },
      body: JSON.stringify({ learnerId: 'ada', amount: 10, reason: 'welcome' }),
    });

  it('answers reads uncounted and refuses writes with 503 and Retry-After', async () => {
    expect((await read()).status).toBe(200);
    h.services.redis!.disconnect();

    const answered = await read();
    expect(answered.status).toBe(200);

    const refused = await write();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(((await refused.json()) as { code: string }).code).toBe('service_unavailable');
    expect(await h.services.rewards.ledger.balance(acme.license.id, 'ada')).toBe(0);

    await h.services.redis!.connect();
    expect((await write()).status).toBe(201);
    expect(await h.services.rewards.ledger.balance(acme.license.id, 'ada')).toBe(10);
  });
});
