import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { ApiError } from '../../errors.js';
import type { Learner } from '../learners/service.js';
import type { PaymentDetail, PaymentView, RefundView } from './contract.js';
import type { Receipts } from './receipts.js';
import { payments, refunds, type PaymentRow, type RefundRow } from './schema.js';

export function refundView(row: RefundRow): RefundView {
  return {
    id: row.id,
    paymentId: row.paymentId,
    amount: row.amount,
    currency: row.currency,
    status: row.status,
    reason: row.reason,
    source: row.source,
    createdAt: row.createdAt.toISOString(),
  };
}

function paymentView(row: PaymentRow, receiptUrl: string | null): PaymentView {
  return {
    paymentId: row.id,
    paymentIntentId: row.paymentIntentId,
    kind: row.kind,
    item: row.item,
    amount: row.amount,
    amountRefunded: row.amountRefunded,
    currency: row.currency,
    status: row.status,
    failureCode: row.failureCode,
    receiptUrl,
  };
}

/** A payment of a license; another license's is not found. */
export function paymentOf(db: Db | Tx, licenseId: string, paymentId: string): PaymentRow {
  const row = db
    .select()
    .from(payments)
    .where(and(eq(payments.licenseId, licenseId), eq(payments.id, paymentId)))
    .get();
  if (!row) throw new ApiError('not_found', `No payment ${paymentId} in license ${licenseId}.`);
  return row;
}

/** Payments as their learner and the operator read them. */
export class PaymentQueries {
  readonly #db: Db;
  readonly #receipts: Receipts;

  constructor(db: Db, receipts: Receipts) {
    this.#db = db;
    this.#receipts = receipts;
  }

  /** A payment of this learner, by its payment intent; another learner's is not found. */
  find(learner: Learner, paymentIntentId: string): PaymentView {
    const row = this.#db
      .select()
      .from(payments)
      .where(
        and(
          eq(payments.licenseId, learner.licenseId),
          eq(payments.learnerId, learner.id),
          eq(payments.paymentIntentId, paymentIntentId),
        ),
      )
      .get();
    if (!row) throw new ApiError('not_found', `No payment ${paymentIntentId} of yours.`);
    const receipt = row.status === 'succeeded' ? this.#receipts.forPayment(row.id) : undefined;
    return paymentView(row, receipt ? this.#receipts.link(receipt) : null);
  }

  /** A payment of a license with its receipt and refunds. */
  detail(licenseId: string, paymentId: string): PaymentDetail {
    return this.#detail(paymentOf(this.#db, licenseId, paymentId));
  }

  /** A license's payments, newest first. */
  list(
    licenseId: string,
    options: { limit: number; status?: string | undefined; before?: Date | undefined },
  ): PaymentDetail[] {
    return this.#db
      .select()
      .from(payments)
      .where(
        and(
          eq(payments.licenseId, licenseId),
          options.status ? eq(payments.status, options.status) : undefined,
          options.before ? lt(payments.createdAt, options.before) : undefined,
        ),
      )
      .orderBy(desc(payments.createdAt))
      .limit(options.limit)
      .all()
      .map((row) => this.#detail(row));
  }

  #detail(row: PaymentRow): PaymentDetail {
    const base: Partial<PaymentView> & Omit<PaymentView, 'receiptUrl'> = paymentView(row, null);
    delete base.receiptUrl;
    const receipt = this.#receipts.forPayment(row.id);
    return {
      ...base,
      licenseId: row.licenseId,
      learnerId: row.learnerId,
      description: row.description,
      receiptId: receipt?.id ?? null,
      receiptNumber: receipt?.number ?? null,
      refunds: this.#db
        .select()
        .from(refunds)
        .where(and(eq(refunds.licenseId, row.licenseId), eq(refunds.paymentId, row.id)))
        .orderBy(refunds.createdAt)
        .all()
        .map(refundView),
      createdAt: row.createdAt.toISOString(),
    };
  }
}
