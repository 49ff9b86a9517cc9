import { and, asc, eq, isNull, lte, ne, notInArray } from 'drizzle-orm';
import type { LookupFunction } from 'node:net';
import type { Logger } from 'pino';
import { first, type Store } from '../../db/store.js';
import { generateId } from '../../lib/ids.js';
import type { Clock } from '../../services.js';
import type { SecretBox } from '../licenses/secrets.js';
import { outboxEvents } from '../outbox/schema.js';
import {
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
} from './schema.js';
import { endpointUrlProblem } from './addresses.js';
import { endpointSecretContext, webhookHeaders } from './signing.js';
import {
  AddressNotAllowed,
  postWebhook,
  systemResolve,
  vettedLookup,
  type Resolve,
} from './transport.js';

/** Timers, handed in so tests decide when the worker wakes. */
export interface Scheduler {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemScheduler: Scheduler = {
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface DeliveryPolicy {
  /** Attempts before a delivery is given up (`failed`); a replay grants as many again. */
  maxAttempts: number;
  /** The wait after the first failure; it doubles after each further one, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
  /** Deliveries sent per round. */
  batchSize: number;
  /** How often the worker looks for work. */
  pollIntervalMs: number;
}

export const defaultDeliveryPolicy: DeliveryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 30_000,
  maxDelayMs: 6 * 60 * 60_000,
  timeoutMs: 10_000,
  batchSize: 50,
  pollIntervalMs: 1_000,
};

export interface WorkerOptions {
  store: Store;
  clock: Clock;
  secrets: SecretBox;
  logger: Logger;
  /** Whether endpoints may be on loopback (`WEBHOOKS_ALLOW_LOOPBACK`); never by default. */
  allowLoopback?: boolean;
  /** How an endpoint's name is resolved before each attempt; `dns.lookup` by default. */
  resolve?: Resolve;
  random?: () => number;
  scheduler?: Scheduler;
  policy?: Partial<DeliveryPolicy>;
}

export interface RoundResult {
  /** Deliveries queued from new outbox events. */
  queued: number;
  succeeded: number;
  retrying: number;
  failed: number;
}

function matches(filter: string[], type: string): boolean {
  if (filter.length === 0) return true;
  return filter.some((f) => f === type || (f.endsWith('.*') && type.startsWith(f.slice(0, -1))));
}

/**
 * The delivery worker: hands the events queued in the outbox to the endpoints that want them,
 * signs each delivery (Standard Webhooks), retries with exponential backoff and jitter, and
 * logs every attempt. Nothing is sent until {@link WebhookWorker.start} (or a test's
 * {@link WebhookWorker.runOnce}).
 */
export class WebhookWorker {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #secrets: SecretBox;
  readonly #logger: Logger;
  readonly #allowLoopback: boolean;
  readonly #lookup: LookupFunction;
  readonly #random: () => number;
  readonly #scheduler: Scheduler;
  readonly policy: DeliveryPolicy;
  #running = false;
  #timer: unknown;
  #round: Promise<unknown> | undefined;
  /**
   * Deliveries claimed by a pass of this worker whose attempt is not recorded yet. A pass never
   * claims one of these, even when its lease ran out (a slow store, a clock moved on): within
   * the process, a delivery is sent by one pass at a time.
   */
  readonly #inFlight = new Set<string>();
  /** Aborts the requests in flight when the worker stops. */
  #abort = new AbortController();

  constructor(options: WorkerOptions) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#secrets = options.secrets;
    this.#logger = options.logger;
    this.#allowLoopback = options.allowLoopback ?? false;
    this.#lookup = vettedLookup(options.resolve ?? systemResolve, this.#allowLoopback);
    this.#random = options.random ?? Math.random;
    this.#scheduler = options.scheduler ?? systemScheduler;
    this.policy = { ...defaultDeliveryPolicy, ...options.policy };
  }

