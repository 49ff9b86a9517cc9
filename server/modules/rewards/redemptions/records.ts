import { and, desc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/store.js';
import { ApiError } from '../../../errors.js';
import { enqueueEvents } from '../../outbox/service.js';
import type {
  OperatorRedemptionQuery,
  RedemptionEvent,
  RedemptionEventType,
  RedemptionView,
} from '../contract.js';
import { rewardRedemptions } from '../schema.js';

/**
 * Redemption records: how they read in the API, how they are listed, and the partner webhook
 * event that announces each step of one.
 */

export type RedemptionRow = typeof rewardRedemptions.$inferSelect;

/** Which redemptions to list: the operator's query, every part optional (50 by default). */
export type RedemptionFilter = Partial<OperatorRedemptionQuery>;

export function redemptionView(row: RedemptionRow): RedemptionView {
  return {
    id: row.id,
    itemId: row.itemId,
    kind: row.kind,
    title: row.title,
    cost: row.cost,
    status: row.status,
    couponCode: row.couponCode,
    featureUntil: row.featureUntil?.toISOString() ?? null,
    note: row.note,
    shipping: row.shipping,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * `redemption.<status>` for the license's webhook endpoints, queued in the transaction of the
 * change, so a partner (an LMS fulfilling `partner` rewards) hears of each step exactly once.
 */
export async function queueRedemptionEvent(
  tx: Tx,
  row: RedemptionRow,
  partner: string | null,
  now: Date,
): Promise<void> {
  const type: RedemptionEventType = `redemption.${row.status}`;
  const payload: RedemptionEvent = {
    redemptionId: row.id,
    learnerId: row.learnerId,
    itemId: row.itemId,
    kind: row.kind,
    title: row.title,
    cost: row.cost,
    status: row.status,
    partner,
    note: row.note,
    featureUntil: row.featureUntil?.toISOString() ?? null,
  };
  await enqueueEvents(
    tx,
    [{ licenseId: row.licenseId, type, dedupeKey: `${type}:${row.id}`, payload }],
    now,
  );
}

/** The license's redemptions, newest first (50 unless a limit is given). */
export async function redemptionRows(
  db: Db,
  licenseId: string,
  filter: RedemptionFilter,
): Promise<RedemptionRow[]> {
  return db
    .select()
    .from(rewardRedemptions)
    .where(
      and(
        eq(rewardRedemptions.licenseId, licenseId),
        filter.learnerId ? eq(rewardRedemptions.learnerId, filter.learnerId) : undefined,
        filter.status ? eq(rewardRedemptions.status, filter.status) : undefined,
      ),
    )
    .orderBy(desc(rewardRedemptions.createdAt), desc(rewardRedemptions.id))
    .limit(filter.limit ?? 50);
}

/** One redemption of the license, or a 404. */
export async function redemptionOf(tx: Tx, licenseId: string, id: string): Promise<RedemptionRow> {
  const [row] = await tx
    .select()
    .from(rewardRedemptions)
    .where(and(eq(rewardRedemptions.licenseId, licenseId), eq(rewardRedemptions.id, id)))
    .limit(1);
  if (!row) throw new ApiError('not_found', 'No such redemption.');
  return row;
}
