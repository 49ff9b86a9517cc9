import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import { first, type Store, type Tx } from '../../db/store.js';
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
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #marketplace: MarketplaceService;

  constructor(store: Store, clock: Clock, marketplace: MarketplaceService) {
    this.#store = store;
    this.#clock = clock;
    this.#marketplace = marketplace;
  }

  /** The instructor's share in basis points: their own override, else the license's split. */
  async shareBps(tx: Tx, licenseId: string, instructorId: string): Promise<number> {
    const instructor = first(
      await tx
        .select()
        .from(instructors)
        .where(and(eq(instructors.licenseId, licenseId), eq(instructors.id, instructorId)))
        .limit(1),
    );
    const settings = await this.#marketplace.settings(licenseId, tx);
    if (instructor?.shareBps !== null && instructor?.shareBps !== undefined)
      return instructor.shareBps;
    return instructor?.enterprise ? settings.enterpriseShareBps : settings.instructorShareBps;
  }

  /** Records the split of a course payment; inside the transaction that records it as paid. */
  async recordSale(tx: Tx, payment: PaymentRow, course: CourseRow, now: Date): Promise<void> {
    const bps = await this.shareBps(tx, payment.licenseId, course.instructorId);
    const split = splitAmount(payment.amount, bps);
    await tx.insert(instructorEarnings).values({
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
    });
  }

  /**
   * Takes back the shares a refund covers. The cumulative refund is allocated over the
   * original shares and what earlier refunds took back is subtracted, so any sequence of
   * partial refunds ends, at the full amount, with both shares reversed exactly.
   */
  async recordRefund(tx: Tx, payment: PaymentRow, refund: RefundApplied, now: Date): Promise<void> {
    const earned = first(
      await tx.select().from(instructorEarnings).where(paymentRows(payment, 'earned')).limit(1),
    );
    if (!earned) return;
    const [before] = await tx
      .select({
        instructor: sql<number>`coalesce(sum(${instructorEarnings.amount}), 0)`.mapWith(Number),
        platform: sql<number>`coalesce(sum(${instructorEarnings.platformAmount}), 0)`.mapWith(
          Number,
        ),
      })
      .from(instructorEarnings)
      .where(paymentRows(payment, 'reversed'));
    const original = { instructor: earned.amount, platform: earned.platformAmount };
    const total = Math.min(refund.totalRefunded, original.instructor + original.platform);
    const target = refundedShares(original, total);
    const instructor = target.instructor + before!.instructor;
    const platform = target.platform + before!.platform;
    if (instructor === 0 && platform === 0) return;
    await tx.insert(instructorEarnings).values({
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
    });
  }

  /** Records a payout to the instructor (money sent outside the kit). */
  async payout(
    licenseId: string,
    instructorId: string,
    input: { amount: number; currency: string; note?: string },
  ): Promise<{ id: string; balance: number; currency: string }> {
    if (!Number.isSafeInteger(input.amount) || input.amount < 1) {
      throw new ApiError(
        'validation_failed',
        'A payout is a positive whole number of minor units.',
        {
          errors: [{ path: 'body.amount', message: 'Expected a positive integer' }],
        },
      );
    }
    await this.#marketplace.instructor(licenseId, instructorId);
    // The balance is read in the write that pays out: two payouts cannot both spend it.
    return this.#store.write(async (tx) => {
      const [sum] = await tx
        .select({
          n: sql<number>`coalesce(sum(${instructorEarnings.amount}), 0)`.mapWith(Number),
        })
        .from(instructorEarnings)
        .where(
          and(
            eq(instructorEarnings.licenseId, licenseId),
            eq(instructorEarnings.instructorId, instructorId),
            eq(instructorEarnings.currency, input.currency),
          ),
        );
      const balance = sum!.n;
      if (input.amount > balance) {
        throw new ApiError(
          'conflict',
          `The instructor has ${balance} ${input.currency} (minor units) to pay out.`,
          { extensions: { reason: 'insufficient_balance', balance } },
        );
      }
      const [row] = await tx
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
        .returning();
      return { id: row!.id, balance: balance - input.amount, currency: input.currency };
    });
  }

  /** What the instructor earned, had reversed and was paid in [from, to). */
  async report(
    licenseId: string,
    instructorId: string,
    period: { from?: Date; to?: Date } = {},
  ): Promise<EarningsReport> {
    const instructor = await this.#marketplace.instructor(licenseId, instructorId);
    const rows = await this.#store.db
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
      .orderBy(asc(instructorEarnings.createdAt), asc(instructorEarnings.id));
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
