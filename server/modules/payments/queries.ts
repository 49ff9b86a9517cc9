import { and, desc, eq, lt } from 'drizzle-orm';
import { first, type Db, type Store } from '../../db/store.js';
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
export async function paymentOf(db: Db, licenseId: string, paymentId: string): Promise<PaymentRow> {
  const row = first(
    await db
      .select()
      .from(payments)
      .where(and(eq(payments.licenseId, licenseId), eq(payments.id, paymentId)))
      .limit(1),
  );
  if (!row) throw new ApiError('not_found', `No payment ${paymentId} in license ${licenseId}.`);
  return row;
}

/** Payments as their learner and the operator read them. */
export class PaymentQueries {
  readonly #store: Store;
  readonly #receipts: Receipts;

  constructor(store: Store, receipts: Receipts) {
    this.#store = store;
    this.#receipts = receipts;
  }

  /** A payment of this learner, by its payment intent; another learner's is not found. */
  async find(learner: Learner, paymentIntentId: string): Promise<PaymentView> {
    const row = first(
      await this.#store.db
        .select()
        .from(payments)
        .where(
          and(
            eq(payments.licenseId, learner.licenseId),
            eq(payments.learnerId, learner.id),
            eq(payments.paymentIntentId, paymentIntentId),
          ),
        )
        .limit(1),
    );
    if (!row) throw new ApiError('not_found', `No payment ${paymentIntentId} of yours.`);
    const receipt =
      row.status === 'succeeded' ? await this.#receipts.forPayment(row.id) : undefined;
    return paymentView(row, receipt ? await this.#receipts.link(receipt) : null);
  }

  /** A payment of a license with its receipt and refunds. */
  async detail(licenseId: string, paymentId: string): Promise<PaymentDetail> {
    return this.#detail(await paymentOf(this.#store.db, licenseId, paymentId));
  }

  /** A license's payments, newest first. */
  async list(
    licenseId: string,
    options: { limit: number; status?: string | undefined; before?: Date | undefined },
  ): Promise<PaymentDetail[]> {
    const rows = await this.#store.db
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
      .limit(options.limit);
    const details: PaymentDetail[] = [];
    for (const row of rows) details.push(await this.#detail(row));
    return details;
  }

  async #detail(row: PaymentRow): Promise<PaymentDetail> {
    const base: Partial<PaymentView> & Omit<PaymentView, 'receiptUrl'> = paymentView(row, null);
    delete base.receiptUrl;
    const receipt = await this.#receipts.forPayment(row.id);
    const refundRows = await this.#store.db
      .select()
      .from(refunds)
      .where(and(eq(refunds.licenseId, row.licenseId), eq(refunds.paymentId, row.id)))
      .orderBy(refunds.createdAt);
    return {
      ...base,
      licenseId: row.licenseId,
      learnerId: row.learnerId,
      description: row.description,
      receiptId: receipt?.id ?? null,
      receiptNumber: receipt?.number ?? null,
      refunds: refundRows.map(refundView),
      createdAt: row.createdAt.toISOString(),
    };
  }
}
