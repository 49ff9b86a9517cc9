import { and, eq, sum } from 'drizzle-orm';
import type { Logger } from 'pino';
import type Stripe from 'stripe';
import { first, type Store, type Tx } from '../../db/store.js';
import { ApiError } from '../../errors.js';
import { generateId } from '../../lib/ids.js';
import { requireStripe, stripeError } from '../../lib/stripe.js';
import type { Clock } from '../../services.js';
import type { RefundCreated, RefundReason, RefundView } from './contract.js';
import type { PartnerEvents, PurchaseRewards } from './dependencies.js';
import type { Registry, RefundApplied } from './products.js';
import { paymentOf, refundView } from './queries.js';
import { payments, refundRequests, refunds, type RefundRow } from './schema.js';
import type { Settlement } from './settlement.js';

/**
 * Refunds, from either side: the operator's request (admin API, CLI), stored with its
 * idempotency key before Stripe is asked, and Stripe's `charge.refunded` (its dashboard).
 * Each Stripe refund is recorded once, keyed by its id, whichever side saw it first.
 */
export class Refunds {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #stripe: Stripe | null;
  readonly #logger: Logger;
  readonly #registry: Registry;
  readonly #settlement: Settlement;
  readonly #events: PartnerEvents;
  readonly #rewards: PurchaseRewards | undefined;

