import { and, asc, desc, eq, gte } from 'drizzle-orm';
import { first, type Db, type Store } from '../../db/store.js';
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
  readonly #store: Store;
  readonly #clock: Clock;

  constructor(options: { store: Store; clock: Clock }) {
    this.#store = options.store;
    this.#clock = options.clock;
  }

  /** Newest first. */
  async list(licenseId: string | undefined, filter: DeliveryFilter): Promise<WebhookDelivery[]> {
    const rows = await this.#store.db
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
      .limit(filter.limit);
    return rows.map(deliveryView);
  }

  /** One delivery with its log of attempts. */
  async get(licenseId: string | undefined, deliveryId: string): Promise<WebhookDelivery> {
    return await this.#get(this.#store.db, licenseId, deliveryId);
  }

  async #get(db: Db, licenseId: string | undefined, deliveryId: string): Promise<WebhookDelivery> {
    const row = first(
      await db
        .select()
        .from(webhookDeliveries)
        .where(
          and(
            eq(webhookDeliveries.id, deliveryId),
            licenseId ? eq(webhookDeliveries.licenseId, licenseId) : undefined,
          ),
        )
        .limit(1),
    );
    if (!row) throw new ApiError('not_found', `No webhook delivery ${deliveryId}.`);
    const log = (
      await db
        .select()
        .from(webhookAttempts)
        .where(eq(webhookAttempts.deliveryId, row.id))
        .orderBy(asc(webhookAttempts.startedAt))
    ).map(attemptView);
    return { ...deliveryView(row), log };
  }

  /** Sends a delivery again as soon as the worker next looks, with a fresh set of attempts. */
  async replay(licenseId: string | undefined, deliveryId: string): Promise<WebhookDelivery> {
    const now = this.#clock.now();
    const row = await this.#store.write(async (tx) => {
      await this.#get(tx, licenseId, deliveryId);
      const [updated] = await tx
        .update(webhookDeliveries)
        .set({ status: 'pending', attempts: 0, nextAttemptAt: now, updatedAt: now })
        .where(eq(webhookDeliveries.id, deliveryId))
        .returning();
      return updated!;
    });
    return deliveryView(row);
  }

  /** Replays every delivery given up since a time; returns how many. */
  async replayFailed(licenseId: string | undefined, since: Date): Promise<number> {
    const now = this.#clock.now();
    const replayed = await this.#store.write((tx) =>
      tx
        .update(webhookDeliveries)
        .set({ status: 'pending', attempts: 0, nextAttemptAt: now, updatedAt: now })
        .where(
          and(
            eq(webhookDeliveries.status, 'failed'),
            gte(webhookDeliveries.createdAt, since),
            licenseId ? eq(webhookDeliveries.licenseId, licenseId) : undefined,
          ),
        )
        .returning({ id: webhookDeliveries.id }),
    );
    return replayed.length;
  }
}
