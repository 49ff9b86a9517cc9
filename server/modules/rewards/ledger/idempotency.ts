import { createHash } from 'node:crypto';
import { and, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { dialectOf, type Tx } from '../../../db/store.js';
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
export async function recall<T>(
  tx: Tx,
  licenseId: string,
  key: string,
  print: string,
  message: string,
): Promise<{ result: T } | undefined> {
  const [seen] = await tx
    .select()
    .from(rewardIdempotency)
    .where(and(eq(rewardIdempotency.licenseId, licenseId), eq(rewardIdempotency.key, key)))
    .limit(1);
  if (!seen) return undefined;
  if (seen.fingerprint !== print) {
    throw new ApiError('conflict', message, { extensions: { reason: 'idempotency_key_reused' } });
  }
  return { result: seen.result as T };
}

export async function remember(
  ctx: LedgerContext,
  tx: Tx,
  licenseId: string,
  key: string,
  print: string,
  result: unknown,
): Promise<void> {
  await tx
    .insert(rewardIdempotency)
    .values({ licenseId, key, fingerprint: print, result, createdAt: ctx.clock.now() });
}

/**
 * Keys that start with `prefix`, exactly. SQLite compares text byte by byte, so the prefix is
 * an index range; PostgreSQL compares by the database's collation, which may ignore
 * punctuation, so there the prefix is matched as such.
 */
function keyStartsWith(tx: Tx, prefix: string): SQL | undefined {
  if (dialectOf(tx) === 'postgres') return sql`starts_with(${rewardIdempotency.key}, ${prefix})`;
  return and(gte(rewardIdempotency.key, prefix), lt(rewardIdempotency.key, `${prefix}\uffff`));
}

/** The stored results of every key that starts with `prefix`. */
export async function resultsUnder<T>(tx: Tx, licenseId: string, prefix: string): Promise<T[]> {
  const rows = await tx
    .select({ result: rewardIdempotency.result })
    .from(rewardIdempotency)
    .where(and(eq(rewardIdempotency.licenseId, licenseId), keyStartsWith(tx, prefix)));
  return rows.map(({ result }) => result as T);
}

/**
 * Runs `work` once per idempotency key: a repeat with the same parameters returns the first
 * result, a repeat with different ones is a conflict. The check and the work share one write
 * transaction, so two concurrent requests with one key cannot both do the work.
 */
export async function idempotent<T>(
  ctx: LedgerContext,
  licenseId: string,
  key: string,
  operation: string,
  params: unknown,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  const print = fingerprint(operation, params);
  return ctx.store.write(async (tx) => {
    const seen = await recall<T>(
      tx,
      licenseId,
      key,
      print,
      'This idempotency key was already used for a different request.',
    );
    if (seen) return seen.result;
    const result = await work(tx);
    await remember(ctx, tx, licenseId, key, print, result);
    return result;
  });
}
