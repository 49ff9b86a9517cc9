import type { AnswerDelayRule, DelayedAnswers } from './core/answer-delays.js';
import { systemClock, type Clock } from './core/clock.js';
import { invalidRequest, missingParam } from './core/errors.js';
import type { JsonObject } from './core/json.js';
import { Router, type ApiRequest } from './core/router.js';
import { EmulatorContext } from './context.js';
import type {
  AdvanceOptions,
  AdvanceReport,
  BillingSettings,
  RenewalOutcome,
} from './resources/billing.js';
import type { EmulatorEvent } from './resources/events.js';
import { EmulatorServer } from './server.js';
import type {
  DeliveryAttempt,
  DeliveryChaos,
  DeliverySettings,
  WebhookEndpointConfig,
} from './webhooks/delivery.js';

export interface StripeEmulatorOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; the emulator is for this machine only. Default 127.0.0.1. */
  host?: string;
  /** Endpoints that receive signed events. More can be added while running. */
  webhooks?: readonly WebhookEndpointConfig[];
  /** Source of "now" for object timestamps and billing; tests pass a fixed clock. */
  clock?: Clock;
  delivery?: DeliverySettings;
  billing?: BillingSettings;
  /** Accept only these secret keys; any `sk_test_…` otherwise. */
  apiKeys?: readonly string[];
  /** Receives diagnostic lines (unexpected errors). Silent by default. */
  log?: (line: string) => void;
}

export interface StripeEmulatorWebhooks {
  addEndpoint(config: WebhookEndpointConfig): string;
  removeEndpoint(idOrUrl: string): void;
  /** Turns the duplicate / delay / reorder switches on or off. */
  configure(chaos: DeliveryChaos): void;
  /** Resolves when every delivery so far has succeeded or exhausted its retries. */
  settled(timeoutMs?: number): Promise<void>;
  attempts(): readonly DeliveryAttempt[];
}

export interface StripeEmulator {
  /** Starts listening; resolves to the base URL, e.g. `http://127.0.0.1:41234`. */
  start(): Promise<string>;
  /** Stops listening, aborts deliveries in flight and clears timers. */
  stop(): Promise<void>;
  /** Base URL; only valid after `start()`. */
  readonly url: string;
  /** The stand-in Stripe.js script to load before `@stripe/stripe-js`. */
  readonly stripeJsUrl: string;
  /** `host`/`port`/`protocol` for `new Stripe(key, { … })`. */
  readonly sdkConfig: { host: string; port: number; protocol: 'http' };
  /** The emulator's current time (the clock plus any advance). */
  now(): Date;
  /** Moves time forward, running renewals, retries, trial ends and cancellations due. */
  advanceTime(options: AdvanceOptions): AdvanceReport;
  /** Completes or fails the 3D Secure challenge of a PaymentIntent or SetupIntent. */
  authenticate(intentId: string, outcome: 'complete' | 'fail'): void;
  /**
   * Holds the answers to matching API requests after they were carried out, for `ms` or
   * until `release()`: a read served early that reaches the client late.
   */
  delayAnswers(rule: AnswerDelayRule): DelayedAnswers;
  readonly webhooks: StripeEmulatorWebhooks;
  /** Every event recorded so far, oldest first. */
  events(): EmulatorEvent[];
  /** Forgets all objects, events and idempotency keys (endpoints and settings stay). */
  reset(): void;
}

const RENEWAL_OUTCOMES: readonly RenewalOutcome[] = [
  'succeed',
  'decline',
  'insufficient_funds',
  'authentication_required',
];

