import { resourceMissing } from '../core/errors.js';
import { newId, PREFIX } from '../core/ids.js';
import type { JsonObject } from '../core/json.js';
import type { Router } from '../core/router.js';
import type { EmulatorContext } from '../context.js';

export interface BalanceTransactionRecord {
  id: string;
  created: number;
  amount: number;
  fee: number;
  currency: string;
  source: string;
  type: 'charge' | 'refund';
  description: string | null;
}

/**
 * Balance transactions behind charges and refunds, so code that reads Stripe's fee and net
 * (`expand[]=latest_charge.balance_transaction`) has numbers to read. Fees follow Stripe's
 * standard US card pricing, 2.9% + 30¢; refunds return no fee.
 */
export class BalanceLedger {
  readonly #entries = new Map<string, BalanceTransactionRecord>();

  constructor(private readonly ctx: EmulatorContext) {
    ctx.registry.register({
      object: 'balance_transaction',
      prefix: PREFIX.balanceTransaction,
      load: (id) => {
        const entry = this.#entries.get(id);
        return entry ? this.serialize(entry) : undefined;
      },
      refs: () => ['source'],
    });
  }

  record(
    entry: Omit<BalanceTransactionRecord, 'id' | 'created' | 'fee'>,
  ): BalanceTransactionRecord {
    const fee = entry.type === 'charge' ? Math.round(entry.amount * 0.029) + 30 : 0;
    const record = { ...entry, id: newId(PREFIX.balanceTransaction), created: this.ctx.now(), fee };
    this.#entries.set(record.id, record);
    return record;
  }

  clear(): void {
    this.#entries.clear();
  }

  serialize(e: BalanceTransactionRecord): JsonObject {
    return {
      id: e.id,
      object: 'balance_transaction',
      amount: e.amount,
      available_on: e.created + 2 * 86400,
      balance_type: 'payments',
      created: e.created,
      currency: e.currency,
      description: e.description,
      exchange_rate: null,
      fee: e.fee,
      fee_details:
        e.fee > 0
          ? [
              {
                amount: e.fee,
                application: null,
                currency: e.currency,
                description: 'Stripe processing fees',
                type: 'stripe_fee',
              },
            ]
          : [],
      net: e.amount - e.fee,
      reporting_category: e.type,
      source: e.source,
      status: 'pending',
      type: e.type,
    };
  }

  routes(router: Router): void {
    router.get('/v1/balance_transactions/:id', (req) => {
      req.params.allowOnly(['expand']);
      const id = req.pathParams.id ?? '';
      const entry = this.#entries.get(id);
      if (!entry) throw resourceMissing('balance transaction', id);
      return { body: this.ctx.expand(this.serialize(entry), req) };
    });
  }
}
