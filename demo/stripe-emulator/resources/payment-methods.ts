import { createHash } from 'node:crypto';
import { invalidRequest, missingParam, resourceMissing, StripeApiError } from '../core/errors.js';
import { newId, PREFIX } from '../core/ids.js';
import type { Json, JsonObject } from '../core/json.js';
import { LIST_PARAMS, newestFirst, paginate } from '../core/list.js';
import { applyMetadata, type Params } from '../core/params.js';
import type { Router } from '../core/router.js';
import type { View } from '../core/version.js';
import type { EmulatorContext } from '../context.js';
import { cardFor, luhnValid, MAGIC_PAYMENT_METHODS, type Decline, type TestCard } from './cards.js';
import type { CustomerRecord } from './customers.js';

export interface PaymentMethodRecord {
  id: string;
  created: number;
  customer: string | null;
  /** Kept only to look up the test card's behaviour; never serialized. */
  number: string;
  brand: TestCard['brand'];
  last4: string;
  expMonth: number;
  expYear: number;
  funding: TestCard['funding'];
  country: string;
  fingerprint: string;
  billingDetails: JsonObject;
  metadata: Record<string, string>;
}

const EMPTY_ADDRESS: JsonObject = {
  city: null,
  country: null,
  line1: null,
  line2: null,
  postal_code: null,
  state: null,
};

/** A card error (402) as Stripe answers invalid card details or a decline without a charge. */
export function cardError(
  code: string,
  message: string,
  extra: { param?: string; declineCode?: string } = {},
): StripeApiError {
  return new StripeApiError(402, {
    type: 'card_error',
    code,
    message,
    param: extra.param,
    decline_code: extra.declineCode,
  });
}

export class PaymentMethodsService {
  readonly #methods = new Map<string, PaymentMethodRecord>();

  constructor(private readonly ctx: EmulatorContext) {
    ctx.registry.register({
      object: 'payment_method',
      prefix: PREFIX.paymentMethod,
      load: (id, view) => {
        const pm = this.#methods.get(id);
        return pm ? this.serialize(pm, view) : undefined;
      },
      refs: () => ['customer'],
    });
  }

  find(id: string): PaymentMethodRecord | undefined {
    return this.#methods.get(id);
  }

  cardOf(pm: PaymentMethodRecord): TestCard {
    return cardFor(pm.number);
  }

  clear(): void {
    this.#methods.clear();
  }

  serialize = (pm: PaymentMethodRecord, _view: View): JsonObject => ({
    id: pm.id,
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: pm.billingDetails,
    card: this.cardDetails(pm),
    created: pm.created,
    customer: pm.customer,
    livemode: false,
    metadata: pm.metadata,
    type: 'card',
  });

  cardDetails(pm: PaymentMethodRecord): JsonObject {
    return {
      brand: pm.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
      country: pm.country,
      display_brand: pm.brand,
      exp_month: pm.expMonth,
      exp_year: pm.expYear,
      fingerprint: pm.fingerprint,
      funding: pm.funding,
      generated_from: null,
      last4: pm.last4,
      networks: { available: [pm.brand], preferred: null },
      regulated_status: 'unregulated',
      three_d_secure_usage: { supported: true },
      wallet: null,
    };
  }