export function createStripeEmulator(options: StripeEmulatorOptions = {}): StripeEmulator {
  const host = options.host ?? '127.0.0.1';
  const ctx = new EmulatorContext({
    clock: options.clock ?? systemClock,
    delivery: options.delivery ?? {},
    billing: options.billing ?? {},
  });
  for (const endpoint of options.webhooks ?? []) ctx.webhooks.addEndpoint(endpoint);

  const router = new Router();
  ctx.events.routes(router);
  ctx.customers.routes(router);
  ctx.catalog.routes(router);
  ctx.paymentMethods.routes(router);
  ctx.paymentIntents.routes(router);
  ctx.setupIntents.routes(router);
  ctx.refunds.routes(router);
  ctx.billing.routes(router);
  ctx.balance.routes(router);

  const authenticate = (
    intentId: string,
    outcome: 'complete' | 'fail',
    clientSecret?: string,
  ): JsonObject => {
    const view = { apiVersion: '', legacy: false, publishable: clientSecret !== undefined };
    if (intentId.startsWith('seti_')) {
      const si = ctx.setupIntents.require(intentId);
      if (clientSecret !== undefined && clientSecret !== si.clientSecret) {
        throw invalidRequest('The client_secret provided does not match the SetupIntent.', {
          param: 'client_secret',
        });
      }
      ctx.setupIntents.authenticate(si, outcome === 'complete');
      return ctx.setupIntents.serialize(si, view);
    }
    const pi = ctx.paymentIntents.require(intentId);
    if (clientSecret !== undefined && clientSecret !== pi.clientSecret) {
      throw invalidRequest('The client_secret provided does not match the PaymentIntent.', {
        param: 'client_secret',
      });
    }
    ctx.paymentIntents.authenticate(pi, outcome === 'complete');
    return ctx.paymentIntents.serialize(pi, view);
  };

  const authenticateRoute = (req: ApiRequest) => {
    const p = req.params.allowOnly(['outcome', 'client_secret']);
    const outcome = p.enumOf('outcome', ['complete', 'fail'] as const);
    if (!outcome) throw missingParam('outcome');
    const secret = req.caller.kind === 'secret' ? undefined : p.requiredString('client_secret');
    return { body: authenticate(req.pathParams.id ?? '', outcome, secret) };
  };
  router.post('/_emulator/v1/payment_intents/:id/authenticate', authenticateRoute, 'public');
  router.post('/_emulator/v1/setup_intents/:id/authenticate', authenticateRoute, 'public');

  router.post('/_emulator/v1/advance', (req) => {
    const p = req.params.allowOnly(['seconds', 'days', 'to', 'invoice_payments']);
    const to = p.int('to', { min: 0 });
    const options = {
      seconds: p.int('seconds', { min: 0 }),
      days: p.int('days', { min: 0 }),
      to: to === undefined ? undefined : new Date(to * 1000),
      invoicePayments: p.enumOf('invoice_payments', RENEWAL_OUTCOMES),
    };
    const report = ctx.withoutRequest(() => ctx.billing.advance(options));
    return {
      body: {
        object: 'emulator.advance',
        from: Math.floor(report.from.getTime() / 1000),
        to: Math.floor(report.to.getTime() / 1000),
        actions: report.actions,
      },
    };
  });
  router.get('/_emulator/v1/clock', () => ({ body: { object: 'emulator.clock', now: ctx.now() } }));
  router.post('/_emulator/v1/webhook_endpoints', (req) => {
    const p = req.params.allowOnly(['url', 'secret', 'enabled_events', 'api_version']);
    const id = ctx.webhooks.addEndpoint({
      url: p.requiredString('url'),
      secret: p.requiredString('secret'),
      enabledEvents: p.stringList('enabled_events'),
      apiVersion: p.string('api_version'),
    });
    return { body: { id, object: 'emulator.webhook_endpoint' } };
  });
  router.post('/_emulator/v1/webhooks/chaos', (req) => {
    const p = req.params.allowOnly([
      'duplicate',
      'delay_ms',
      'reorder',
      'reorder_window_ms',
      'seed',
      'deliveries',
    ]);
    const reorder = p.enumOf('reorder', ['off', 'reverse', 'shuffle'] as const);
    ctx.webhooks.configure({
      duplicate: p.int('duplicate', { min: 0, max: 10 }),
      delayMs: p.int('delay_ms', { min: 0, max: 60_000 }),
      reorder: reorder === undefined ? undefined : reorder === 'off' ? false : reorder,
      reorderWindowMs: p.int('reorder_window_ms', { min: 0, max: 60_000 }),
      seed: p.int('seed'),
      deliveries: p.enumOf('deliveries', ['on', 'off'] as const),
    });
    return { body: { object: 'emulator.webhook_chaos' } };
  });
  router.get('/_emulator/v1/webhooks/settled', async (req) => {
    const p = req.params.allowOnly(['timeout_ms']);
    await ctx.webhooks.settled(p.int('timeout_ms', { min: 0, max: 120_000 }));
    return { body: { object: 'emulator.webhooks_settled' } };
  });
  router.post('/_emulator/v1/answers/delay', (req) => {
    const p = req.params.allowOnly(['method', 'path', 'delay_ms', 'count']);
    const method = p.enumOf('method', ['GET', 'POST', 'DELETE'] as const);
    const ms = p.int('delay_ms', { min: 0, max: 60_000 });
    if (ms === undefined) throw missingParam('delay_ms');
    server.delays.add({
      ...(method ? { method } : {}),
      path: p.requiredString('path'),
      count: p.int('count', { min: 1, max: 1000 }) ?? 1,
      ms,
    });
    return { body: { object: 'emulator.answer_delay' } };
  });
  router.get('/_emulator/v1/webhooks/attempts', () => ({
    body: {
      object: 'list',
      data: ctx.webhooks.attempts().map((a) => ({ ...a, at: a.at.toISOString() })),
    },
  }));

  const server = new EmulatorServer(ctx, router, { apiKeys: options.apiKeys, log: options.log });
  let port: number | null = null;

  const reset = (): void => {
    ctx.events.clear();
    ctx.customers.clear();
    ctx.catalog.clear();
    ctx.paymentMethods.clear();
    ctx.paymentIntents.clear();
    ctx.setupIntents.clear();
    ctx.refunds.clear();
    ctx.billing.clear();
    ctx.balance.clear();
    ctx.webhooks.clearLog();
    server.clearIdempotency();
    server.delays.clear();
  };
  router.post('/_emulator/v1/reset', () => {
    reset();
    return { body: { object: 'emulator.reset' } };
  });

  return {
    async start() {
      if (port !== null) return ctx.baseUrl;
      port = await server.listen(options.port ?? 0, host);
      ctx.baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      ctx.webhooks.resume();
      return ctx.baseUrl;
    },
    async stop() {
      ctx.webhooks.stop();
      if (port === null) return;
      port = null;
      await server.close();
    },
    get url() {
      if (port === null) throw new Error('The Stripe emulator is not running; call start() first.');
      return ctx.baseUrl;
    },
    get stripeJsUrl() {
      if (port === null) throw new Error('The Stripe emulator is not running; call start() first.');
      return `${ctx.baseUrl}/v3/`;
    },
    get sdkConfig() {
      if (port === null) throw new Error('The Stripe emulator is not running; call start() first.');
      return { host, port, protocol: 'http' as const };
    },
    now: () => ctx.clock.now(),
    advanceTime: (advance) => ctx.billing.advance(advance),
    authenticate: (intentId, outcome) => {
      authenticate(intentId, outcome);
    },
    delayAnswers: (rule) => server.delays.add(rule),
    webhooks: {
      addEndpoint: (config) => ctx.webhooks.addEndpoint(config),
      removeEndpoint: (idOrUrl) => ctx.webhooks.removeEndpoint(idOrUrl),
      configure: (chaos) => ctx.webhooks.configure(chaos),
      settled: (timeoutMs) => ctx.webhooks.settled(timeoutMs),
      attempts: () => ctx.webhooks.attempts(),
    },
    events: () => ctx.events.summaries(),
    reset,
  };
}
