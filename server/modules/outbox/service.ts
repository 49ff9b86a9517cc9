import { generateId } from '../../lib/ids.js';
import type { Tx } from '../../db/client.js';
import { outboxEvents } from './schema.js';

export interface OutboundEvent {
  licenseId: string;
  type: string;
  payload: Record<string, unknown>;
  /** Events with the same key are queued once, however often they are raised. */
  dedupeKey?: string;
}

/** Queues events inside the caller's transaction, so an event exists exactly when its cause does. */
export function enqueueEvents(tx: Tx, events: readonly OutboundEvent[], now: Date): void {
  for (const event of events) {
    tx.insert(outboxEvents)
      .values({
        id: generateId('evt'),
        licenseId: event.licenseId,
        type: event.type,
        payload: event.payload,
        dedupeKey: event.dedupeKey ?? null,
        createdAt: now,
      })
      .onConflictDoNothing({ target: outboxEvents.dedupeKey })
      .run();
  }
}
