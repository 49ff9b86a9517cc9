import { and, asc, desc, eq, gte, inArray, isNull, lte, ne } from 'drizzle-orm';
import type { Logger } from 'pino';
import { writeTransaction, type Db } from '../../db/client.js';
import { ApiError } from '../../errors.js';
import type { Clock } from '../../services.js';
import { generateId } from '../../lib/ids.js';
import type { SecretBox } from '../licenses/secrets.js';
import { outboxEvents } from '../outbox/schema.js';
import { generateEndpointSecret, webhookHeaders } from './signing.js';
import {
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
  type WebhookAttemptRow,
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
} from './schema.js';
import { iso } from '../../lib/dates.js';

/** Event types the server sends today; a filter may also name a family, e.g. `redemption.*`. */
export const webhookEventTypes = [
  'purchase.completed',
  'refund.created',
  'enrollment.created',
  'redemption.requested',
  'redemption.fulfilled',
  'redemption.rejected',
  'redemption.canceled',
  'usage.warning',
  'usage.limit_reached',
] as const;

export const EVENT_TYPE_PATTERN = /^[a-z][a-z_]*(\.[a-z][a-z_]*)*(\.\*)?$/;

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

export interface EndpointView {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  status: string;
  createdAt: string;
  updatedAt: string;
}

export interface AttemptView {
  startedAt: string;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  nextAttemptAt: string | null;
}

export interface DeliveryView {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
  log?: AttemptView[];
}

export interface EndpointInput {
  url: string;
  description?: string | null | undefined;
  eventTypes?: string[] | undefined;
}

export interface RoundResult {
  /** Deliveries queued from new outbox events. */
  queued: number;
  succeeded: number;
  retrying: number;
  failed: number;
}

function endpointView(row: WebhookEndpointRow): EndpointView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function attemptView(row: WebhookAttemptRow): AttemptView {
  return {
    startedAt: row.startedAt.toISOString(),
    durationMs: row.durationMs,
    statusCode: row.statusCode,
    error: row.error,
    nextAttemptAt: iso(row.nextAttemptAt),
  };
}

function deliveryView(row: WebhookDeliveryRow): DeliveryView {
  return {
    id: row.id,
    endpointId: row.endpointId,
    eventId: row.eventId,
    eventType: row.eventType,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: iso(row.nextAttemptAt),
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    deliveredAt: iso(row.deliveredAt),
    createdAt: row.createdAt.toISOString(),
  };
}

/** An IP literal in a range that is never a partner's public endpoint. */
function privateAddress(hostname: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(hostname);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168)
    );
  }
  if (!hostname.startsWith('[')) return false;
  const v6 = hostname.slice(1, -1).toLowerCase();
  return v6 === '::' || v6 === '::1' || /^(fc|fd|fe[89ab])/.test(v6) || v6.startsWith('::ffff:');
}

/**
 * Where an endpoint may point: https anywhere, plain http only to this machine (for
 * development). No credentials in the URL, and no IP literal of a private, loopback or
 * link-local range (a hostname is the partner's to keep public).
 */
export function endpointUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username || url.password) return 'must not carry credentials';
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (!local && privateAddress(url.hostname)) {
    return 'must not name a private, loopback or link-local address';
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && local) return null;
  return 'must use https (plain http only for localhost or 127.0.0.1)';
}

function matches(filter: string[], type: string): boolean {
  if (filter.length === 0) return true;
  return filter.some((f) => f === type || (f.endsWith('.*') && type.startsWith(f.slice(0, -1))));
}

function secretContext(licenseId: string, endpointId: string): string {
  return `webhook-endpoint:${licenseId}:${endpointId}`;
}

/**
 * Partner webhooks: the customer's endpoints, the events queued in the outbox fanned out to
 * them, each delivery signed (Standard Webhooks), retried with exponential backoff and jitter,
 * and every attempt logged. Nothing is sent until {@link WebhookService.start} (or a test's
 * {@link WebhookService.runOnce}).
 */