  constructor(options: {
    store: Store;
    clock: Clock;
    stripe: Stripe | null;
    logger: Logger;
    registry: Registry;
    settlement: Settlement;
    events: PartnerEvents;
    rewards: PurchaseRewards | undefined;
  }) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#stripe = options.stripe;
    this.#logger = options.logger;
    this.#registry = options.registry;
    this.#settlement = options.settlement;
    this.#events = options.events;
    this.#rewards = options.rewards;
  }

  /**
   * Refunds a payment, in full (no amount) or in part. Refused before Stripe is asked when
   * the amount is more than what is left; the request and its idempotency key are stored
   * first, and the amount stays reserved until Stripe answers, so neither a retry nor two
   * operators at once can refund more than was paid.
   */
  async refund(
    licenseId: string,
    paymentId: string,
    input: {
      amount?: number | undefined;
      reason?: RefundReason | undefined;
      idempotencyKey: string;
    },
  ): Promise<RefundView> {
    const now = this.#clock.now();
    let stripe: Stripe | undefined;
    const prepared = await this.#store.write(async (tx) => {
      const payment = await paymentOf(tx, licenseId, paymentId);
      const previous = first(
        await tx
          .select()
          .from(refundRequests)
          .where(
            and(
              eq(refundRequests.licenseId, licenseId),
              eq(refundRequests.idempotencyKey, input.idempotencyKey),
            ),
          )
          .limit(1),
      );
      if (previous) {
        const same =
          previous.paymentId === paymentId &&
          (input.amount === undefined || input.amount === previous.amount) &&
          (input.reason ?? null) === previous.reason;
        if (!same) {
          throw new ApiError(
            'conflict',
            'This idempotency key was already used for a different refund request.',
            { extensions: { reason: 'idempotency_key_reused' } },
          );
        }
        if (previous.status !== 'succeeded') stripe = requireStripe(this.#stripe);
        return { payment, request: previous };
      }
      if (payment.status !== 'succeeded' || !payment.paymentIntentId) {
        throw new ApiError(
          'conflict',
          `Payment ${paymentId} is not paid, so nothing can be refunded.`,
          {
            extensions: { reason: 'not_paid', status: payment.status },
          },
        );
      }
      const [pending] = await tx
        .select({ total: sum(refundRequests.amount) })
        .from(refundRequests)
        .where(and(eq(refundRequests.paymentId, paymentId), eq(refundRequests.status, 'pending')));
      const reserved = Number(pending?.total ?? 0);
      const refundable = payment.amount - payment.amountRefunded - reserved;
      const amount = input.amount ?? refundable;
      if (refundable <= 0 || amount > refundable) {
        throw new ApiError(
          'conflict',
          refundable <= 0
            ? `Payment ${paymentId} has nothing left to refund.`
            : `At most ${refundable} (minor units of ${payment.currency}) of payment ${paymentId} can still be refunded; ${amount} was asked.`,
          {
            extensions: {
              reason: refundable <= 0 ? 'fully_refunded' : 'amount_exceeds_refundable',
              refundable: Math.max(0, refundable),
              currency: payment.currency,
            },
          },
        );
      }
      stripe = requireStripe(this.#stripe);
      const id = generateId('rfr');
      const [request] = await tx
        .insert(refundRequests)
        .values({
          id,
          licenseId,
          paymentId,
          idempotencyKey: input.idempotencyKey,
          amount,
          reason: input.reason ?? null,
          status: 'pending',
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      return { payment, request: request! };
    });
    const { payment, request } = prepared;
    if (request.status === 'succeeded' && request.refundId) {
      const done = first(
        await this.#store.db
          .select()
          .from(refunds)
          .where(eq(refunds.id, request.refundId))
          .limit(1),
      );
      if (done) return refundView(done);
    }

    let refund: Stripe.Refund;
    let refused = false;
    try {
      refund = await stripe!.refunds.create(
        {
          payment_intent: payment.paymentIntentId!,
          amount: request.amount,
          ...(request.reason ? { reason: request.reason as RefundReason } : {}),
          metadata: { license_id: licenseId, payment_id: paymentId, refund_request_id: request.id },
        },
        { idempotencyKey: `lx_${request.id}` },
      );
    } catch (error) {
      const failure = stripeError(error, {
        refused: {
          kinds: ['invalid_request', 'card'],
          answer: (refusal) => {
            refused = true;
            return new ApiError('conflict', `Stripe refused the refund: ${refusal.message}`, {
              extensions: { reason: 'refused_by_stripe', stripeCode: refusal.code },
            });
          },
        },
      });
      if (refused) {
        // Stripe said no: nothing moved, so the reservation and the key are released.
        await this.#store.write(async (tx) => {
          await tx.delete(refundRequests).where(eq(refundRequests.id, request.id));
        });
      }
      if (failure.code === 'service_unavailable') {
        this.#logger.warn({ err: error, paymentId }, 'refund not created');
      }
      throw failure;
    }
    return this.#store.write(async (tx) => {
      const at = this.#clock.now();
      await this.#record(tx, paymentId, refund, 'operator', at);
      await tx
        .update(refundRequests)
        .set({ status: 'succeeded', refundId: refund.id, updatedAt: at })
        .where(eq(refundRequests.id, request.id));
      return refundView(
        first(await tx.select().from(refunds).where(eq(refunds.id, refund.id)).limit(1))!,
      );
    });
  }

  /**
   * Records each of Stripe's refunds of a charge that is not recorded yet. Refunds are keyed
   * by Stripe's id, so whichever path saw one first (the operator's request or this event),
   * it counts once, with its exact amount, in whatever order the events arrive.
   */
  async applyRefunds(
    tx: Tx,
    charge: Stripe.Charge,
    list: Stripe.Refund[],
    now: Date,
  ): Promise<void> {
    const intentId =
      typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
    if (!intentId) return;
    const row = first(
      await tx.select().from(payments).where(eq(payments.paymentIntentId, intentId)).limit(1),
    );
    if (!row) return;
    // Stripe lists newest first; oldest first keeps the running totals in Stripe's order.
    for (const refund of [...list].reverse().sort((a, b) => a.created - b.created)) {
      const source = refund.metadata?.refund_request_id ? 'operator' : 'stripe';
      await this.#record(tx, row.id, refund, source, now);
    }
  }

  /** Records one Stripe refund once; returns it, or null when it was already recorded. */
  async #record(
    tx: Tx,
    paymentId: string,
    refund: Stripe.Refund,
    source: 'operator' | 'stripe',
    now: Date,
  ): Promise<RefundRow | null> {
    // Failed and canceled refunds never moved money.
    if (refund.status !== 'succeeded' && refund.status !== 'pending') return null;
    const payment = first(
      await tx.select().from(payments).where(eq(payments.id, paymentId)).limit(1),
    )!;
    const [recorded] = await tx
      .insert(refunds)
      .values({
        id: refund.id,
        licenseId: payment.licenseId,
        paymentId: payment.id,
        amount: refund.amount,
        currency: refund.currency.toUpperCase(),
        status: refund.status,
        reason: refund.reason ?? null,
        source,
        createdAt: now,
      })
      .onConflictDoNothing()
      .returning();
    if (!recorded) return null;
    const requestId = refund.metadata?.refund_request_id;
    if (requestId) {
      // The operator's request whose answer was lost on the way back is settled by the event.
      await tx
        .update(refundRequests)
        .set({ status: 'succeeded', refundId: refund.id, updatedAt: now })
        .where(
          and(eq(refundRequests.id, requestId), eq(refundRequests.licenseId, payment.licenseId)),
        );
    }
    const [sums] = await tx
      .select({ total: sum(refunds.amount) })
      .from(refunds)
      .where(eq(refunds.paymentId, payment.id));
    const total = Number(sums?.total ?? 0);
    const updated = first(
      await tx
        .update(payments)
        .set({ amountRefunded: total, updatedAt: now })
        .where(eq(payments.id, payment.id))
        .returning(),
    )!;
    const applied: RefundApplied = {
      amount: recorded.amount,
      totalRefunded: total,
      full: total >= updated.amount,
    };
    const payload: RefundCreated = {
      refundId: recorded.id,
      paymentId: updated.id,
      paymentIntentId: updated.paymentIntentId,
      learnerId: (await this.#settlement.subjectOf(tx, updated)) ?? updated.learnerId,
      kind: updated.kind,
      item: updated.item,
      amount: recorded.amount,
      currency: recorded.currency,
      totalRefunded: total,
      full: applied.full,
      reason: recorded.reason,
    };
    await this.#events.enqueueIn(
      tx,
      [
        {
          licenseId: updated.licenseId,
          type: 'refund.created',
          dedupeKey: `refund.created:${recorded.id}`,
          payload,
        },
      ],
      now,
    );
    if (updated.rewardTransactionId) {
      await this.#rewards?.reverseIn(
        tx,
        updated,
        updated.rewardTransactionId,
        { id: recorded.id, totalRefunded: total },
        now,
      );
    }
    await this.#registry.productOf(updated.kind)?.refunded?.(tx, updated, applied, now);
    return recorded;
  }
}
