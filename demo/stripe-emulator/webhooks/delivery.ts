import { systemClock, type Clock } from '../core/clock.js';
import { newId } from '../core/ids.js';
import { DEFAULT_API_VERSION, viewFor } from '../core/version.js';
import type { EmulatorContext } from '../context.js';
import type { EventRecord } from '../resources/events.js';
import { signPayload } from './signature.js';

export interface WebhookEndpointConfig {
  url: string;
  /** The endpoint's signing secret, `whsec_…`. */
  secret: string;
  /** Event types to send (`*` or omitted: all); `invoice.*` style wildcards work. */
  enabledEvents?: readonly string[];
  /** API version events are rendered in; defaults to the bundled SDK's. */
  apiVersion?: string;
}

/** Test switches that make delivery behave like the unreliable network it is. */
export interface DeliveryChaos {
  /** Extra copies of every delivery (1 = each event arrives twice). */
  duplicate?: number;
  /** Delay before a delivery's first attempt, in ms. */
  delayMs?: number;
  /**
   * Hold deliveries for `reorderWindowMs` and send each batch in another order: `reverse`, or
   * `shuffle` with a seeded generator so a failing test can be replayed.
   */
  reorder?: false | 'reverse' | 'shuffle';
  reorderWindowMs?: number;
  seed?: number;
  /**
   * `off`: events are still recorded (and listed by `GET /v1/events`) but nothing is posted,
   * as when every endpoint stays down past Stripe's retries. `on` (the default) resumes
   * posting for events from then on; events recorded while off are never posted.
   */
  deliveries?: 'on' | 'off';
}

export interface DeliverySettings {
  /** Attempts per delivery before giving up, the first included. Default 5. */
  maxAttempts?: number;
  /** Backoff before the second attempt, doubled for each next one. Default 1000 ms. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A receiver slower than this counts as failed (Stripe waits about 20 s). Default 10 s. */
  timeoutMs?: number;
  /** Deliveries in flight per endpoint. Default 1, which keeps events in order. */
  concurrency?: number;
  chaos?: DeliveryChaos;
  /**
   * Clock for signature timestamps. Receivers compare them with their own wall clock, so this
   * stays the real time even when tests move the emulator's billing clock.
   */
  signatureClock?: Clock;
}

export interface DeliveryAttempt {
  deliveryId: string;
  eventId: string;
  eventType: string;
  endpoint: string;
  attempt: number;
  status: number | null;
  error: string | null;
  ok: boolean;
  at: Date;
}

interface Endpoint extends WebhookEndpointConfig {
  id: string;
}

interface Job {
  id: string;
  endpoint: Endpoint;
  event: EventRecord;
  payload: string;
  attempts: number;
  /** Copies made by the duplicate switch share the event but are separate deliveries. */
  copy: number;
}

interface EndpointQueue {
  ready: Job[];
  inFlight: number;
}

/**
 * Posts each event to every matching endpoint, signed, retried with exponential backoff on
 * non-2xx answers and timeouts, and settles when nothing is left to send.
 */
export class WebhookDispatcher {
  readonly #endpoints: Endpoint[] = [];
  readonly #queues = new Map<string, EndpointQueue>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #controllers = new Set<AbortController>();
  readonly #log: DeliveryAttempt[] = [];
  /** Deliveries not yet finished, per event, for `pending_webhooks`. */
  readonly #pendingByEvent = new Map<string, number>();
  #reorderBuffer: Job[] = [];
  #reorderTimer: NodeJS.Timeout | null = null;
  #outstanding = 0;
  #waiters: (() => void)[] = [];
  #settings: Required<Omit<DeliverySettings, 'chaos' | 'signatureClock'>>;
  #chaos: DeliveryChaos;
  #signatureClock: Clock;
  #random: () => number;
  #stopped = false;

