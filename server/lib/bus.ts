/**
 * Cache invalidation across the processes of a cluster. A process that changes a license, a
 * theme or a learner's tier publishes the key; every process, itself included, drops what it
 * cached for it. Three carriers, one interface:
 *
 * - in memory, for a single process (the default);
 * - Redis pub/sub (`REDIS_URL`);
 * - PostgreSQL LISTEN/NOTIFY (`DATABASE_URL` without Redis).
 *
 * The publisher's own caches are cleared synchronously, before `publish` resolves, so the
 * process that made the change never serves the old value. Others hear of it within the
 * carrier's latency (milliseconds on a LAN). A message can be lost only while a process is
 * disconnected from the carrier; when it reconnects it drops everything it cached (`'*'`), so
 * nothing stale outlives a reconnection.
 */
import crypto from 'node:crypto';
import type pg from 'pg';
import type { Redis } from 'ioredis';

export type Topic = 'license' | 'theme' | 'features';

/** Every key of a topic: what a process drops after it may have missed messages. */
export const ALL = '*';

export type Handler = (key: string) => void;

export interface Bus {
  /** Tells every process, this one included, that `key` of `topic` changed. */
  publish(topic: Topic, key: string): Promise<void>;
  subscribe(topic: Topic, handler: Handler): void;
  close(): Promise<void>;
}

interface Message {
  /** The publishing process; it has already handled its own message. */
  from: string;
  topic: Topic;
  key: string;
}

const topics: readonly Topic[] = ['license', 'theme', 'features'];

/** Local delivery, shared by every carrier. */
class Subscribers {
  readonly id = crypto.randomUUID();
  readonly #handlers = new Map<Topic, Handler[]>();

  add(topic: Topic, handler: Handler): void {
    this.#handlers.set(topic, [...(this.#handlers.get(topic) ?? []), handler]);
  }

  deliver(topic: Topic, key: string): void {
    for (const handler of this.#handlers.get(topic) ?? []) handler(key);
  }

  /** After a gap in delivery: everything may be stale. */
  deliverAll(): void {
    for (const topic of topics) this.deliver(topic, ALL);
  }

  /** A message from the carrier: handled unless this process sent it. */
  receive(raw: string): void {
    let message: Message;
    try {
      message = JSON.parse(raw) as Message;
    } catch {
      return;
    }
    if (message.from === this.id || !topics.includes(message.topic)) return;
    this.deliver(message.topic, String(message.key));
  }

  encode(topic: Topic, key: string): string {
    return JSON.stringify({ from: this.id, topic, key } satisfies Message);
  }
}

/** One process: publishing is delivering. */
export function memoryBus(): Bus {
  const subscribers = new Subscribers();
  return {
    publish: (topic, key) => {
      subscribers.deliver(topic, key);
      return Promise.resolve();
    },
    subscribe: (topic, handler) => subscribers.add(topic, handler),
    close: () => Promise.resolve(),
  };
}

export interface CarrierOptions {
  /** Called when the carrier fails; the bus keeps working locally and reconnects. */
  onError?: (error: Error) => void;
}

/**
 * Redis pub/sub on `<prefix>invalidate`. Subscribing needs a connection of its own, so the
 * bus duplicates the one it is given. A publish that Redis refuses is reported to the caller:
 * the change is committed, but other processes keep their cache until its TTL runs out.
 */
export async function redisBus(
  redis: Redis,
  options: CarrierOptions & { prefix?: string } = {},
): Promise<Bus> {
  const subscribers = new Subscribers();
  const channel = `${options.prefix ?? ''}invalidate`;
  const listener = redis.duplicate({ enableOfflineQueue: true, keyPrefix: '' });
  listener.on('error', (error: Error) => options.onError?.(error));
  let connectedOnce = false;
  listener.on('ready', () => {
    // Messages sent while this process was away are gone: forget everything instead.
    if (connectedOnce) subscribers.deliverAll();
    connectedOnce = true;
  });
  listener.on('message', (from: string, raw: string) => {
    if (from === channel) subscribers.receive(raw);
  });
  await listener.subscribe(channel);
  return {
    async publish(topic, key) {
      subscribers.deliver(topic, key);
      await redis.publish(channel, subscribers.encode(topic, key));
    },
    subscribe: (topic, handler) => subscribers.add(topic, handler),
    async close() {
      await listener.quit().catch(() => listener.disconnect());
    },
  };
}

/**
 * PostgreSQL LISTEN/NOTIFY on `lx_invalidate`, for a cluster without Redis: one listening
 * connection per process, reopened (and every cache dropped) when it is lost.
 */
export async function postgresBus(
  pool: pg.Pool,
  connect: () => pg.Client,
  options: CarrierOptions = {},
): Promise<Bus> {
  const subscribers = new Subscribers();
  const channel = 'lx_invalidate';
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const listen = async (): Promise<void> => {
    const next = connect();
    next.on('notification', (message) => {
      if (message.channel === channel && message.payload) subscribers.receive(message.payload);
    });
    next.on('error', (error) => {
      options.onError?.(error);
      reopen();
    });
    await next.connect();
    await next.query(`listen ${channel}`);
    client = next;
  };
  const reopen = () => {
    if (closed || retry) return;
    const lost = client;
    client = undefined;
    void lost?.end().catch(() => undefined);
    retry = setTimeout(() => {
      retry = undefined;
      listen().then(
        () => subscribers.deliverAll(),
        (error: Error) => {
          options.onError?.(error);
          reopen();
        },
      );
    }, 500);
    retry.unref();
  };

  await listen();
  return {
    async publish(topic, key) {
      subscribers.deliver(topic, key);
      await pool.query('select pg_notify($1, $2)', [channel, subscribers.encode(topic, key)]);
    },
    subscribe: (topic, handler) => subscribers.add(topic, handler),
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
