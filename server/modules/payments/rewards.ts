import type { Tx } from '../../db/store.js';
import { ApiError } from '../../errors.js';
import type { LearnerDirectory, PurchaseRewards } from './dependencies.js';

/** The rewards activity a purchase reports: its rule gives tokens per currency major unit. */
export const PURCHASE_ACTIVITY = 'purchase.completed';

/** The part of the rewards ledger purchases use (`services.rewards.ledger`). */
export interface PurchaseLedger {
  rules(licenseId: string): Promise<readonly { activity: string }[]>;
  earnIn(
    tx: Tx,
    licenseId: string,
    input: { learnerId: string; activity: string; units: number },
  ): Promise<{ transaction: { id: string } | null }>;
  reverseShareIn(
    tx: Tx,
    licenseId: string,
    transactionId: string,
    share: { part: number; whole: number; key: string; reason: string },
  ): Promise<unknown>;
}

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
export function purchaseRewards(
  ledger: () => PurchaseLedger,
  learners: LearnerDirectory,
): PurchaseRewards {
  return {
    async awardIn(tx, payment) {
      const ruled = (await ledger().rules(payment.licenseId)).some(
        (rule) => rule.activity === PURCHASE_ACTIVITY,
      );
      if (!ruled) return null;
      const learner = await learners.find(tx, payment.licenseId, payment.learnerId);
      const units = Math.floor(payment.amount / 10 ** minorDigits(payment.currency));
      if (!learner || units <= 0) return null;
      // Rewards name learners by the customer's id for them (the token's `sub`).
      const earned = await ledger().earnIn(tx, payment.licenseId, {
        learnerId: learner.subject,
        activity: PURCHASE_ACTIVITY,
        units,
      });
      return earned.transaction?.id ?? null;
    },
    async reverseIn(tx, payment, rewardTransactionId, refund) {
      try {
        await ledger().reverseShareIn(tx, payment.licenseId, rewardTransactionId, {
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
