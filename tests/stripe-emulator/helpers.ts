import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import {
  createStripeEmulator,
  type StripeEmulator,
  type StripeEmulatorOptions,
} from '../../demo/stripe-emulator/index.js';

export const SECRET_KEY = 'sk_test_emulator123';

/** A fixed starting time so dates in assertions never depend on when the suite runs. */
export const START = new Date('2026-01-15T12:00:00Z');

export function fixedClock(start: Date = START): { now(): Date } {
  return { now: () => new Date(start) };
}

export async function startEmulator(
  options: StripeEmulatorOptions = {},
): Promise<{ emulator: StripeEmulator; stripe: Stripe }> {
  const emulator = createStripeEmulator({ clock: fixedClock(), ...options });
  await emulator.start();
  const stripe = new Stripe(SECRET_KEY, { ...emulator.sdkConfig, maxNetworkRetries: 0 });
  return { emulator, stripe };
}

export interface ReceivedWebhook {
  body: string;
  headers: IncomingHttpHeaders;
}

/** A local HTTP endpoint that records webhook posts and answers with a chosen status. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** Statuses to answer with, in order; 200 once they run out. */
  statuses: number[] = [];
  /** Milliseconds to wait before answering, in order; none once they run out. */
  delays: number[] = [];
  readonly #server: Server;
  #url = '';

  constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
        const status = this.statuses.shift() ?? 200;
        const answer = (): void => {
          if (res.destroyed) return;
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end('{"received":true}');
        };
        const delay = this.delays.shift() ?? 0;
        if (delay > 0) setTimeout(answer, delay);
        else answer();
      });
    });
  }

  get url(): string {
    return this.#url;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.#url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/webhooks/stripe`;
    return this.#url;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  events(): Stripe.Event[] {
    return this.received.map((r) => JSON.parse(r.body) as Stripe.Event);
  }
}

/** Sends a raw request the way a non-SDK client would, for wire-level assertions. */
export async function raw(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${SECRET_KEY}`,
      'content-type': 'application/x-www-form-urlencoded',
      ...options.headers,
    },
    body: options.body,
  });
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as Record<string, unknown>,
  };
}

export async function expectStripeError(
  promise: Promise<unknown>,
): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
  throw new Error('expected a Stripe error');
}
