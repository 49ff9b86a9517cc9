/**
 * The Redis connection a cluster shares its limits, meters and cache invalidations through.
 * Commands fail fast while the connection is down (no offline queue), so a request that
 * needs Redis answers 503 at once instead of hanging; the client reconnects by itself.
 */
import { Redis } from 'ioredis';

export type { Redis };

/** Redis refused or could not be reached; the request can be retried. */
export class SharedStateUnavailableError extends Error {
  override name = 'SharedStateUnavailableError';
  readonly retryAfterSeconds = 1;
}

/** `redis://:secret@host:6379/0` → `redis://host:6379/0`: safe to print. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(unparseable REDIS_URL)';
  }
}

export interface RedisOptions {
  /** Every key this process writes starts with it, so several kits can share one Redis. */
  keyPrefix?: string;
  /** Called when the connection drops or errors (it reconnects on its own). */
  onError?: (error: Error) => void;
}

/**
 * Connects and checks Redis answers; an unreachable server is reported with the URL
 * (password removed), for the start-up message.
 */
export async function connectRedis(url: string, options: RedisOptions = {}): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    keyPrefix: options.keyPrefix ?? '',
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 3_000,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
  });
  redis.on('error', (error: Error) => options.onError?.(error));
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(`Redis at ${redactRedisUrl(url)} is unreachable: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return redis;
}

/** Runs a Redis call, turning a connection failure into {@link SharedStateUnavailableError}. */
export async function shared<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new SharedStateUnavailableError(`Redis did not answer: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
