import { and, desc, eq, lt, or } from 'drizzle-orm';
import type { Db } from '../../../db/store.js';
import type { HistoryPage, HistoryQuery } from '../contract.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { rewardTransactions } from '../schema.js';
import { transactionView } from './postings.js';

/**
 * A learner's transactions, newest first, a page at a time. The cursor is the last row's
 * time and id, so a page is one index range scan however deep the learner pages.
 */
export async function history(
  db: Db,
  licenseId: string,
  learnerId: string,
  options: HistoryQuery,
): Promise<HistoryPage> {
  const after = options.cursor ? decodeCursor(options.cursor, 1) : undefined;
  const keyset = after && { at: new Date(after.keys[0]!), id: after.id };
  const rows = await db
    .select()
    .from(rewardTransactions)
    .where(
      and(
        eq(rewardTransactions.licenseId, licenseId),
        eq(rewardTransactions.learnerId, learnerId),
        options.type ? eq(rewardTransactions.type, options.type) : undefined,
        keyset
          ? or(
              lt(rewardTransactions.createdAt, keyset.at),
              and(
                eq(rewardTransactions.createdAt, keyset.at),
                lt(rewardTransactions.id, keyset.id),
              ),
            )
          : undefined,
      ),
    )
    .orderBy(desc(rewardTransactions.createdAt), desc(rewardTransactions.id))
    .limit(options.limit + 1);
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  return {
    items: page.map(transactionView),
    nextCursor:
      rows.length > options.limit && last
        ? encodeCursor([last.createdAt.getTime()], last.id)
        : null,
  };
}
