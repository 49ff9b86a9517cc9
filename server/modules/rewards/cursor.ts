import { ApiError } from '../../errors.js';

/**
 * Opaque keyset cursors for the transaction history and the leaderboards: the last row's
 * numeric sort keys, then its id as the tie-breaker, base64url-encoded. The id comes last and
 * may itself contain the separator (learner ids are the customer's own).
 */

const SEPARATOR = '|';

export interface CursorKeys {
  keys: number[];
  id: string;
}

export function encodeCursor(keys: readonly number[], id: string): string {
  return Buffer.from([...keys, id].join(SEPARATOR)).toString('base64url');
}

/** Reads a cursor of `count` numeric keys and an id; anything else is a 400 on `query.cursor`. */
export function decodeCursor(cursor: string, count: number): CursorKeys {
  const parts = Buffer.from(cursor, 'base64url').toString().split(SEPARATOR);
  const keys = parts.slice(0, count).map(Number);
  const id = parts.slice(count).join(SEPARATOR);
  if (keys.length !== count || !keys.every((key) => Number.isSafeInteger(key)) || !id) {
    throw new ApiError('validation_failed', 'The cursor is not one this API handed out.', {
      errors: [{ path: 'query.cursor', message: 'Unknown cursor' }],
    });
  }
  return { keys, id };
}
