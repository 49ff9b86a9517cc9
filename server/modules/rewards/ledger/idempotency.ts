import { createHash } from 'node:crypto';
import { and, eq, gte, lt } from 'drizzle-orm';
import { writeTransaction, type Tx } from '../../../db/client.js';
import { ApiError } from '../../../errors.js';
import { rewardIdempotency } from '../schema.js';
import type { LedgerContext } from './postings.js';

/**
 * Idempotency keys: the first result of a keyed operation is stored with a fingerprint of its
 * parameters, in the transaction that did the work, so a refused request uses up no key.
 */

export function fingerprint(operation: string, params: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([operation, params]))
    .digest('hex');
}

/**
 * The stored result of `key`, or undefined when the key is new. The same key with another
 * fingerprint is a conflict that says `message`.
 */
export function recall<T>(
  tx: Tx,
  licenseId: string,
  key: string,
  print: string,
  message: string,
): { result: T } | undefined {
  const seen = tx
    .select()
    .from(rewardIdempotency)
    .where(and(eq(rewardIdempotency.licenseId, licenseId), eq(rewardIdempotency.key, key)))
    .get();
  if (!seen) return undefined;
  if (seen.fingerprint !== print) {
    throw new ApiError('conflict', message, { extensions: { reason: 'idempotency_key_reused' } });
  }
  return { result: seen.result as T };
}

export function remember(
  ctx: LedgerContext,
  tx: Tx,
  licenseId: string,
  key: string,
  print: string,
  result: unknown,
): void {
  tx.insert(rewardIdempotency)
    .values({ licenseId, key, fingerprint: print, result, createdAt: ctx.clock.now() })
    .run();
}

/** The stored results of every key that starts with `prefix`. */
export function resultsUnder<T>(tx: Tx, licenseId: string, prefix: string): T[] {
  return tx
    .select({ result: rewardIdempotency.result })
    .from(rewardIdempotency)
    .where(
      and(
        eq(rewardIdempotency.licenseId, licenseId),
        gte(rewardIdempotency.key, prefix),
        lt(rewardIdempotency.key, `${prefix}\uffff`),
      ),
    )
    .all()
    .map(({ result }) => result as T);
}

/**
 * Runs `work` once per idempotency key: a repeat with the same parameters returns the first
 * result, a repeat with different ones is a conflict. The check and the work share one
 * IMMEDIATE transaction, so two concurrent requests with one key cannot both do the work.
 */
export function idempotent<T>(
  ctx: LedgerContext,
  licenseId: string,
  key: string,
  operation: string,
  params: unknown,
  work: (tx: Tx) => T,
): T {
  const print = fingerprint(operation, params);
  return writeTransaction(ctx.db, (tx) => {
    const seen = recall<T>(
      tx,
      licenseId,
      key,
      print,
      'This idempotency key was already used for a different request.',
    );
    if (seen) return seen.result;
    const result = work(tx);
    remember(ctx, tx, licenseId, key, print, result);
    return result;
  });
}