  constructor(
    private readonly ctx: EmulatorContext,
    settings: DeliverySettings = {},
  ) {
    this.#settings = {
      maxAttempts: settings.maxAttempts ?? 5,
      initialBackoffMs: settings.initialBackoffMs ?? 1000,
      maxBackoffMs: settings.maxBackoffMs ?? 60_000,
      timeoutMs: settings.timeoutMs ?? 10_000,
      concurrency: settings.concurrency ?? 1,
    };
    this.#chaos = { ...settings.chaos };
    this.#signatureClock = settings.signatureClock ?? systemClock;
    this.#random = seeded(settings.chaos?.seed ?? 1);
  }

  addEndpoint(config: WebhookEndpointConfig): string {
    if (!/^https?:\/\//.test(config.url))
      throw new Error(`Webhook URL must be http(s): ${config.url}`);
    if (!config.secret.startsWith('whsec_')) throw new Error('Webhook secrets start with whsec_');
    const endpoint: Endpoint = { ...config, id: newId('we') };
    this.#endpoints.push(endpoint);
    this.#queues.set(endpoint.id, { ready: [], inFlight: 0 });
    return endpoint.id;
  }

  removeEndpoint(idOrUrl: string): void {
    const index = this.#endpoints.findIndex((e) => e.id === idOrUrl || e.url === idOrUrl);
    if (index >= 0) this.#endpoints.splice(index, 1);
  }

  endpoints(): readonly (WebhookEndpointConfig & { id: string })[] {
    return this.#endpoints.map((e) => ({ ...e }));
  }

  /** Changes the chaos switches for deliveries enqueued from now on. */
  configure(chaos: DeliveryChaos): void {
    this.#chaos = { ...this.#chaos, ...chaos };
    if (chaos.seed !== undefined) this.#random = seeded(chaos.seed);
    if (!this.#chaos.reorder) this.#flushReorder();
  }

  attempts(): readonly DeliveryAttempt[] {
    return [...this.#log];
  }

  pendingFor(eventId: string): number {
    return this.#pendingByEvent.get(eventId) ?? 0;
  }

  dispatch(event: EventRecord): void {
    if (this.#stopped || this.#chaos.deliveries === 'off') return;
    for (const endpoint of this.#endpoints) {
      if (!matches(endpoint.enabledEvents, event.type)) continue;
      const view = viewFor(endpoint.apiVersion ?? DEFAULT_API_VERSION);
      // Stripe posts pretty-printed JSON; the signature covers these exact bytes.
      const payload = JSON.stringify(this.ctx.events.render(event, view), null, 2);
      const copies = 1 + Math.max(0, Math.floor(this.#chaos.duplicate ?? 0));
      this.#pendingByEvent.set(event.id, (this.#pendingByEvent.get(event.id) ?? 0) + 1);
      for (let copy = 0; copy < copies; copy++) {
        const job: Job = { id: newId('wd'), endpoint, event, payload, attempts: 0, copy };
        this.#outstanding += 1;
        const delay = this.#chaos.delayMs ?? 0;
        if (delay > 0) this.#later(delay, () => this.#admit(job));
        else this.#admit(job);
      }
    }
  }

  #admit(job: Job): void {
    if (this.#chaos.reorder) {
      this.#reorderBuffer.push(job);
      if (!this.#reorderTimer) {
        this.#reorderTimer = setTimeout(() => {
          this.#reorderTimer = null;
          this.#flushReorder();
        }, this.#chaos.reorderWindowMs ?? 25);
      }
      return;
    }
    this.#enqueue(job);
  }

  #flushReorder(): void {
    if (this.#reorderTimer) {
      clearTimeout(this.#reorderTimer);
      this.#reorderTimer = null;
    }
    const batch = this.#reorderBuffer;
    this.#reorderBuffer = [];
    if (this.#chaos.reorder === 'shuffle') {
      for (let i = batch.length - 1; i > 0; i--) {
        const j = Math.floor(this.#random() * (i + 1));
        [batch[i], batch[j]] = [batch[j] as Job, batch[i] as Job];
      }
    } else {
      batch.reverse();
    }
    for (const job of batch) this.#enqueue(job);
  }

  #enqueue(job: Job): void {
    const queue = this.#queues.get(job.endpoint.id);
    if (!queue || this.#stopped) {
      this.#finish(job, false);
      return;
    }
    queue.ready.push(job);
    this.#pump(queue);
  }

  #pump(queue: EndpointQueue): void {
    while (queue.inFlight < this.#settings.concurrency && queue.ready.length > 0) {
      const job = queue.ready.shift() as Job;
      queue.inFlight += 1;
      void this.#send(job).finally(() => {
        queue.inFlight -= 1;
        this.#pump(queue);
      });
    }
  }

  async #send(job: Job): Promise<void> {
    job.attempts += 1;
    const timestamp = Math.floor(this.#signatureClock.now().getTime() / 1000);
    const controller = new AbortController();
    this.#controllers.add(controller);
    const timeout = setTimeout(() => controller.abort(), this.#settings.timeoutMs);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(job.endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          accept: '*/*; q=0.5, application/xml',
          'cache-control': 'no-cache',
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'stripe-signature': signPayload(job.payload, job.endpoint.secret, timestamp),
        },
        body: job.payload,
        signal: controller.signal,
      });
      status = response.status;
      // Read (and drop) the body so the connection is released.
      await response.arrayBuffer().catch(() => undefined);
    } catch (e) {
      error = controller.signal.aborted
        ? `timed out after ${this.#settings.timeoutMs} ms`
        : String(e);
    } finally {
      clearTimeout(timeout);
      this.#controllers.delete(controller);
    }
    const ok = status !== null && status >= 200 && status < 300;
    this.#log.push({
      deliveryId: job.id,
      eventId: job.event.id,
      eventType: job.event.type,
      endpoint: job.endpoint.url,
      attempt: job.attempts,
      status,
      error,
      ok,
      at: new Date(),
    });
    if (ok || this.#stopped) {
      this.#finish(job, ok);
      return;
    }
    if (job.attempts >= this.#settings.maxAttempts) {
      this.#finish(job, false);
      return;
    }
    const backoff = Math.min(
      this.#settings.initialBackoffMs * 2 ** (job.attempts - 1),
      this.#settings.maxBackoffMs,
    );
    this.#later(backoff, () => this.#enqueue(job));
  }

  #finish(job: Job, _ok: boolean): void {
    // After stop() the counters were reset; late answers from aborted requests change nothing.
    if (this.#stopped) return;
    if (job.copy === 0) {
      const left = (this.#pendingByEvent.get(job.event.id) ?? 1) - 1;
      if (left <= 0) this.#pendingByEvent.delete(job.event.id);
      else this.#pendingByEvent.set(job.event.id, left);
    }
    this.#outstanding -= 1;
    if (this.#outstanding === 0) {
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  #later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
  }

  /**
   * Resolves once every delivery enqueued so far has succeeded or run out of attempts,
   * including retries and delayed or reordered copies. Rejects after `timeoutMs`.
   */
  settled(timeoutMs = 15_000): Promise<void> {
    if (this.#reorderBuffer.length > 0) this.#flushReorder();
    if (this.#outstanding === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== done);
        reject(
          new Error(
            `Webhook deliveries still pending after ${timeoutMs} ms (${this.#outstanding} left)`,
          ),
        );
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.#waiters.push(done);
    });
  }

  /** Drops everything queued and aborts requests in flight. */
  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    if (this.#reorderTimer) clearTimeout(this.#reorderTimer);
    this.#reorderTimer = null;
    this.#reorderBuffer = [];
    for (const controller of this.#controllers) controller.abort();
    for (const queue of this.#queues.values()) queue.ready = [];
    this.#outstanding = 0;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }

  resume(): void {
    this.#stopped = false;
  }

  clearLog(): void {
    this.#log.length = 0;
  }
}

function matches(enabled: readonly string[] | undefined, type: string): boolean {
  if (!enabled || enabled.length === 0) return true;
  return enabled.some(
    (e) => e === '*' || e === type || (e.endsWith('.*') && type.startsWith(e.slice(0, -1))),
  );
}

/** Mulberry32: a tiny seeded generator so shuffled deliveries can be reproduced. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
