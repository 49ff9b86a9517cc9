import { and, eq } from 'drizzle-orm';
import { ApiError } from '../../errors.js';
import { learners } from '../learners/schema.js';
import type { Ledger } from '../rewards/ledger.js';
import { rewardRules } from '../rewards/schema.js';
import type { PurchaseRewards } from './service.js';

/** The rewards activity a purchase reports: its rule gives tokens per currency major unit. */
export const PURCHASE_ACTIVITY = 'purchase.completed';

function minorDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits ?? 2
    );
  } catch {
    return 2;
  }
}

/**
 * Purchases earn tokens through the license's `purchase.completed` rule (tokens per whole
 * currency unit paid, its daily cap applying), inside the transaction that records the
 * payment. Each refund takes back its share: after refunds totalling `refunded`, exactly
 * floor(award × refunded / paid) tokens are taken back (all of them once the payment is wholly
 * refunded), through the ledger, which records a shortfall instead of taking a balance below
 * zero, once per refund. Without such a rule nothing is awarded.
 */
export function purchaseRewards(ledger: () => Ledger): PurchaseRewards {
  return {
    awardIn(tx, payment) {
      const rule = tx
        .select({ amount: rewardRules.amount })
        .from(rewardRules)
        .where(
          and(
            eq(rewardRules.licenseId, payment.licenseId),
            eq(rewardRules.activity, PURCHASE_ACTIVITY),
          ),
        )
        .get();
      if (!rule) return null;
      const learner = tx
        .select({ subject: learners.subject })
        .from(learners)
        .where(and(eq(learners.id, payment.learnerId), eq(learners.licenseId, payment.licenseId)))
        .get();
      const units = Math.floor(payment.amount / 10 ** minorDigits(payment.currency));
      if (!learner || units <= 0) return null;
      // Rewards name learners by the customer's id for them (the token's `sub`).
      const earned = ledger().earnIn(tx, payment.licenseId, {
        learnerId: learner.subject,
        activity: PURCHASE_ACTIVITY,
        units,
      });
      return earned.transaction?.id ?? null;
    },
    reverseIn(tx, payment, rewardTransactionId, refund) {
      try {
        ledger().reverseShareIn(tx, payment.licenseId, rewardTransactionId, {
          part: Math.min(refund.totalRefunded, payment.amount),
          whole: payment.amount,
          key: `refund:${refund.id}`,
          reason: `refund:${payment.id}`,
        });
      } catch (error) {
        // Gone, or not an award the ledger can take back in shares: the refund itself must
        // still be recorded.
        if (!(error instanceof ApiError)) throw error;
      }
    },
  };
}
