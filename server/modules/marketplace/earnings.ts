import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import { writeTransaction, type Db, type Tx } from '../../db/client.js';
import { ApiError } from '../../errors.js';
import type { Clock } from '../../services.js';
import { generateId } from '../../lib/ids.js';
import type { PaymentRow } from '../payments/schema.js';
import type { RefundApplied } from '../payments/products.js';
import type { EarningsReport } from './contract.js';
import {
  courses,
  instructorEarnings,
  instructors,
  type CourseRow,
  type EarningKind,
} from './schema.js';
import { refundedShares, splitAmount } from './split.js';
import type { MarketplaceService } from './service.js';

/** The ledger rows of one kind that a payment wrote. */
const paymentRows = (payment: PaymentRow, kind: EarningKind) =>
  and(
    eq(instructorEarnings.licenseId, payment.licenseId),
    eq(instructorEarnings.paymentId, payment.id),
    eq(instructorEarnings.kind, kind),
  );

/**
 * The instructors' earnings ledger: a payment's split is written as one `earned` row when it
 * succeeds, refunds write `reversed` rows that take back the shares exactly, and payouts are
 * `paid_out` rows. Reports sum rows; nothing is stored twice.
 */
export class Earnings {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #marketplace: MarketplaceService;

  constructor(db: Db, clock: Clock, marketplace: MarketplaceService) {
    this.#db = db;
    this.#clock = clock;
    this.#marketplace = marketplace;
  }

  /** The instructor's share in basis points: their own override, else the license's split. */
  shareBps(tx: Tx, licenseId: string, instructorId: string): number {
    const instructor = tx
      .select()
      .from(instructors)
      .where(and(eq(instructors.licenseId, licenseId), eq(instructors.id, instructorId)))
      .get();
    const settings = this.#marketplace.settings(licenseId, tx);
    if (instructor?.shareBps !== null && instructor?.shareBps !== undefined)
      return instructor.shareBps;
    return instructor?.enterprise ? settings.enterpriseShareBps : settings.instructorShareBps;
  }

  /** Records the split of a course payment; inside the transaction that records it as paid. */
  recordSale(tx: Tx, payment: PaymentRow, course: CourseRow, now: Date): void {
    const bps = this.shareBps(tx, payment.licenseId, course.instructorId);
    const split = splitAmount(payment.amount, bps);
    tx.insert(instructorEarnings)
      .values({
        id: generateId('ern'),
        licenseId: payment.licenseId,
        instructorId: course.instructorId,
        kind: 'earned',
        courseId: course.id,
        paymentId: payment.id,
        amount: split.instructor,
        platformAmount: split.platform,
        currency: payment.currency,
        shareBps: bps,
        createdAt: now,
      })
      .run();
  }

  /**
   * Takes back the shares a refund covers. The cumulative refund is allocated over the
   * original shares and what earlier refunds took back is subtracted, so any sequence of
   * partial refunds ends, at the full amount, with both shares reversed exactly.
   */
  recordRefund(tx: Tx, payment: PaymentRow, refund: RefundApplied, now: Date): void {
    const earned = tx.select().from(instructorEarnings).where(paymentRows(payment, 'earned')).get();
    if (!earned) return;
    const before = tx
      .select({
        instructor: sql<number>`coalesce(sum(${instructorEarnings.amount}), 0)`,
        platform: sql<number>`coalesce(sum(${instructorEarnings.platformAmount}), 0)`,
      })
      .from(instructorEarnings)
      .where(paymentRows(payment, 'reversed'))
      .get()!;
    const original = { instructor: earned.amount, platform: earned.platformAmount };
    const total = Math.min(refund.totalRefunded, original.instructor + original.platform);
    const target = refundedShares(original, total);
    const instructor = target.instructor + before.instructor;
    const platform = target.platform + before.platform;
    if (instructor === 0 && platform === 0) return;
    tx.insert(instructorEarnings)
      .values({
        id: generateId('ern'),
        licenseId: payment.licenseId,
        instructorId: earned.instructorId,
        kind: 'reversed',
        courseId: earned.courseId,
        paymentId: payment.id,
        amount: -instructor,
        platformAmount: -platform,
        currency: earned.currency,
        shareBps: earned.shareBps,
        createdAt: now,
      })
      .run();
  }

