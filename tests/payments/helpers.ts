import Stripe from 'stripe';
import { createLogger } from '../../server/logger.js';
import { SecretBox } from '../../server/modules/licenses/secrets.js';
import { createServices, type AppConfig, type Services } from '../../server/services.js';
import path from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import { openStore, rows } from '../../server/db/store.js';
import { dumpStore as dumpAll } from '../fixtures/dump-store.js';
import { startStripeApp, type StripeApp } from '../fixtures/stripe-app.js';
import {
  createLicense,
  jsonInit,
  learnerHeaders,
  SECRETS_KEY,
  signToken,
} from '../fixtures/harness.js';

export const STRIPE_KEY = 'sk_test_paymentsSuite';
export const WEBHOOK_SECRET = 'whsec_paymentsSuiteSecret';

/**
 * Lets a test lose Stripe's answer to a request that Stripe did carry out, the way a network
 * drop after the write does.
 */
export class DroppingHttpClient extends Stripe.HttpClient {
  readonly #inner = Stripe.createNodeHttpClient();
  /** Answers still to lose, for POSTs whose path starts with `dropPath`. */
  drop = 0;
  dropPath = '/v1/payment_intents';
  /**
   * When set, `<method> <path>` as each request is sent and `answered <method> <path>` as its
   * answer arrives, in order.
   */
  log: string[] | null = null;

  override getClientName(): string {
    return 'dropping';
  }

  override async makeRequest(
    ...args: Parameters<ReturnType<typeof Stripe.createNodeHttpClient>['makeRequest']>
  ) {
    const [, , requestPath, method] = args;
    this.log?.push(`${method} ${requestPath}`);
    const response = await this.#inner.makeRequest(...args);
    this.log?.push(`answered ${method} ${requestPath}`);
    if (this.drop > 0 && method === 'POST' && requestPath.startsWith(this.dropPath)) {
      this.drop -= 1;
      await response.toJSON();
      throw new Error('socket hang up');
    }
    return response;
  }
}

export interface PaymentsHarness extends StripeApp {
  http: DroppingHttpClient;
}

/** The real application and the emulator, the emulator posting webhooks to the application. */
export async function startPayments(config: Partial<AppConfig> = {}): Promise<PaymentsHarness> {
  const http = new DroppingHttpClient();
  const app = await startStripeApp({
    name: 'payments',
    stripeKey: STRIPE_KEY,
    webhookSecret: WEBHOOK_SECRET,
    httpClient: http,
    config,
  });
  // Assigned, not spread: a spread would read the SQLite-only `database` getter.
  return Object.assign(app, { http });
}

export const ACME_ORIGIN = 'https://portal.acme.test';

/** A license and a signed-in learner's headers for it. */
export async function learnerOf(
  h: PaymentsHarness,
  input: { name?: string; origins?: string[]; sub?: string } = {},
) {
  const created = await createLicense(h.services, {
    name: input.name ?? 'Acme University',
    origins: input.origins ?? [ACME_ORIGIN],
  });
  const token = await signToken(created.signingSecret!, created.license.id, h.clock, {
    sub: input.sub ?? 'ada',
  });
  const origin = (input.origins ?? [ACME_ORIGIN])[0];
  return {
    license: created.license,
    signingSecret: created.signingSecret!,
    headers: learnerHeaders(created.license.publishableKey, token, origin),
  };
}

export function checkout(h: PaymentsHarness, headers: Record<string, string>, body: unknown) {
  return h.fetch('/v1/checkout/sessions', jsonInit('POST', body, headers));
}

/** Posts a body to the webhook endpoint with a signature made the way Stripe makes it. */
export function postSigned(
  h: PaymentsHarness,
  payload: string,
  options: { secret?: string; timestamp?: number; signature?: string | null } = {},
) {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  const signature =
    options.signature === undefined
      ? h.stripe.webhooks.generateTestHeaderString({
          payload,
          secret: options.secret ?? WEBHOOK_SECRET,
          timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
        })
      : options.signature;
  if (signature !== null) headers['Stripe-Signature'] = signature;
  return h.fetch('/v1/webhooks/stripe', { method: 'POST', headers, body: payload });
}

export function paymentRows(h: PaymentsHarness) {
  return rows<{
    id: string;
    license_id: string;
    learner_id: string;
    status: string;
    amount: number;
    currency: string;
    amount_refunded: number;
    payment_intent_id: string | null;
    failure_code: string | null;
  }>(h.store.db, sql`select * from payments order by created_at`);
}

export function eventRows(h: PaymentsHarness) {
  return rows<{ id: string; type: string }>(h.store.db, sql`select * from stripe_events`);
}