  #create(
    number: string,
    expMonth: number,
    expYear: number,
    billingDetails: JsonObject,
  ): PaymentMethodRecord {
    const card = cardFor(number);
    const pm: PaymentMethodRecord = {
      id: newId(PREFIX.paymentMethod),
      created: this.ctx.now(),
      customer: null,
      number,
      brand: card.brand,
      last4: number.slice(-4),
      expMonth,
      expYear,
      funding: card.funding,
      country: card.country,
      fingerprint: createHash('sha256').update(number).digest('base64url').slice(0, 16),
      billingDetails: {
        address: EMPTY_ADDRESS,
        email: null,
        name: null,
        phone: null,
        tax_id: null,
        ...billingDetails,
      },
      metadata: {},
    };
    this.#methods.set(pm.id, pm);
    return pm;
  }

  /** Resolves a payment method id, minting a fresh card for Stripe's `pm_card_…` test ids. */
  resolve(id: string, param: string): PaymentMethodRecord {
    const magic = MAGIC_PAYMENT_METHODS[id];
    if (magic) {
      const nextYear = new Date(this.ctx.clock.now()).getUTCFullYear() + 1;
      return this.#create(magic, 12, nextYear, {});
    }
    const pm = this.#methods.get(id);
    if (!pm) throw resourceMissing('PaymentMethod', id, param);
    return pm;
  }

  /**
   * Creates a card payment method from `payment_method_data`/`card` parameters, validating the
   * details the way Stripe's card form and API do.
   */
  createFromParams(p: Params): PaymentMethodRecord {
    const type = p.string('type') ?? 'card';
    if (type !== 'card') {
      throw invalidRequest('The Stripe emulator only supports card payment methods.', {
        param: p.name('type'),
      });
    }
    const card = p.object('card');
    if (!card) throw missingParam(p.name('card'));
    card.allowOnly(['number', 'exp_month', 'exp_year', 'cvc', 'token', 'networks']);
    const token = card.string('token');
    if (token) {
      const magic = MAGIC_PAYMENT_METHODS[`pm_card_${token.replace(/^tok_/, '')}`];
      if (!magic) throw resourceMissing('token', token, card.name('token'));
      return this.resolve(`pm_card_${token.replace(/^tok_/, '')}`, card.name('token'));
    }
    const number = (card.string('number') ?? '').replace(/[\s-]/g, '');
    if (!number) throw missingParam(card.name('number'));
    if (!luhnValid(number)) {
      throw cardError('incorrect_number', 'Your card number is incorrect.', { param: 'number' });
    }
    const expMonth = card.int('exp_month');
    if (expMonth === undefined) throw missingParam(card.name('exp_month'));
    if (expMonth < 1 || expMonth > 12) {
      throw cardError('invalid_expiry_month', "Your card's expiration month is invalid.", {
        param: 'exp_month',
      });
    }
    let expYear = card.int('exp_year');
    if (expYear === undefined) throw missingParam(card.name('exp_year'));
    if (expYear < 100) expYear += 2000;
    const now = this.ctx.clock.now();
    const year = now.getUTCFullYear();
    if (expYear < year || expYear > year + 50) {
      throw cardError('invalid_expiry_year', "Your card's expiration year is invalid.", {
        param: 'exp_year',
      });
    }
    if (expYear === year && expMonth < now.getUTCMonth() + 1) {
      throw cardError('invalid_expiry_month', "Your card's expiration month is invalid.", {
        param: 'exp_month',
      });
    }
    const cvc = card.string('cvc');
    if (cvc !== undefined && !/^\d{3,4}$/.test(cvc)) {
      throw cardError('invalid_cvc', "Your card's security code is invalid.", { param: 'cvc' });
    }
    return this.#create(
      number,
      expMonth,
      expYear,
      this.#billingDetails(p.object('billing_details')),
    );
  }

  #billingDetails(p: Params | undefined): JsonObject {
    if (!p) return {};
    p.allowOnly(['name', 'email', 'phone', 'address', 'tax_id']);
    const out: JsonObject = {};
    for (const key of ['name', 'email', 'phone']) {
      const value = p.nullableString(key);
      if (value !== undefined) out[key] = value;
    }
    const address = p.object('address');
    if (address) {
      const a: Record<string, Json> = { ...EMPTY_ADDRESS };
      for (const key of Object.keys(EMPTY_ADDRESS)) a[key] = address.string(key) ?? null;
      out.address = a;
    }
    return out;
  }

  /**
   * Attaches a card to a customer. Cards that decline every charge also fail here, because
   * Stripe checks the card with the issuer when it is saved.
   */
  attach(id: string, customer: CustomerRecord, param: string): PaymentMethodRecord {
    const pm = this.resolve(id, param);
    if (pm.customer === customer.id) return pm;
    if (pm.customer !== null) {
      throw invalidRequest(
        'The payment method you provided has already been attached to a customer.',
        { param, code: 'payment_method_unexpected_state' },
      );
    }
    const outcome = this.cardOf(pm).attach;
    if (outcome.kind === 'decline') throw declineError(outcome);
    pm.customer = customer.id;
    this.ctx.events.emit('payment_method.attached', this.serialize, pm);
    return pm;
  }

  listFor(customerId: string, p: Params, url: string, view: View): JsonObject {
    const type = p.string('type');
    if (type && type !== 'card') return { object: 'list', data: [], has_more: false, url };
    const list = newestFirst(this.#methods.values()).filter((pm) => pm.customer === customerId);
    return paginate(list, p, url, (pm) => this.serialize(pm, view), 'payment_method');
  }

  routes(router: Router): void {
    router.post(
      '/v1/payment_methods',
      (req) => {
        const p = req.params.allowOnly([
          'type',
          'card',
          'billing_details',
          'metadata',
          'expand',
          'key',
          'allow_redisplay',
        ]);
        const pm = this.createFromParams(p);
        pm.metadata = applyMetadata(pm.metadata, p.metadata());
        return { body: this.ctx.expand(this.serialize(pm, req.view), req) };
      },
      'client',
    );

    router.get('/v1/payment_methods/:id', (req) => {
      req.params.allowOnly(['expand']);
      const id = req.pathParams.id ?? '';
      const pm = this.#methods.get(id);
      if (!pm) throw resourceMissing('PaymentMethod', id);
      return { body: this.ctx.expand(this.serialize(pm, req.view), req) };
    });

    router.post('/v1/payment_methods/:id', (req) => {
      const p = req.params.allowOnly(['billing_details', 'metadata', 'expand', 'allow_redisplay']);
      const id = req.pathParams.id ?? '';
      const pm = this.#methods.get(id);
      if (!pm) throw resourceMissing('PaymentMethod', id);
      const before = structuredClone(pm);
      pm.billingDetails = {
        ...pm.billingDetails,
        ...this.#billingDetails(p.object('billing_details')),
      };
      pm.metadata = applyMetadata(pm.metadata, p.metadata());
      this.ctx.events.emit('payment_method.updated', this.serialize, pm, before);
      return { body: this.ctx.expand(this.serialize(pm, req.view), req) };
    });

    router.post('/v1/payment_methods/:id/attach', (req) => {
      const p = req.params.allowOnly(['customer', 'expand']);
      const customer = this.ctx.customers.require(p.requiredString('customer'));
      const pm = this.attach(req.pathParams.id ?? '', customer, 'payment_method');
      return { body: this.ctx.expand(this.serialize(pm, req.view), req) };
    });

    router.post('/v1/payment_methods/:id/detach', (req) => {
      req.params.allowOnly(['expand']);
      const id = req.pathParams.id ?? '';
      const pm = this.#methods.get(id);
      if (!pm) throw resourceMissing('PaymentMethod', id);
      if (pm.customer === null) {
        throw invalidRequest(
          'The payment method you provided is not attached to a customer so detachment is impossible.',
          {
            code: 'payment_method_unexpected_state',
          },
        );
      }
      const before = structuredClone(pm);
      const customer = this.ctx.customers.find(pm.customer);
      if (customer?.defaultPaymentMethod === pm.id) customer.defaultPaymentMethod = null;
      pm.customer = null;
      this.ctx.events.emit('payment_method.detached', this.serialize, pm, before);
      return { body: this.ctx.expand(this.serialize(pm, req.view), req) };
    });

    router.get('/v1/payment_methods', (req) => {
      const p = req.params.allowOnly([...LIST_PARAMS, 'customer', 'type']);
      const customer = p.requiredString('customer');
      return {
        body: this.ctx.expand(this.listFor(customer, p, '/v1/payment_methods', req.view), req),
      };
    });
  }
}

export function declineError(decline: Decline): StripeApiError {
  return cardError(decline.code, decline.message, {
    declineCode: decline.declineCode,
    param: decline.param,
  });
}
