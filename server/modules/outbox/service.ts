import { generateId } from '../../lib/ids.js';
import type { Tx } from '../../db/store.js';
import { outboxEvents } from './schema.js';

export interface OutboundEvent {
  licenseId: string;
  type: string;
  payload: Record<string, unknown>;
  /** Events with the same key are queued once, however often they are raised. */
  dedupeKey?: string;
}

/** Rows per insert statement: well under either store's limit on bound parameters. */
const ROWS_PER_STATEMENT = 500;

/**
 * Queues events inside the caller's transaction, so an event exists exactly when its cause does.
 * Await it inside the write (`store.write`) whose change the events describe.
 */
export async function enqueueEvents(
  tx: Tx,
  events: readonly OutboundEvent[],
  now: Date,
): Promise<void> {
  const db = tx;
  for (let start = 0; start < events.length; start += ROWS_PER_STATEMENT) {
    const rows = events.slice(start, start + ROWS_PER_STATEMENT).map((event) => ({
      id: generateId('evt'),
      licenseId: event.licenseId,
      type: event.type,
      payload: event.payload,
      dedupeKey: event.dedupeKey ?? null,
      createdAt: now,
    }));
    await db
      .insert(outboxEvents)
      .values(rows)
      .onConflictDoNothing({ target: outboxEvents.dedupeKey });
  }
}