  /**
   * Turns outbox events not yet handed out into one delivery per matching active endpoint of
   * their license. Runs in one write (one writer at a time), so concurrent workers hand each
   * event out once.
   */
  async dispatch(): Promise<number> {
    return await this.#store.write(async (tx) => {
      const now = this.#clock.now();
      const events = await tx
        .select()
        .from(outboxEvents)
        .where(isNull(outboxEvents.deliveredAt))
        .orderBy(asc(outboxEvents.createdAt))
        .limit(500);
      let queued = 0;
      const endpoints = new Map<string, WebhookEndpointRow[]>();
      for (const event of events) {
        let mine = endpoints.get(event.licenseId);
        if (!mine) {
          mine = await tx
            .select()
            .from(webhookEndpoints)
            .where(
              and(
                eq(webhookEndpoints.licenseId, event.licenseId),
                eq(webhookEndpoints.status, 'active'),
              ),
            );
          endpoints.set(event.licenseId, mine);
        }
        for (const endpoint of mine) {
          if (!matches(endpoint.eventTypes, event.type)) continue;
          const inserted = await tx
            .insert(webhookDeliveries)
            .values({
              id: generateId('wdl'),
              licenseId: event.licenseId,
              endpointId: endpoint.id,
              eventId: event.id,
              eventType: event.type,
              status: 'pending',
              nextAttemptAt: now,
              createdAt: now,
              updatedAt: now,
            })
            .onConflictDoNothing()
            .returning({ id: webhookDeliveries.id });
          queued += inserted.length;
        }
        await tx
          .update(outboxEvents)
          .set({ deliveredAt: now })
          .where(eq(outboxEvents.id, event.id));
      }
      return queued;
    });
  }

  /** The wait before attempt `attempts + 1`: doubling from the base, capped, half of it random. */
  backoff(attempts: number): number {
    const ceiling = Math.min(
      this.policy.maxDelayMs,
      this.policy.baseDelayMs * 2 ** Math.max(0, attempts - 1),
    );
    return Math.round(ceiling / 2 + (this.#random() * ceiling) / 2);
  }

  /** Sends the deliveries that are due, each once, and records how it went. */
  async deliverDue(): Promise<Omit<RoundResult, 'queued'>> {
    const result = { succeeded: 0, retrying: 0, failed: 0 };
    // Claimed with a lease first, so another worker on the same database skips them. The read
    // and the lease are one write: two passes never claim the same delivery.
    const claiming: string[] = [];
    let claimed: WebhookDeliveryRow[];
    try {
      claimed = await this.#store.write(async (tx) => {
        const now = this.#clock.now();
        const inFlight = [...this.#inFlight];
        const due = await tx
          .select()
          .from(webhookDeliveries)
          .where(
            and(
              eq(webhookDeliveries.status, 'pending'),
              lte(webhookDeliveries.nextAttemptAt, now),
              inFlight.length ? notInArray(webhookDeliveries.id, inFlight) : undefined,
            ),
          )
          .orderBy(asc(webhookDeliveries.nextAttemptAt))
          .limit(this.policy.batchSize);
        const lease = new Date(now.getTime() + this.policy.timeoutMs * 2);
        for (const d of due) {
          await tx
            .update(webhookDeliveries)
            .set({ nextAttemptAt: lease })
            .where(eq(webhookDeliveries.id, d.id));
        }
        // Marked before the write commits, so no other pass can slip in between; taken back
        // below if it does not commit.
        for (const d of due) {
          this.#inFlight.add(d.id);
          claiming.push(d.id);
        }
        return due;
      });
    } catch (error) {
      for (const id of claiming) this.#inFlight.delete(id);
      throw error;
    }
    await Promise.all(
      claimed.map(async (delivery) => {
        try {
          const outcome = await this.#attempt(delivery);
          result[outcome] += 1;
        } finally {
          this.#inFlight.delete(delivery.id);
        }
      }),
    );
    return result;
  }

  async #attempt(delivery: WebhookDeliveryRow): Promise<'succeeded' | 'retrying' | 'failed'> {
    const endpoint = first(
      await this.#store.db
        .select()
        .from(webhookEndpoints)
        .where(eq(webhookEndpoints.id, delivery.endpointId))
        .limit(1),
    );
    const event = first(
      await this.#store.db
        .select()
        .from(outboxEvents)
        .where(eq(outboxEvents.id, delivery.eventId))
        .limit(1),
    );
    const startedAt = this.#clock.now();
    // The duration is measured, not told: a monotonic timer, whatever the clock says.
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    // A target that is not allowed stays so until the partner changes it: no retries.
    let refused = false;
    if (!endpoint || !event || endpoint.status !== 'active') {
      error = !endpoint || !event ? 'the endpoint or event no longer exists' : 'endpoint disabled';
    } else {
      // A PartnerEvent (contract.ts): the producers queued `payload` as its type declares.
      const body = JSON.stringify({
        type: event.type,
        timestamp: event.createdAt.toISOString(),
        data: event.payload,
      });
      const timeout = AbortSignal.timeout(this.policy.timeoutMs);
      try {
        // Checked again here: a URL stored by an older release, or before the operator
        // stopped allowing loopback, gets no request either.
        if (endpointUrlProblem(endpoint.url, this.#allowLoopback)) throw new AddressNotAllowed();
        const secret = this.#secrets.open(
          endpoint.sealedSecret,
          endpointSecretContext(endpoint.licenseId, endpoint.id),
        );
        const timestamp = Math.floor(startedAt.getTime() / 1000);
        statusCode = await postWebhook(new URL(endpoint.url), {
          headers: webhookHeaders(secret, event.id, timestamp, body),
          body,
          lookup: this.#lookup,
          signal: AbortSignal.any([timeout, this.#abort.signal]),
        });
        if (statusCode < 200 || statusCode > 299) error = `HTTP ${statusCode}`;
      } catch (thrown) {
        // The log says no more than this: which address a name resolved to stays inside.
        refused = thrown instanceof AddressNotAllowed;
        error = refused
          ? 'address not allowed'
          : this.#abort.signal.aborted
            ? 'interrupted: the server was shutting down'
            : timeout.aborted
              ? `timed out after ${this.policy.timeoutMs} ms`
              : (thrown as Error).message;
      }
    }
    const durationMs = Math.round(performance.now() - started);
    const ok = error === null;
    const attempts = delivery.attempts + 1;
    const now = this.#clock.now();
    const gaveUp =
      !ok && (refused || attempts >= this.policy.maxAttempts || endpoint?.status !== 'active');
    const next = ok || gaveUp ? null : new Date(now.getTime() + this.backoff(attempts));
    const status = ok ? 'succeeded' : gaveUp ? 'failed' : 'pending';
    await this.#store.write(async (tx) => {
      await tx.insert(webhookAttempts).values({
        id: generateId('wat'),
        licenseId: delivery.licenseId,
        deliveryId: delivery.id,
        startedAt,
        durationMs,
        statusCode,
        error: error?.slice(0, 500) ?? null,
        nextAttemptAt: next,
      });
      await tx
        .update(webhookDeliveries)
        .set({
          status,
          attempts,
          nextAttemptAt: next,
          lastStatusCode: statusCode,
          lastError: error?.slice(0, 500) ?? null,
          deliveredAt: ok ? now : null,
          updatedAt: now,
        })
        .where(
          and(eq(webhookDeliveries.id, delivery.id), ne(webhookDeliveries.status, 'succeeded')),
        );
    });
    if (!ok) {
      this.#logger.info(
        { deliveryId: delivery.id, endpointId: delivery.endpointId, statusCode, error, attempts },
        gaveUp ? 'webhook delivery given up' : 'webhook delivery will be retried',
      );
    }
    return ok ? 'succeeded' : gaveUp ? 'failed' : 'retrying';
  }

  /** One round: hand out new events, then send what is due. */
  async runOnce(): Promise<RoundResult> {
    const queued = await this.dispatch();
    return { queued, ...(await this.deliverDue()) };
  }

  /** Starts the worker: a round every `pollIntervalMs` until {@link stop}. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#abort = new AbortController();
    this.#schedule(0);
  }

  #schedule(ms: number): void {
    this.#timer = this.#scheduler.setTimeout(() => {
      this.#timer = undefined;
      if (!this.#running) return;
      this.#round = this.runOnce()
        .catch((error: unknown) => this.#logger.error({ err: error }, 'webhook round failed'))
        .finally(() => {
          this.#round = undefined;
          if (this.#running) this.#schedule(this.policy.pollIntervalMs);
        });
    }, ms);
  }

  /** Resolves once the round in progress, if any, has finished. */
  async settled(): Promise<void> {
    await this.#round;
  }

  get running(): boolean {
    return this.#running;
  }

  /** Stops the worker and waits for a round in progress to finish recording. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer !== undefined) this.#scheduler.clearTimeout(this.#timer);
    this.#timer = undefined;
    // What is in flight is cut short and recorded as a failed attempt, to be retried.
    this.#abort.abort(new Error('the server is shutting down'));
    await this.#round;
  }
}
