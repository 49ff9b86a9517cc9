import { generateId } from '../../lib/ids.js';
import type { Tx as SyncTx } from '../../db/client.js';
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
 * Transition only, for producers whose transactions are still synchronous (`writeTransaction`):
 * on SQLite the first statement runs before this returns (see below), so up to
 * {@link ROWS_PER_STATEMENT} events are written inside the caller's transaction. Remove this
 * overload once every producer awaits the form below.
 */
export function enqueueEvents(
  tx: SyncTx,
  events: readonly OutboundEvent[],
  now: Date,
): Promise<void>;
/**
 * Queues events inside the caller's transaction, so an event exists exactly when its cause does.
 * Await it inside the write (`store.write`) whose change the events describe.
 */
export function enqueueEvents(tx: Tx, events: readonly OutboundEvent[], now: Date): Promise<void>;
export async function enqueueEvents(
  tx: Tx | SyncTx,
  events: readonly OutboundEvent[],
  now: Date,
): Promise<void> {
  const db = tx as Tx;
  for (let start = 0; start < events.length; start += ROWS_PER_STATEMENT) {
    const rows = events.slice(start, start + ROWS_PER_STATEMENT).map((event) => ({
      id: generateId('evt'),
      licenseId: event.licenseId,
      type: event.type,
      payload: event.payload,
      dedupeKey: event.dedupeKey ?? null,
      createdAt: now,
    }));
    // `execute()` sends the statement now rather than when the promise is first awaited: on
    // SQLite it runs before this function first yields, inside the caller's transaction.
    await db
      .insert(outboxEvents)
      .values(rows)
      .onConflictDoNothing({ target: outboxEvents.dedupeKey })
      .execute();
  }
}
