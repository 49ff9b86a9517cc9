import type { z } from 'zod';

/**
 * Keyset cursors: where the next page starts, as the last row's sort key and tie-breaker.
 * On the wire a cursor is opaque: the base64url of a JSON array, usually
 * `[order, key…, tie-breaker]`. Naming the order inside lets a list refuse a cursor made for
 * another sort, whose keys would mean something else.
 */

/** What a cursor position holds: JSON scalars only. */
export type CursorValue = string | number | boolean | null;

/** A cursor's shape, usually a `z.tuple` checking each position, so forged cursors are refused. */
export type CursorShape = z.ZodType<readonly CursorValue[]>;

/** Longest encoded cursor this codec decodes; far above any a keyset of a few values makes. */
const MAX_LENGTH = 2048;

/** The opaque cursor of a position. */
export function encodeCursor(values: readonly CursorValue[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/**
 * The position a cursor stands for, checked against `shape` (length and every value), or
 * null when it is not a cursor of that shape: the caller answers with its own 400.
 */
export function decodeCursor<S extends CursorShape>(raw: string, shape: S): z.output<S> | null {
  if (raw.length > MAX_LENGTH) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const parsed = shape.safeParse(value);
  return parsed.success ? parsed.data : null;
}
