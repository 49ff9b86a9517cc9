import { and, eq, sql } from 'drizzle-orm';
import type { Store } from '../../../db/store.js';
import { ApiError } from '../../../errors.js';
import type { Clock } from '../../../services.js';
import type { RedemptionStatus, RedemptionView } from '../contract.js';
import type { Ledger } from '../ledger.js';
import { rewardItems, rewardRedemptions } from '../schema.js';
import { queueRedemptionEvent, redemptionOf, redemptionView } from './records.js';

/**
 * Moves a requested redemption on: `fulfilled` by the operator or partner, `rejected` by the
 * operator, `canceled` by the learner (`learnerId` given: only their own). Rejecting or
 * canceling reverses the spend and returns the stock. A redemption moves on once.
 */
export async function transition(
  deps: { store: Store; clock: Clock; ledger: Ledger },
  licenseId: string,
  id: string,
  to: Exclude<RedemptionStatus, 'requested'>,
  note: string | null,
  learnerId?: string,
): Promise<RedemptionView> {
  return deps.store.write(async (tx) => {
    const row = await redemptionOf(tx, licenseId, id);
    if (learnerId !== undefined && row.learnerId !== learnerId) {
      throw new ApiError('not_found', 'No such redemption.');
    }
    if (row.status !== 'requested') {
      throw new ApiError('conflict', `This redemption is already ${row.status}.`, {
        extensions: { reason: 'redemption_closed', status: row.status },
      });
    }
    let reversalTransactionId: string | null = null;
    if (to !== 'fulfilled') {
      const reversal = await deps.ledger.reverseIn(
        tx,
        licenseId,
        row.spendTransactionId,
        `${to}:${row.title}`,
      );
      reversalTransactionId = reversal.transaction.id;
      await tx
        .update(rewardItems)
        .set({ stock: sql`${rewardItems.stock} + 1` })
        .where(and(eq(rewardItems.id, row.itemId), sql`${rewardItems.stock} is not null`));
    }
    const [updated] = await tx
      .update(rewardRedemptions)
      .set({ status: to, note, reversalTransactionId, updatedAt: deps.clock.now() })
      .where(eq(rewardRedemptions.id, id))
      .returning();
    if (!updated) throw new ApiError('not_found', 'No such redemption.');
    const [item] = await tx
      .select()
      .from(rewardItems)
      .where(eq(rewardItems.id, row.itemId))
      .limit(1);
    await queueRedemptionEvent(tx, updated, item?.details.partner ?? null, deps.clock.now());
    return redemptionView(updated);
  });
}
