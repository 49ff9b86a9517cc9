import type { Db, Tx } from '../../db/store.js';
import type { PaymentRow } from './schema.js';

/*
 * What payments needs from other modules, handed in at construction (server/services.ts), so
 * that payments reads no other module's tables.
 */

/** A learner of a license, as receipts and partner events name them. */
export interface LearnerCard {
  id: string;
  /** The customer's own id for the learner (the token's `sub`). */
  subject: string;
  name: string;
}

/** Looks learners up, inside the caller's write when handed its `tx` (a `Tx` is a `Db`). */
export interface LearnerDirectory {
  find(db: Db, licenseId: string, learnerId: string): Promise<LearnerCard | undefined>;
}

/** The mode of a license's keys (`pk_test_…` or `pk_live_…`), or undefined for no such license. */
export interface LicenseModes {
  modeOf(licenseId: string): Promise<'test' | 'live' | undefined>;
}

/** An event for the license's partner endpoints. */
export interface PartnerEvent {
  licenseId: string;
  type: string;
  payload: Record<string, unknown>;
  /** Events with the same key are queued once, however often they are raised. */
  dedupeKey?: string;
}

/** Queues partner events inside the transaction of their cause, so one exists exactly when the other does. */
export interface PartnerEvents {
  enqueueIn(tx: Tx, events: readonly PartnerEvent[], now: Date): Promise<void>;
}

/**
 * Tokens a purchase earns (the rewards module's `purchase.completed` rule), awarded and taken
 * back, in proportion to each refund, inside the transactions that record the payment and its
 * refunds.
 */
export interface PurchaseRewards {
  /** Returns the reward transaction's id, or null when the license awards nothing. */
  awardIn(tx: Tx, payment: PaymentRow, now: Date): Promise<string | null>;
  /**
   * Takes back the refund's share of the award, so that the tokens taken back come to
   * floor(award × refunded so far / paid); once per refund. A balance already spent below it is
   * recorded as a shortfall.
   */
  reverseIn(
    tx: Tx,
    payment: PaymentRow,
    rewardTransactionId: string,
    refund: { id: string; totalRefunded: number },
    now: Date,
  ): Promise<void>;
}

/** Seals the key receipt links are signed with (the licenses module's secret box). */
export interface Sealer {
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): string;
}
