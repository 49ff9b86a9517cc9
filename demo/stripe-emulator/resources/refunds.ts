import { invalidRequest, missingParam, resourceMissing } from '../core/errors.js';
import { newId, PREFIX } from '../core/ids.js';
import type { JsonObject } from '../core/json.js';
import { createdFilter, LIST_PARAMS, newestFirst, paginate } from '../core/list.js';
import { applyMetadata } from '../core/params.js';
import type { Router } from '../core/router.js';
import type { View } from '../core/version.js';
import type { EmulatorContext } from '../context.js';
import { formatAmount } from './money.js';
import type { ChargeRecord } from './payment-intents.js';

export interface RefundRecord {
  id: string;
  created: number;
  amount: number;
  currency: string;
  charge: string;
  paymentIntent: string;
  reason: 'duplicate' | 'fraudulent' | 'requested_by_customer' | null;
  status: 'succeeded';
  metadata: Record<string, string>;
  balanceTransaction: string;
}

const REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;

export class RefundsService {
  readonly #refunds = new Map<string, RefundRecord>();

  constructor(private readonly ctx: EmulatorContext) {
    ctx.registry.register({
      object: 'refund',
      prefix: PREFIX.refund,
      load: (id, view) => {
        const r = this.#refunds.get(id);
        return r ? this.serialize(r, view) : undefined;
      },
      refs: () => [
        'charge',
        'payment_intent',
        'balance_transaction',
        'failure_balance_transaction',
      ],
    });
  }

  clear(): void {
    this.#refunds.clear();
  }

  serialize = (r: RefundRecord, _view: View): JsonObject => ({
    id: r.id,
    object: 'refund',
    amount: r.amount,
    balance_transaction: r.balanceTransaction,
    charge: r.charge,
    created: r.created,
    currency: r.currency,
    destination_details: {
      card: {
        reference_status: 'pending',
        reference_type: 'acquirer_reference_number',
        type: 'refund',
      },
      type: 'card',
    },
    metadata: r.metadata,
    payment_intent: r.paymentIntent,
    reason: r.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: r.status,
    transfer_reversal: null,
  });

  listForCharge(chargeId: string, view: View): JsonObject {
    const data = newestFirst(this.#refunds.values())
      .filter((r) => r.charge === chargeId)
      .map((r) => this.serialize(r, view));
    return {
      object: 'list',
      data,
      has_more: false,
      total_count: data.length,
      url: `/v1/charges/${chargeId}/refunds`,
    };
  }

  #chargeFor(paymentIntentId: string | undefined, chargeId: string | undefined): ChargeRecord {
    if (paymentIntentId && chargeId) {
      throw invalidRequest(
        'You may only specify one of these parameters: charge, payment_intent.',
        {
          param: 'payment_intent',
        },
      );
    }
    if (chargeId) {
      const charge = this.ctx.paymentIntents.findCharge(chargeId);
      if (!charge) throw resourceMissing('charge', chargeId, 'charge');
      if (charge.status !== 'succeeded') {
        throw invalidRequest(`Charge ${charge.id} has not been captured and cannot be refunded.`, {
          param: 'charge',
          code: 'charge_not_refundable',
        });
      }
      return charge;
    }
    if (!paymentIntentId) {
      throw missingParam('payment_intent');
    }
    const pi = this.ctx.paymentIntents.find(paymentIntentId);
    if (!pi) throw resourceMissing('payment_intent', paymentIntentId, 'payment_intent');
    const charge = pi.latestCharge
      ? this.ctx.paymentIntents.findCharge(pi.latestCharge)
      : undefined;
    if (pi.status !== 'succeeded' || !charge || charge.status !== 'succeeded') {
      throw invalidRequest(
        `This PaymentIntent (${pi.id}) does not have a successful charge to refund.`,
        { param: 'payment_intent', code: 'charge_not_refundable' },
      );
    }
    return charge;
  }