  /** Records a payout to the instructor (money sent outside the kit). */
  payout(
    licenseId: string,
    instructorId: string,
    input: { amount: number; currency: string; note?: string },
  ) {
    if (!Number.isSafeInteger(input.amount) || input.amount < 1) {
      throw new ApiError(
        'validation_failed',
        'A payout is a positive whole number of minor units.',
        {
          errors: [{ path: 'body.amount', message: 'Expected a positive integer' }],
        },
      );
    }
    this.#marketplace.instructor(licenseId, instructorId);
    return writeTransaction(this.#db, (tx) => {
      const balance = tx
        .select({ n: sql<number>`coalesce(sum(${instructorEarnings.amount}), 0)` })
        .from(instructorEarnings)
        .where(
          and(
            eq(instructorEarnings.licenseId, licenseId),
            eq(instructorEarnings.instructorId, instructorId),
            eq(instructorEarnings.currency, input.currency),
          ),
        )
        .get()!.n;
      if (input.amount > balance) {
        throw new ApiError(
          'conflict',
          `The instructor has ${balance} ${input.currency} (minor units) to pay out.`,
          { extensions: { reason: 'insufficient_balance', balance } },
        );
      }
      const row = tx
        .insert(instructorEarnings)
        .values({
          id: generateId('ern'),
          licenseId,
          instructorId,
          kind: 'paid_out',
          courseId: null,
          paymentId: null,
          amount: -input.amount,
          platformAmount: 0,
          currency: input.currency,
          shareBps: null,
          note: input.note ?? null,
          createdAt: this.#clock.now(),
        })
        .returning()
        .get();
      return { id: row.id, balance: balance - input.amount, currency: input.currency };
    });
  }

  /** What the instructor earned, had reversed and was paid in [from, to). */
  report(
    licenseId: string,
    instructorId: string,
    period: { from?: Date; to?: Date } = {},
  ): EarningsReport {
    const instructor = this.#marketplace.instructor(licenseId, instructorId);
    const rows = this.#db
      .select({
        id: instructorEarnings.id,
        kind: instructorEarnings.kind,
        courseId: instructorEarnings.courseId,
        paymentId: instructorEarnings.paymentId,
        amount: instructorEarnings.amount,
        platformAmount: instructorEarnings.platformAmount,
        currency: instructorEarnings.currency,
        createdAt: instructorEarnings.createdAt,
        title: courses.title,
      })
      .from(instructorEarnings)
      .leftJoin(courses, eq(courses.id, instructorEarnings.courseId))
      .where(
        and(
          eq(instructorEarnings.licenseId, licenseId),
          eq(instructorEarnings.instructorId, instructorId),
          period.from ? gte(instructorEarnings.createdAt, period.from) : undefined,
          period.to ? lt(instructorEarnings.createdAt, period.to) : undefined,
        ),
      )
      .orderBy(asc(instructorEarnings.createdAt), asc(instructorEarnings.id))
      .all();
    const totals = new Map<string, EarningsReport['totals'][number]>();
    const byCourse = new Map<string, EarningsReport['courses'][number]>();
    for (const r of rows) {
      const t = totals.get(r.currency) ?? {
        currency: r.currency,
        earned: 0,
        reversed: 0,
        paidOut: 0,
        net: 0,
        platformEarned: 0,
        platformReversed: 0,
      };
      if (r.kind === 'earned') {
        t.earned += r.amount;
        t.platformEarned += r.platformAmount;
      } else if (r.kind === 'reversed') {
        t.reversed += -r.amount;
        t.platformReversed += -r.platformAmount;
      } else {
        t.paidOut += -r.amount;
      }
      t.net += r.amount;
      totals.set(r.currency, t);
      if (r.courseId) {
        const key = `${r.courseId}:${r.currency}`;
        const c = byCourse.get(key) ?? {
          courseId: r.courseId,
          title: r.title ?? '',
          currency: r.currency,
          sales: 0,
          earned: 0,
          reversed: 0,
        };
        if (r.kind === 'earned') {
          c.sales += 1;
          c.earned += r.amount;
        } else if (r.kind === 'reversed') {
          c.reversed += -r.amount;
        }
        byCourse.set(key, c);
      }
    }
    return {
      instructor: { id: instructor.id, name: instructor.name },
      from: period.from?.toISOString() ?? null,
      to: period.to?.toISOString() ?? null,
      totals: [...totals.values()].sort((a, b) => (a.currency < b.currency ? -1 : 1)),
      courses: [...byCourse.values()].sort((a, b) => b.earned - a.earned),
      entries: rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        courseId: r.courseId,
        paymentId: r.paymentId,
        amount: r.amount,
        platformAmount: r.platformAmount,
        currency: r.currency,
        createdAt: r.createdAt.toISOString(),
      })),
    };
  }
}