export class WebhookService {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #secrets: SecretBox;
  readonly #logger: Logger;
  readonly #fetch: typeof fetch;
  readonly #random: () => number;
  readonly #scheduler: Scheduler;
  readonly policy: DeliveryPolicy;
  #running = false;
  #timer: unknown;
  #round: Promise<unknown> | undefined;
  /** Aborts the requests in flight when the worker stops. */
  #abort = new AbortController();

  constructor(options: {
    db: Db;
    clock: Clock;
    secrets: SecretBox;
    logger: Logger;
    fetch?: typeof fetch;
    random?: () => number;
    scheduler?: Scheduler;
    policy?: Partial<DeliveryPolicy>;
  }) {
    this.#db = options.db;
    this.#clock = options.clock;
    this.#secrets = options.secrets;
    this.#logger = options.logger;
    this.#fetch = options.fetch ?? fetch;
    this.#random = options.random ?? Math.random;
    this.#scheduler = options.scheduler ?? systemScheduler;
    this.policy = { ...defaultDeliveryPolicy, ...options.policy };
  }

  /* Endpoints */

  #validate(input: Partial<EndpointInput>): void {
    const errors = [];
    if (input.url !== undefined) {
      const problem = input.url.length > 2000 ? 'is too long' : endpointUrlProblem(input.url);
      if (problem) errors.push({ path: 'body.url', message: `The URL ${problem}.` });
    }
    for (const [i, type] of (input.eventTypes ?? []).entries()) {
      if (!EVENT_TYPE_PATTERN.test(type) || type.length > 100) {
        errors.push({
          path: `body.eventTypes.${i}`,
          message: 'An event type such as `purchase.completed`, or a family such as `redemption.*`',
        });
      }
    }
    if (errors.length) {
      throw new ApiError('validation_failed', `${errors.length} field(s) failed validation.`, {
        errors,
      });
    }
  }

  /** Adds an endpoint; the answer carries its signing secret, which is never shown again. */
  createEndpoint(
    licenseId: string,
    input: EndpointInput,
  ): { endpoint: EndpointView; secret: string } {
    this.#validate(input);
    const id = generateId('we');
    const secret = generateEndpointSecret();
    const now = this.#clock.now();
    const row = this.#db
      .insert(webhookEndpoints)
      .values({
        id,
        licenseId,
        url: input.url,
        description: input.description ?? null,
        eventTypes: [...new Set(input.eventTypes ?? [])],
        sealedSecret: this.#secrets.seal(secret, secretContext(licenseId, id)),
        status: 'active',
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    return { endpoint: endpointView(row), secret };
  }

  listEndpoints(licenseId: string): EndpointView[] {
    return this.#db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.licenseId, licenseId))
      .orderBy(asc(webhookEndpoints.createdAt))
      .all()
      .map(endpointView);
  }

  #endpoint(licenseId: string, endpointId: string): WebhookEndpointRow {
    const row = this.#db
      .select()
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.licenseId, licenseId), eq(webhookEndpoints.id, endpointId)))
      .get();
    if (!row) throw new ApiError('not_found', `No webhook endpoint ${endpointId}.`);
    return row;
  }

  updateEndpoint(
    licenseId: string,
    endpointId: string,
    patch: Partial<EndpointInput> & { status?: 'active' | 'disabled' | undefined },
  ): EndpointView {
    this.#validate(patch);
    this.#endpoint(licenseId, endpointId);
    const row = this.#db
      .update(webhookEndpoints)
      .set({
        ...(patch.url !== undefined ? { url: patch.url } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.eventTypes !== undefined ? { eventTypes: [...new Set(patch.eventTypes)] } : {}),
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        updatedAt: this.#clock.now(),
      })
      .where(and(eq(webhookEndpoints.licenseId, licenseId), eq(webhookEndpoints.id, endpointId)))
      .returning()
      .get();
    return endpointView(row);
  }

  /** Removes an endpoint with its deliveries and their log. */
  deleteEndpoint(licenseId: string, endpointId: string): void {
    this.#endpoint(licenseId, endpointId);
    writeTransaction(this.#db, (tx) => {
      const ids = tx
        .select({ id: webhookDeliveries.id })
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.endpointId, endpointId))
        .all()
        .map((r) => r.id);
      for (let i = 0; i < ids.length; i += 500) {
        tx.delete(webhookAttempts)
          .where(inArray(webhookAttempts.deliveryId, ids.slice(i, i + 500)))
          .run();
      }
      tx.delete(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId)).run();
      tx.delete(webhookEndpoints)
        .where(and(eq(webhookEndpoints.licenseId, licenseId), eq(webhookEndpoints.id, endpointId)))
        .run();
    });
  }

  /* Deliveries */

  listDeliveries(
    licenseId: string | undefined,
    options: {
      status?: string | undefined;
      endpointId?: string | undefined;
      since?: Date | undefined;
      limit: number;
    },
  ): DeliveryView[] {
    return this.#db
      .select()
      .from(webhookDeliveries)
      .where(
        and(
          licenseId ? eq(webhookDeliveries.licenseId, licenseId) : undefined,
          options.status ? eq(webhookDeliveries.status, options.status) : undefined,
          options.endpointId ? eq(webhookDeliveries.endpointId, options.endpointId) : undefined,
          options.since ? gte(webhookDeliveries.createdAt, options.since) : undefined,
        ),
      )
      .orderBy(desc(webhookDeliveries.createdAt))
      .limit(options.limit)
      .all()
      .map(deliveryView);
  }

  /** One delivery with its log of attempts. */
  delivery(licenseId: string | undefined, deliveryId: string): DeliveryView {
    const row = this.#db
      .select()
      .from(webhookDeliveries)
      .where(
        and(
          eq(webhookDeliveries.id, deliveryId),
          licenseId ? eq(webhookDeliveries.licenseId, licenseId) : undefined,
        ),
      )
      .get();
    if (!row) throw new ApiError('not_found', `No webhook delivery ${deliveryId}.`);
    const log = this.#db
      .select()
      .from(webhookAttempts)
      .where(eq(webhookAttempts.deliveryId, row.id))
      .orderBy(asc(webhookAttempts.startedAt))
      .all()
      .map(attemptView);
    return { ...deliveryView(row), log };
  }

  /** Sends a delivery again as soon as the worker next looks, with a fresh set of attempts. */
  replay(licenseId: string | undefined, deliveryId: string): DeliveryView {
    this.delivery(licenseId, deliveryId);
    const now = this.#clock.now();
    const row = this.#db
      .update(webhookDeliveries)
      .set({ status: 'pending', attempts: 0, nextAttemptAt: now, updatedAt: now })
      .where(eq(webhookDeliveries.id, deliveryId))
      .returning()
      .get();
    return deliveryView(row);
  }

  /** Replays every delivery given up since a time; returns how many. */
  replayFailed(licenseId: string | undefined, since: Date): number {
    const now = this.#clock.now();
    return this.#db
      .update(webhookDeliveries)
      .set({ status: 'pending', attempts: 0, nextAttemptAt: now, updatedAt: now })
      .where(
        and(
          eq(webhookDeliveries.status, 'failed'),
          gte(webhookDeliveries.createdAt, since),
          licenseId ? eq(webhookDeliveries.licenseId, licenseId) : undefined,
        ),
      )
      .run().changes;
  }

  /* The worker */

  /**
   * Turns outbox events not yet handed out into one delivery per matching active endpoint of
   * their license. Runs in one IMMEDIATE transaction, so concurrent workers hand each event
   * out once.
   */
  dispatch(): number {
    return writeTransaction(this.#db, (tx) => {
      const now = this.#clock.now();
      const events = tx
        .select()
        .from(outboxEvents)
        .where(isNull(outboxEvents.deliveredAt))
        .orderBy(asc(outboxEvents.createdAt))
        .limit(500)
        .all();
      let queued = 0;
      const endpoints = new Map<string, WebhookEndpointRow[]>();
      for (const event of events) {
        let mine = endpoints.get(event.licenseId);
        if (!mine) {
          mine = tx
            .select()
            .from(webhookEndpoints)
            .where(
              and(
                eq(webhookEndpoints.licenseId, event.licenseId),
                eq(webhookEndpoints.status, 'active'),
              ),
            )
            .all();
          endpoints.set(event.licenseId, mine);
        }
        for (const endpoint of mine) {
          if (!matches(endpoint.eventTypes, event.type)) continue;
          queued += tx
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
            .run().changes;
        }
        tx.update(outboxEvents)
          .set({ deliveredAt: now })
          .where(eq(outboxEvents.id, event.id))
          .run();
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
    // Claimed with a lease first, so another worker on the same database skips them.
    const claimed = writeTransaction(this.#db, (tx) => {
      const now = this.#clock.now();
      const due = tx
        .select()
        .from(webhookDeliveries)
        .where(
          and(eq(webhookDeliveries.status, 'pending'), lte(webhookDeliveries.nextAttemptAt, now)),
        )
        .orderBy(asc(webhookDeliveries.nextAttemptAt))
        .limit(this.policy.batchSize)
        .all();
      const lease = new Date(now.getTime() + this.policy.timeoutMs * 2);
      for (const d of due) {
        tx.update(webhookDeliveries)
          .set({ nextAttemptAt: lease })
          .where(eq(webhookDeliveries.id, d.id))
          .run();
      }
      return due;
    });
    await Promise.all(
      claimed.map(async (delivery) => {
        const outcome = await this.#attempt(delivery);
        result[outcome] += 1;
      }),
    );
    return result;
  }

  async #attempt(delivery: WebhookDeliveryRow): Promise<'succeeded' | 'retrying' | 'failed'> {
    const endpoint = this.#db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, delivery.endpointId))
      .get();
    const event = this.#db
      .select()
      .from(outboxEvents)
      .where(eq(outboxEvents.id, delivery.eventId))
      .get();
    const startedAt = this.#clock.now();
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    if (!endpoint || !event || endpoint.status !== 'active') {
      error = !endpoint || !event ? 'the endpoint or event no longer exists' : 'endpoint disabled';
    } else {
      const body = JSON.stringify({
        type: event.type,
        timestamp: event.createdAt.toISOString(),
        data: event.payload,
      });
      try {
        const secret = this.#secrets.open(
          endpoint.sealedSecret,
          secretContext(endpoint.licenseId, endpoint.id),
        );
        const timestamp = Math.floor(startedAt.getTime() / 1000);
        const response = await this.#fetch(endpoint.url, {
          method: 'POST',
          headers: webhookHeaders(secret, event.id, timestamp, body),
          body,
          redirect: 'manual',
          signal: AbortSignal.any([AbortSignal.timeout(this.policy.timeoutMs), this.#abort.signal]),
        });
        statusCode = response.status;
        await response.body?.cancel().catch(() => undefined);
        if (statusCode < 200 || statusCode > 299) error = `HTTP ${statusCode}`;
      } catch (thrown) {
        const cause = (thrown as { cause?: { code?: string } }).cause?.code;
        error =
          (thrown as Error).name === 'TimeoutError' || this.#abort.signal.aborted
            ? this.#abort.signal.aborted
              ? 'interrupted: the server was shutting down'
              : `timed out after ${this.policy.timeoutMs} ms`
            : `${(thrown as Error).message}${cause ? ` (${cause})` : ''}`;
      }
    }
    const durationMs = Math.round(performance.now() - started);
    const ok = error === null;
    const attempts = delivery.attempts + 1;
    const now = this.#clock.now();
    const gaveUp = !ok && (attempts >= this.policy.maxAttempts || endpoint?.status !== 'active');
    const next = ok || gaveUp ? null : new Date(now.getTime() + this.backoff(attempts));
    const status = ok ? 'succeeded' : gaveUp ? 'failed' : 'pending';
    writeTransaction(this.#db, (tx) => {
      tx.insert(webhookAttempts)
        .values({
          id: generateId('wat'),
          licenseId: delivery.licenseId,
          deliveryId: delivery.id,
          startedAt,
          durationMs,
          statusCode,
          error: error?.slice(0, 500) ?? null,
          nextAttemptAt: next,
        })
        .run();
      tx.update(webhookDeliveries)
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
        )
        .run();
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
    const queued = this.dispatch();
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