/** What a test product's hooks were told, in order. */
export interface ProductCalls {
  succeeded: { paymentId: string; amount: number }[];
  refunded: { paymentId: string; amount: number; totalRefunded: number; full: boolean }[];
}

/**
 * Sells fixed test courses through the `course` kind, so the payments tests do not depend on
 * the marketplace's catalog, and records what the hooks are told.
 */
export function sellTestCourses(
  h: PaymentsHarness,
  prices: Record<string, number> = { algebra: 4_900, poetry: 2_500, chess: 1_000 },
): ProductCalls {
  const calls: ProductCalls = { succeeded: [], refunded: [] };
  h.services.payments.registerProduct('course', {
    price(_learner, request) {
      const amount = prices[request.courseId];
      if (amount === undefined) throw new Error(`no test course ${request.courseId}`);
      return Promise.resolve({
        kind: 'course',
        item: request.courseId,
        amount,
        currency: 'USD',
        description: `Course: ${request.courseId}`,
      });
    },
    succeeded(_tx, payment) {
      calls.succeeded.push({ paymentId: payment.id, amount: payment.amount });
      return Promise.resolve();
    },
    refunded(_tx, payment, refund) {
      calls.refunded.push({ paymentId: payment.id, ...refund });
      return Promise.resolve();
    },
  });
  return calls;
}

/** Checks out a test course and pays for it with a card that succeeds; returns the intent id. */
export async function buyCourse(
  h: PaymentsHarness,
  headers: Record<string, string>,
  courseId = 'algebra',
): Promise<string> {
  const response = await checkout(h, headers, { kind: 'course', courseId });
  if (response.status !== 200)
    throw new Error(`checkout: ${response.status} ${await response.text()}`);
  const { paymentIntentId } = (await response.json()) as { paymentIntentId: string };
  await h.stripe.paymentIntents.confirm(paymentIntentId, { payment_method: 'pm_card_visa' });
  return paymentIntentId;
}

/** Stops Stripe's deliveries to the server, so the test decides what reaches it and when. */
export function holdDeliveries(h: PaymentsHarness): void {
  h.emulator.webhooks.removeEndpoint(`${h.url}/v1/webhooks/stripe`);
}

export function resumeDeliveries(h: PaymentsHarness): void {
  h.emulator.webhooks.addEndpoint({ url: `${h.url}/v1/webhooks/stripe`, secret: WEBHOOK_SECRET });
}

/** Stripe's events about one object (of one type if given), oldest first, as Stripe posts them. */
export async function eventsAbout(
  h: PaymentsHarness,
  objectId: string,
  type?: string,
): Promise<Stripe.Event[]> {
  const ids = h.emulator
    .events()
    .filter((e) => e.objectId === objectId && (type === undefined || e.type === type))
    .map((e) => e.id);
  return Promise.all(ids.map((id) => h.stripe.events.retrieve(id)));
}

/** An event as one webhook delivery: the body and its `Stripe-Signature`. */
export function delivery(h: PaymentsHarness, event: Stripe.Event): [string, string] {
  const payload = JSON.stringify(event, null, 2);
  const signature = h.stripe.webhooks.generateTestHeaderString({
    payload,
    secret: WEBHOOK_SECRET,
  });
  return [payload, signature];
}

/**
 * A second server process on the same database, Stripe and clock: its own services, so its
 * own in-process locks. Call `close()` on it at the end.
 */
export async function secondProcess(h: PaymentsHarness): Promise<Services> {
  const store = await openStore({ url: h.storeUrl, file: path.join(h.dir, 'liberation.db') });
  const services = createServices({
    config: h.services.config,
    store,
    logger: createLogger('silent'),
    clock: h.clock,
    secrets: new SecretBox(SECRETS_KEY),
    stripe: h.stripe,
  });
  return {
    ...services,
    close: async () => {
      await services.close();
      await store.close();
    },
  };
}

/**
 * The rows of every table of the harness's store, on either dialect, to show a refused request
 * changed nothing. Each table's rows are sorted, so a scan order of PostgreSQL's cannot differ.
 */
export function dumpStore(h: PaymentsHarness): Promise<Record<string, unknown[]>> {
  return dumpAll(h.store);
}

/**
 * Orders rows of one table as they were inserted, after `created_at` (the test clock stands
 * still, so many rows share one): SQLite's rowid, or PostgreSQL's inserting transaction. Only
 * for rows nothing updates since (an update gives a PostgreSQL row a new `xmin`).
 */
export function insertionOrder(h: PaymentsHarness): SQL {
  return h.store.dialect === 'sqlite' ? sql`rowid` : sql`xmin::text::bigint`;
}
