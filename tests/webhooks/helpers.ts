import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../server/logger.js';
import type { LookupAddress } from 'node:dns';
import { WebhookWorker, type Scheduler } from '../../server/modules/webhooks/worker.js';
import type { Harness } from '../fixtures/harness.js';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A partner's HTTP endpoint on 127.0.0.1 that answers with the statuses it is given, in turn. */
export interface Receiver {
  url: string;
  received: Received[];
  /** Statuses for the next requests; 200 once they run out. */
  answers: number[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const answers: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answers.shift() ?? 200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    answers,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Verifies a request as a partner following the Standard Webhooks specification would,
 * written here from the specification rather than with the server's code.
 */
export function verifyStandardWebhook(secret: string, request: Received): boolean {
  const id = request.headers['webhook-id'];
  const timestamp = request.headers['webhook-timestamp'];
  const signatures = request.headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') {
    return false;
  }
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${request.body}`).digest();
  return signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',');
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** Timers that fire only when the test says so. */
export class ManualScheduler implements Scheduler {
  readonly pending = new Map<number, { fn: () => void; ms: number }>();
  #next = 1;
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.#next++;
    this.pending.set(id, { fn, ms });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** Fires every timer set so far. */
  fire(): void {
    const due = [...this.pending.entries()];
    for (const [id, timer] of due) {
      this.pending.delete(id);
      timer.fn();
    }
  }
}

/**
 * A worker on the harness's database with the test's clock, timers and dice. It may deliver to
 * loopback unless told otherwise, since the receivers of these tests listen on 127.0.0.1.
 */
export function testWorker(
  h: Pick<Harness, 'services' | 'clock'>,
  options: {
    scheduler?: Scheduler;
    maxAttempts?: number;
    allowLoopback?: boolean;
    resolve?: (hostname: string) => Promise<LookupAddress[]>;
  } = {},
): WebhookWorker {
  return new WebhookWorker({
    store: h.services.store,
    clock: h.clock,
    secrets: h.services.licenses.secrets,
    logger: createLogger('silent'),
    random: () => 0.5,
    allowLoopback: options.allowLoopback ?? true,
    ...(options.resolve ? { resolve: options.resolve } : {}),
    scheduler: options.scheduler ?? new ManualScheduler(),
    policy: {
      baseDelayMs: 1_000,
      maxDelayMs: 60_000,
      maxAttempts: options.maxAttempts ?? 4,
      timeoutMs: 5_000,
    },
  });
}