  routes(router: Router): void {
    router.post('/v1/refunds', (req) => {
      const p = req.params.allowOnly([
        'payment_intent',
        'charge',
        'amount',
        'reason',
        'metadata',
        'instructions_email',
        'refund_application_fee',
        'reverse_transfer',
        'expand',
      ]);
      const charge = this.#chargeFor(p.string('payment_intent'), p.string('charge'));
      const remaining = charge.amountCaptured - charge.amountRefunded;
      const amount = p.int('amount', { min: 1 }) ?? remaining;
      if (remaining <= 0) {
        throw invalidRequest(`Charge ${charge.id} has already been refunded.`, {
          code: 'charge_already_refunded',
        });
      }
      if (amount > remaining) {
        throw invalidRequest(
          `Refund amount (${formatAmount(amount, charge.currency)}) is greater than unrefunded amount on charge (${formatAmount(remaining, charge.currency)})`,
          { param: 'amount', code: 'amount_too_large' },
        );
      }
      const refund: RefundRecord = {
        id: newId(PREFIX.refund),
        created: this.ctx.now(),
        amount,
        currency: charge.currency,
        charge: charge.id,
        paymentIntent: charge.paymentIntent,
        reason: p.enumOf('reason', REASONS) ?? null,
        status: 'succeeded',
        metadata: applyMetadata({}, p.metadata()),
        balanceTransaction: '',
      };
      refund.balanceTransaction = this.ctx.balance.record({
        amount: -amount,
        currency: charge.currency,
        source: refund.id,
        type: 'refund',
        description: 'REFUND FOR CHARGE',
      }).id;
      this.#refunds.set(refund.id, refund);
      const before = this.ctx.paymentIntents.addRefund(charge, amount);
      this.ctx.events.emit('refund.created', this.serialize, refund);
      this.ctx.events.emit(
        'charge.refunded',
        this.ctx.paymentIntents.serializeCharge,
        charge,
        before,
      );
      return { body: this.ctx.expand(this.serialize(refund, req.view), req) };
    });

    router.get('/v1/refunds/:id', (req) => {
      req.params.allowOnly(['expand']);
      const id = req.pathParams.id ?? '';
      const refund = this.#refunds.get(id);
      if (!refund) throw resourceMissing('refund', id);
      return { body: this.ctx.expand(this.serialize(refund, req.view), req) };
    });

    router.post('/v1/refunds/:id', (req) => {
      const p = req.params.allowOnly(['metadata', 'expand']);
      const id = req.pathParams.id ?? '';
      const refund = this.#refunds.get(id);
      if (!refund) throw resourceMissing('refund', id);
      const before = structuredClone(refund);
      refund.metadata = applyMetadata(refund.metadata, p.metadata());
      this.ctx.events.emit('refund.updated', this.serialize, refund, before);
      this.ctx.events.emit('charge.refund.updated', this.serialize, refund, before);
      return { body: this.ctx.expand(this.serialize(refund, req.view), req) };
    });

    router.post('/v1/refunds/:id/cancel', (req) => {
      req.params.allowOnly(['expand']);
      const id = req.pathParams.id ?? '';
      const refund = this.#refunds.get(id);
      if (!refund) throw resourceMissing('refund', id);
      throw invalidRequest(
        `Refund ${refund.id} cannot be canceled because it has a status of ${refund.status}. Only refunds with a status of requires_action can be canceled.`,
      );
    });

    router.get('/v1/refunds', (req) => {
      const p = req.params.allowOnly([...LIST_PARAMS, 'charge', 'payment_intent', 'created']);
      const charge = p.string('charge');
      const intent = p.string('payment_intent');
      const inRange = createdFilter(p);
      const list = newestFirst(this.#refunds.values()).filter(
        (r) =>
          (!charge || r.charge === charge) &&
          (!intent || r.paymentIntent === intent) &&
          inRange(r.created),
      );
      return {
        body: this.ctx.expand(
          paginate(list, p, '/v1/refunds', (r) => this.serialize(r, req.view), 'refund'),
          req,
        ),
      };
    });
  }
}
