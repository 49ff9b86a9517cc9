import { and, asc, desc, eq, gte } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { ApiError } from '../../errors.js';
import { iso } from '../../lib/dates.js';
import type { Clock } from '../../services.js';
import type { WebhookAttempt, WebhookDelivery } from './contract.js';
import {
  webhookAttempts,
  webhookDeliveries,
  type WebhookAttemptRow,
  type WebhookDeliveryRow,
} from './schema.js';

function attemptView(row: WebhookAttemptRow): WebhookAttempt {
  return {
    startedAt: row.startedAt.toISOString(),
    durationMs: row.durationMs,
    statusCode: row.statusCode,
    error: row.error,
    nextAttemptAt: iso(row.nextAttemptAt),
  };
}

function deliveryView(row: WebhookDeliveryRow): WebhookDelivery {
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

export interface DeliveryFilter {
  status?: string | undefined;
  endpointId?: string | undefined;
  since?: Date | undefined;
  limit: number;
}

/**
 * The delivery log: what was sent where, how every attempt went, and replays. `licenseId`
 * undefined means every license (the operator's CLI); the APIs always name one.
 */
export class WebhookDeliveries {
  readonly #db: Db;
  readonly #clock: Clock;

  constructor(options: { db: Db; clock: Clock }) {
    this.#db = options.db;
    this.#clock = options.clock;
  }

  /** Newest first. */
  list(licenseId: string | undefined, filter: DeliveryFilter): WebhookDelivery[] {
    return this.#db
      .select()
      .from(webhookDeliveries)
      .where(
        and(
          licenseId ? eq(webhookDeliveries.licenseId, licenseId) : undefined,
          filter.status ? eq(webhookDeliveries.status, filter.status) : undefined,
          filter.endpointId ? eq(webhookDeliveries.endpointId, filter.endpointId) : undefined,
          filter.since ? gte(webhookDeliveries.createdAt, filter.since) : undefined,
        ),
      )
      .orderBy(desc(webhookDeliveries.createdAt))
      .limit(filter.limit)
      .all()
      .map(deliveryView);
  }

  /** One delivery with its log of attempts. */
  get(licenseId: string | undefined, deliveryId: string): WebhookDelivery {
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
  replay(licenseId: string | undefined, deliveryId: string): WebhookDelivery {
    this.get(licenseId, deliveryId);
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
}
