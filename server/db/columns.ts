import { integer, text } from './kit.js';

/**
 * Shared column helpers. Times are stored as integer milliseconds since the epoch (UTC) so
 * comparisons and range scans stay cheap; money columns are integer minor units.
 */
export const timestamps = {
  createdAt: integer({ mode: 'timestamp_ms' }).notNull(),
  updatedAt: integer({ mode: 'timestamp_ms' }).notNull(),
};

/** The tenant every row belongs to. Nothing is read or written across tenants. */
export const tenantId = () => text().notNull();
