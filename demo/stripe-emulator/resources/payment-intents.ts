import {
  invalidRequest,
  missingParam,
  resourceMissing,
  StripeApiError,
  unexpectedState,
} from '../core/errors.js';
import { newId, PREFIX, randomToken } from '../core/ids.js';
import type { Json, JsonObject } from '../core/json.js';
import { createdFilter, LIST_PARAMS, newestFirst, paginate } from '../core/list.js';
import { applyMetadata, type Params } from '../core/params.js';
import type { ApiRequest, Router } from '../core/router.js';
import type { View } from '../core/version.js';
import type { EmulatorContext } from '../context.js';
import { authenticationAction } from './authentication.js';
import { DECLINES, type CardOutcome, type Decline } from './cards.js';
import { checkChargeAmount, currencyParam } from './money.js';
import type { PaymentMethodRecord } from './payment-methods.js';

export type PaymentIntentStatus =
  | 'requires_payment_method'
  | 'requires_confirmation'
  | 'requires_action'
  | 'processing'
  | 'requires_capture'
  | 'succeeded'
  | 'canceled';

export interface PaymentIntentRecord {
  id: string;
  created: number;
  amount: number;
  currency: string;
  customer: string | null;
  description: string | null;
  metadata: Record<string, string>;
  status: PaymentIntentStatus;
  clientSecret: string;
  paymentMethod: string | null;
  paymentMethodTypes: string[];
  automaticPaymentMethods: { enabled: boolean; allow_redirects: string } | null;
  captureMethod: 'automatic' | 'automatic_async';
  confirmationMethod: 'automatic' | 'manual';
  setupFutureUsage: 'off_session' | 'on_session' | null;
  receiptEmail: string | null;
  statementDescriptor: string | null;
  statementDescriptorSuffix: string | null;
  latestCharge: string | null;
  amountReceived: number;
  lastPaymentError: JsonObject | null;
  nextAction: JsonObject | null;
  canceledAt: number | null;
  cancellationReason: string | null;
  shipping: Json;
  transferGroup: string | null;
  /** The invoice this intent collects, for intents Stripe Billing creates. */
  invoice: string | null;
}

export interface ChargeRecord {
  id: string;
  created: number;
  amount: number;
  amountCaptured: number;
  amountRefunded: number;
  currency: string;
  customer: string | null;
  description: string | null;
  paymentIntent: string;
  paymentMethod: string;
  paymentMethodDetails: JsonObject;
  billingDetails: Json;
  status: 'succeeded' | 'failed';
  failureCode: string | null;
  failureMessage: string | null;
  outcome: JsonObject;
  metadata: Record<string, string>;
  receiptEmail: string | null;
  invoice: string | null;
  balanceTransaction: string | null;
  authenticated: boolean;
}

export interface ConfirmOptions {
  paymentMethod?: PaymentMethodRecord;
  offSession?: boolean;
  returnUrl?: string;
  errorOnRequiresAction?: boolean;
  /** Test control: forces the card's answer, e.g. a renewal that must fail. */
  outcomeOverride?: CardOutcome;
}

export type ConfirmResult =
  | { status: 'succeeded'; charge: ChargeRecord }
  | { status: 'requires_action' }
  | { status: 'failed'; error: StripeApiError };

const CANCELABLE: readonly PaymentIntentStatus[] = [
  'requires_payment_method',
  'requires_capture',
  'requires_confirmation',
  'requires_action',
  'processing',
];
const UPDATABLE: readonly PaymentIntentStatus[] = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
];
const CONFIRMABLE: readonly PaymentIntentStatus[] = UPDATABLE;
const CANCELLATION_REASONS = [
  'duplicate',
  'fraudulent',
  'requested_by_customer',
  'abandoned',
] as const;

/** Parameters a publishable key may send when confirming, as Stripe.js does. */
const CLIENT_CONFIRM_PARAMS = [
  'client_secret',
  'key',
  'payment_method',
  'payment_method_data',
  'return_url',
  'use_stripe_sdk',
  'receipt_email',
  'setup_future_usage',
  'shipping',
  'expand',
];

export class PaymentIntentsService {
  readonly #intents = new Map<string, PaymentIntentRecord>();
  readonly #charges = new Map<string, ChargeRecord>();

  constructor(private readonly ctx: EmulatorContext) {
    ctx.registry.register({
      object: 'payment_intent',
      prefix: PREFIX.paymentIntent,
      load: (id, view) => {
        const pi = this.#intents.get(id);
        return pi ? this.serialize(pi, view) : undefined;
      },
      refs: (view) => [
        'customer',
        'payment_method',
        'latest_charge',
        'application',
        'on_behalf_of',
        'review',
        'source',
        ...(view.legacy ? ['invoice'] : []),
      ],
      embedded: ['last_payment_error'],
    });
    ctx.registry.register({
      object: 'charge',
      prefix: PREFIX.charge,
      load: (id, view) => {
        const ch = this.#charges.get(id);
        return ch ? this.serializeCharge(ch, view) : undefined;
      },
      refs: (view) => [
        'customer',
        'payment_intent',
        'balance_transaction',
        'application',
        'application_fee',
        'on_behalf_of',
        'review',
        'source_transfer',
        'transfer',
        ...(view.legacy ? ['invoice'] : []),
      ],
      includes: {
        refunds: (charge, view) => this.ctx.refunds.listForCharge(charge.id as string, view),
      },
    });
  }

  find(id: string): PaymentIntentRecord | undefined {
    return this.#intents.get(id);
  }

  require(id: string, param = 'id'): PaymentIntentRecord {
    const pi = this.#intents.get(id);
    if (!pi) throw resourceMissing('payment_intent', id, param);
    return pi;
  }

  findCharge(id: string): ChargeRecord | undefined {
    return this.#charges.get(id);
  }

  clear(): void {
    this.#intents.clear();
    this.#charges.clear();
  }

  serialize = (pi: PaymentIntentRecord, view: View): JsonObject => {
    const full: JsonObject = {
      id: pi.id,
      object: 'payment_intent',
      amount: pi.amount,
      amount_capturable: 0,
      amount_details: { tip: {} },
      amount_received: pi.amountReceived,
      application: null,
      application_fee_amount: null,
      automatic_payment_methods: pi.automaticPaymentMethods,
      canceled_at: pi.canceledAt,
      cancellation_reason: pi.cancellationReason,
      capture_method: pi.captureMethod,
      client_secret: pi.clientSecret,
      confirmation_method: pi.confirmationMethod,
      created: pi.created,
      currency: pi.currency,
      customer: pi.customer,
      customer_account: null,
      description: pi.description,
      excluded_payment_method_types: null,
      last_payment_error: pi.lastPaymentError,
      latest_charge: pi.latestCharge,
      livemode: false,
      managed_payments: null,
      metadata: pi.metadata,
      next_action: pi.nextAction,
      on_behalf_of: null,
      payment_method: pi.paymentMethod,
      payment_method_configuration_details: null,
      payment_method_options: {
        card: {
          installments: null,
          mandate_options: null,
          network: null,
          request_three_d_secure: 'automatic',
        },
      },
      payment_method_types: pi.paymentMethodTypes,
      payment_record: null,
      processing: null,
      receipt_email: pi.receiptEmail,
      review: null,
      setup_future_usage: pi.setupFutureUsage,
      shipping: pi.shipping,
      source: null,
      statement_descriptor: pi.statementDescriptor,
      statement_descriptor_suffix: pi.statementDescriptorSuffix,
      status: pi.status,
      transfer_data: null,
      transfer_group: pi.transferGroup,
    };
    if (view.legacy) {
      full.invoice = pi.invoice;
    }
    if (!view.publishable) return full;
    // What Stripe.js sees with a publishable key: no customer, metadata or internal links.
    const visible = [
      'id',
      'object',
      'amount',
      'amount_details',
      'automatic_payment_methods',
      'canceled_at',
      'cancellation_reason',
      'capture_method',
      'client_secret',
      'confirmation_method',
      'created',
      'currency',
      'description',
      'last_payment_error',
      'livemode',
      'next_action',
      'payment_method',
      'payment_method_types',
      'processing',
      'receipt_email',
      'setup_future_usage',
      'shipping',
      'status',
    ];
    return Object.fromEntries(visible.map((k) => [k, full[k] ?? null]));
  };

  serializeCharge = (ch: ChargeRecord, view: View): JsonObject => {
    const out: JsonObject = {
      id: ch.id,
      object: 'charge',
      amount: ch.amount,
      amount_captured: ch.amountCaptured,
      amount_refunded: ch.amountRefunded,
      application: null,
      application_fee: null,
      application_fee_amount: null,
      balance_transaction: ch.balanceTransaction,
      billing_details: ch.billingDetails,
      calculated_statement_descriptor: 'LIBERATION KIT',
      captured: ch.status === 'succeeded',
      created: ch.created,
      currency: ch.currency,
      customer: ch.customer,
      description: ch.description,
      disputed: false,
      failure_balance_transaction: null,
      failure_code: ch.failureCode,
      failure_message: ch.failureMessage,
      fraud_details: {},
      livemode: false,
      metadata: ch.metadata,
      on_behalf_of: null,
      outcome: ch.outcome,
      paid: ch.status === 'succeeded',
      payment_intent: ch.paymentIntent,
      payment_method: ch.paymentMethod,
      payment_method_details: ch.paymentMethodDetails,
      receipt_email: ch.receiptEmail,
      receipt_number: null,
      receipt_url: `${this.ctx.baseUrl}/receipts/${ch.id}`,
      refunded: ch.amountRefunded > 0 && ch.amountRefunded === ch.amountCaptured,
      review: null,
      shipping: null,
      source: null,
      source_transfer: null,
      statement_descriptor: null,
      statement_descriptor_suffix: null,
      status: ch.status,
      transfer_data: null,
      transfer_group: null,
    };
    if (view.legacy) out.invoice = ch.invoice;
    return out;
  };

  /** Records a refund against a charge and reports the charge as it was before. */
  addRefund(charge: ChargeRecord, amount: number): ChargeRecord {
    const before = structuredClone(charge);
    charge.amountRefunded += amount;
    return before;
  }

  createIntent(
    fields: Pick<PaymentIntentRecord, 'amount' | 'currency' | 'customer' | 'description'> &
      Partial<PaymentIntentRecord>,
  ): PaymentIntentRecord {
    const id = newId(PREFIX.paymentIntent);
    const pi: PaymentIntentRecord = {
      id,
      created: this.ctx.now(),
      metadata: {},
      status: 'requires_payment_method',
      clientSecret: `${id}_secret_${randomToken(25)}`,
      paymentMethod: null,
      paymentMethodTypes: ['card'],
      automaticPaymentMethods: null,
      captureMethod: 'automatic',
      confirmationMethod: 'automatic',
      setupFutureUsage: null,
      receiptEmail: null,
      statementDescriptor: null,
      statementDescriptorSuffix: null,
      latestCharge: null,
      amountReceived: 0,
      lastPaymentError: null,
      nextAction: null,
      canceledAt: null,
      cancellationReason: null,
      shipping: null,
      transferGroup: null,
      invoice: null,
      ...fields,
    };
    if (pi.paymentMethod && pi.status === 'requires_payment_method') {
      pi.status = 'requires_confirmation';
    }
    this.#intents.set(pi.id, pi);
    this.ctx.events.emit('payment_intent.created', this.serialize, pi);
    return pi;
  }

  #charge(
    pi: PaymentIntentRecord,
    pm: PaymentMethodRecord,
    decline: Decline | null,
    authenticated: boolean,
  ): ChargeRecord {
    const charge: ChargeRecord = {
      id: newId(PREFIX.charge),
      created: this.ctx.now(),
      amount: pi.amount,
      amountCaptured: decline ? 0 : pi.amount,
      amountRefunded: 0,
      currency: pi.currency,
      customer: pi.customer,
      description: pi.description,
      paymentIntent: pi.id,
      paymentMethod: pm.id,
      paymentMethodDetails: {
        type: 'card',
        card: {
          ...this.ctx.paymentMethods.cardDetails(pm),
          amount_authorized: decline ? null : pi.amount,
          network: pm.brand,
          three_d_secure: authenticated
            ? { authentication_flow: 'challenge', result: 'authenticated', version: '2.2.0' }
            : null,
        },
      },
      billingDetails: pm.billingDetails,
      status: decline ? 'failed' : 'succeeded',
      failureCode: decline?.code ?? null,
      failureMessage: decline?.message ?? null,
      outcome: decline
        ? {
            network_status: 'declined_by_network',
            reason: decline.declineCode,
            risk_level: 'normal',
            risk_score: 20,
            seller_message: 'The bank did not return any further details with this decline.',
            type: 'issuer_declined',
          }
        : {
            network_status: 'approved_by_network',
            reason: null,
            risk_level: 'normal',
            risk_score: 20,
            seller_message: 'Payment complete.',
            type: 'authorized',
          },
      metadata: { ...pi.metadata },
      receiptEmail: pi.receiptEmail,
      invoice: pi.invoice,
      balanceTransaction: null,
      authenticated,
    };
    if (!decline) {
      charge.balanceTransaction = this.ctx.balance.record({
        amount: pi.amount,
        currency: pi.currency,
        source: charge.id,
        type: 'charge',
        description: pi.description,
      }).id;
    }
    this.#charges.set(charge.id, charge);
    this.ctx.events.emit(
      decline ? 'charge.failed' : 'charge.succeeded',
      this.serializeCharge,
      charge,
    );
    return charge;
  }

  #succeed(pi: PaymentIntentRecord, pm: PaymentMethodRecord, authenticated: boolean): ChargeRecord {
    const charge = this.#charge(pi, pm, null, authenticated);
    pi.status = 'succeeded';
    pi.amountReceived = pi.amount;
    pi.latestCharge = charge.id;
    pi.lastPaymentError = null;
    pi.nextAction = null;
    if (pi.customer && pi.setupFutureUsage && pm.customer === null) {
      const customer = this.ctx.customers.find(pi.customer);
      if (customer) this.ctx.paymentMethods.attach(pm.id, customer, 'payment_method');
    }
    this.ctx.events.emit('payment_intent.succeeded', this.serialize, pi);
    if (pi.invoice) this.ctx.billing.invoicePaymentSucceeded(pi.invoice, pi);
    return charge;
  }

  #fail(pi: PaymentIntentRecord, pm: PaymentMethodRecord, decline: Decline): StripeApiError {
    const charge = this.#charge(pi, pm, decline, false);
    pi.status = 'requires_payment_method';
    pi.latestCharge = charge.id;
    pi.nextAction = null;
    pi.lastPaymentError = {
      charge: charge.id,
      code: decline.code,
      decline_code: decline.declineCode,
      doc_url: `https://stripe.com/docs/error-codes/${decline.code.replace(/_/g, '-')}`,
      message: decline.message,
      payment_method: this.ctx.paymentMethods.serialize(pm, STORED_VIEW),
      type: 'card_error',
    };
    if (decline.param) pi.lastPaymentError.param = decline.param;
    this.ctx.events.emit('payment_intent.payment_failed', this.serialize, pi);
    if (pi.invoice) this.ctx.billing.invoicePaymentFailed(pi.invoice, pi);
    return new StripeApiError(402, {
      type: 'card_error',
      code: decline.code,
      decline_code: decline.declineCode,
      message: decline.message,
      param: decline.param,
      charge: charge.id,
    });
  }

  /**
   * Confirms an intent with its card and moves it to its next status. Declines leave the intent
   * in `requires_payment_method` with `last_payment_error`, as Stripe does, and come back as a
   * card error the API route answers with 402.
   */
  confirm(pi: PaymentIntentRecord, options: ConfirmOptions): ConfirmResult {
    if (!CONFIRMABLE.includes(pi.status)) {
      throw unexpectedState(
        pi.status === 'succeeded'
          ? 'You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed.'
          : `You cannot confirm this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be confirmed: requires_payment_method, requires_confirmation, requires_action.`,
      );
    }
    const pm =
      options.paymentMethod ??
      (pi.paymentMethod ? this.ctx.paymentMethods.find(pi.paymentMethod) : undefined);
    if (!pm) {
      throw unexpectedState(
        "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.",
      );
    }
    if (pm.customer !== null && pi.customer !== null && pm.customer !== pi.customer) {
      throw invalidRequest(
        'The provided PaymentMethod belongs to a different Customer than the one on this PaymentIntent.',
        { param: 'payment_method' },
      );
    }
    pi.paymentMethod = pm.id;
    const card = this.ctx.paymentMethods.cardOf(pm);
    const outcome =
      options.outcomeOverride ?? (options.offSession ? card.offSession : card.onSession);
    if (outcome.kind === 'succeed') {
      return { status: 'succeeded', charge: this.#succeed(pi, pm, false) };
    }
    if (outcome.kind === 'decline') {
      return { status: 'failed', error: this.#fail(pi, pm, outcome) };
    }
    if (options.offSession || options.errorOnRequiresAction) {
      if (pi.invoice) return this.#requireAction(pi, options.returnUrl);
      return { status: 'failed', error: this.#fail(pi, pm, DECLINES.authenticationRequired) };
    }
    return this.#requireAction(pi, options.returnUrl);
  }

  #requireAction(pi: PaymentIntentRecord, returnUrl: string | undefined): ConfirmResult {
    pi.status = 'requires_action';
    pi.nextAction = authenticationAction(
      this.ctx.baseUrl,
      { param: 'payment_intent', id: pi.id, clientSecret: pi.clientSecret },
      returnUrl,
      pi.paymentMethod,
    );
    this.ctx.events.emit('payment_intent.requires_action', this.serialize, pi);
    if (pi.invoice) this.ctx.billing.invoicePaymentActionRequired(pi.invoice, pi);
    return { status: 'requires_action' };
  }

  /** Finishes a pending 3D Secure challenge the way the customer's bank would. */
  authenticate(pi: PaymentIntentRecord, succeed: boolean): void {
    if (pi.status !== 'requires_action') {
      throw unexpectedState(
        `This PaymentIntent has a status of ${pi.status}; only a PaymentIntent that requires action can be authenticated.`,
      );
    }
    const pm = pi.paymentMethod ? this.ctx.paymentMethods.find(pi.paymentMethod) : undefined;
    if (!pm) throw unexpectedState('This PaymentIntent has no payment method to authenticate.');
    if (succeed) {
      this.#succeed(pi, pm, true);
      return;
    }
    pi.status = 'requires_payment_method';
    pi.nextAction = null;
    pi.lastPaymentError = {
      code: 'payment_intent_authentication_failure',
      doc_url: 'https://stripe.com/docs/error-codes/payment-intent-authentication-failure',
      message:
        'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.',
      payment_method: this.ctx.paymentMethods.serialize(pm, STORED_VIEW),
      type: 'invalid_request_error',
    };
    this.ctx.events.emit('payment_intent.payment_failed', this.serialize, pi);
    if (pi.invoice) this.ctx.billing.invoicePaymentFailed(pi.invoice, pi);
  }

  cancel(pi: PaymentIntentRecord, reason: string | null): void {
    if (!CANCELABLE.includes(pi.status)) {
      throw unexpectedState(
        `You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(', ')}.`,
      );
    }
    pi.status = 'canceled';
    pi.canceledAt = this.ctx.now();
    pi.cancellationReason = reason;
    pi.nextAction = null;
    this.ctx.events.emit('payment_intent.canceled', this.serialize, pi);
  }

  /** Checks a client secret sent with a publishable key; Stripe.js always sends one. */
  #checkClientSecret(req: ApiRequest, pi: PaymentIntentRecord): void {
    if (req.caller.kind !== 'publishable') return;
    const secret = req.params.string('client_secret');
    if (!secret) throw missingParam('client_secret');
    if (secret !== pi.clientSecret) {
      throw invalidRequest(
        'The client_secret provided does not match the client_secret associated with the PaymentIntent.',
        { param: 'client_secret' },
      );
    }
  }

  #readPaymentMethod(p: Params, customerId: string | null): PaymentMethodRecord | undefined {
    const data = p.object('payment_method_data');
    const id = p.string('payment_method');
    if (data && id) {
      throw invalidRequest(
        'You may only specify one of these parameters: payment_method, payment_method_data.',
        {
          param: 'payment_method_data',
        },
      );
    }
    if (data) {
      data.allowOnly(['type', 'card', 'billing_details', 'metadata', 'allow_redisplay']);
      return this.ctx.paymentMethods.createFromParams(data);
    }
    if (!id) return undefined;
    const pm = this.ctx.paymentMethods.resolve(id, 'payment_method');
    if (pm.customer !== null && pm.customer !== customerId) {
      throw invalidRequest(
        `The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a connected account without Customer attachment, or was detached from a Customer. It may not be used again. To use a PaymentMethod multiple times, you must attach it to a Customer first.`,
        { param: 'payment_method' },
      );
    }
    return pm;
  }

  #confirmFromRequest(req: ApiRequest, pi: PaymentIntentRecord, p: Params): void {
    const pm = this.#readPaymentMethod(p, pi.customer);
    const offSession = p.has('off_session') ? p.string('off_session') !== 'false' : false;
    const result = this.confirm(pi, {
      paymentMethod: pm,
      offSession,
      returnUrl: p.string('return_url'),
      errorOnRequiresAction: p.bool('error_on_requires_action') ?? false,
    });
    if (result.status === 'failed') {
      result.error.body.payment_intent = this.serialize(pi, req.view);
      const method = pi.paymentMethod ? this.ctx.paymentMethods.find(pi.paymentMethod) : undefined;
      if (method)
        result.error.body.payment_method = this.ctx.paymentMethods.serialize(method, req.view);
      throw result.error;
    }
  }

  #render(req: ApiRequest, pi: PaymentIntentRecord): { body: JsonObject } {
    return { body: this.ctx.expand(this.serialize(pi, req.view), req) };
  }

  routes(router: Router): void {
    router.post('/v1/payment_intents', (req) => {
      const p = req.params.allowOnly([
        'amount',
        'currency',
        'customer',
        'description',
        'metadata',
        'payment_method',
        'payment_method_data',
        'payment_method_types',
        'payment_method_options',
        'automatic_payment_methods',
        'confirm',
        'off_session',
        'return_url',
        'setup_future_usage',
        'receipt_email',
        'capture_method',
        'confirmation_method',
        'statement_descriptor',
        'statement_descriptor_suffix',
        'error_on_requires_action',
        'use_stripe_sdk',
        'transfer_group',
        'shipping',
        'expand',
      ]);
      const currency = currencyParam(p.requiredString('currency'));
      const amount = p.requiredInt('amount', { min: 1 });
      checkChargeAmount(amount, currency);
      const customerId = p.string('customer') ?? null;
      if (customerId) this.ctx.customers.require(customerId);
      const captureMethod = p.enumOf('capture_method', [
        'automatic',
        'automatic_async',
        'manual',
      ] as const);
      if (captureMethod === 'manual') {
        throw invalidRequest('The Stripe emulator does not support manual capture.', {
          param: 'capture_method',
        });
      }
      const types = p.stringList('payment_method_types');
      const automatic = p.object('automatic_payment_methods');
      if (types && automatic) {
        throw invalidRequest(
          'You may only specify one of these parameters: automatic_payment_methods, payment_method_types.',
          { param: 'automatic_payment_methods' },
        );
      }
      if (types && types.some((t) => t !== 'card')) {
        throw invalidRequest('The Stripe emulator only supports card payments.', {
          param: 'payment_method_types',
        });
      }
      const confirm = p.bool('confirm') ?? false;
      if (
        !confirm &&
        (p.has('off_session') || p.has('return_url') || p.has('error_on_requires_action'))
      ) {
        const param =
          ['off_session', 'return_url', 'error_on_requires_action'].find((k) => p.has(k)) ?? '';
        throw invalidRequest(`You can only pass \`${param}\` when \`confirm=true\`.`, { param });
      }
      const pm = this.#readPaymentMethod(p, customerId);
      const pi = this.createIntent({
        amount,
        currency,
        customer: customerId,
        description: p.string('description') ?? null,
        metadata: applyMetadata({}, p.metadata()),
        paymentMethod: pm?.id ?? null,
        paymentMethodTypes: ['card'],
        automaticPaymentMethods: types
          ? null
          : {
              enabled: automatic?.bool('enabled') ?? true,
              allow_redirects: automatic?.string('allow_redirects') ?? 'always',
            },
        captureMethod: captureMethod ?? 'automatic_async',
        confirmationMethod:
          p.enumOf('confirmation_method', ['automatic', 'manual'] as const) ?? 'automatic',
        setupFutureUsage:
          p.enumOf('setup_future_usage', ['off_session', 'on_session'] as const) ?? null,
        receiptEmail: p.string('receipt_email') ?? null,
        statementDescriptor: p.string('statement_descriptor', { maxLength: 22 }) ?? null,
        statementDescriptorSuffix:
          p.string('statement_descriptor_suffix', { maxLength: 22 }) ?? null,
        transferGroup: p.string('transfer_group') ?? null,
      });
      if (confirm) {
        const offSession = p.has('off_session') ? p.string('off_session') !== 'false' : false;
        const result = this.confirm(pi, {
          paymentMethod: pm,
          offSession,
          returnUrl: p.string('return_url'),
          errorOnRequiresAction: p.bool('error_on_requires_action') ?? false,
        });
        if (result.status === 'failed') {
          result.error.body.payment_intent = this.serialize(pi, req.view);
          throw result.error;
        }
      }
      return this.#render(req, pi);
    });

    router.get(
      '/v1/payment_intents/:id',
      (req) => {
        req.params.allowOnly(['expand', 'client_secret', 'key']);
        const pi = this.require(req.pathParams.id ?? '');
        this.#checkClientSecret(req, pi);
        return this.#render(req, pi);
      },
      'client',
    );

    router.post('/v1/payment_intents/:id', (req) => {
      const p = req.params.allowOnly([
        'amount',
        'currency',
        'customer',
        'description',
        'metadata',
        'payment_method',
        'payment_method_data',
        'payment_method_types',
        'payment_method_options',
        'receipt_email',
        'setup_future_usage',
        'statement_descriptor',
        'statement_descriptor_suffix',
        'shipping',
        'transfer_group',
        'expand',
      ]);
      const pi = this.require(req.pathParams.id ?? '');
      const changesPayment = [
        'amount',
        'currency',
        'payment_method',
        'payment_method_data',
        'customer',
      ].find((k) => p.has(k));
      if (changesPayment && !UPDATABLE.includes(pi.status)) {
        throw unexpectedState(
          `This PaymentIntent's ${changesPayment} could not be updated because it has a status of ${pi.status}. You may only update the ${changesPayment} of a PaymentIntent with one of the following statuses: ${UPDATABLE.join(', ')}.`,
          changesPayment,
        );
      }
      if (pi.invoice && (p.has('amount') || p.has('currency'))) {
        throw invalidRequest(
          'This PaymentIntent was created by an invoice; update the invoice instead.',
          { param: p.has('amount') ? 'amount' : 'currency' },
        );
      }
      const currency = p.string('currency')
        ? currencyParam(p.requiredString('currency'))
        : pi.currency;
      const amount = p.int('amount', { min: 1 }) ?? pi.amount;
      checkChargeAmount(amount, currency);
      const customerId = p.string('customer');
      if (customerId) this.ctx.customers.require(customerId);
      pi.amount = amount;
      pi.currency = currency;
      if (customerId) pi.customer = customerId;
      const description = p.nullableString('description');
      if (description !== undefined) pi.description = description;
      const receiptEmail = p.nullableString('receipt_email');
      if (receiptEmail !== undefined) pi.receiptEmail = receiptEmail;
      if (p.isEmpty('setup_future_usage')) pi.setupFutureUsage = null;
      const sfu = p.enumOf('setup_future_usage', ['off_session', 'on_session'] as const);
      if (sfu) pi.setupFutureUsage = sfu;
      const pm = this.#readPaymentMethod(p, pi.customer);
      if (pm) {
        pi.paymentMethod = pm.id;
        pi.status = 'requires_confirmation';
        pi.nextAction = null;
      }
      pi.metadata = applyMetadata(pi.metadata, p.metadata());
      return this.#render(req, pi);
    });

    router.post(
      '/v1/payment_intents/:id/confirm',
      (req) => {
        const pi = this.require(req.pathParams.id ?? '');
        const p =
          req.caller.kind === 'publishable'
            ? req.params.allowOnly(CLIENT_CONFIRM_PARAMS)
            : req.params.allowOnly([
                ...CLIENT_CONFIRM_PARAMS.filter((k) => k !== 'key' && k !== 'client_secret'),
                'off_session',
                'error_on_requires_action',
                'payment_method_options',
                'payment_method_types',
                'capture_method',
                'mandate_data',
              ]);
        this.#checkClientSecret(req, pi);
        const sfu = p.enumOf('setup_future_usage', ['off_session', 'on_session'] as const);
        if (sfu) pi.setupFutureUsage = sfu;
        const receiptEmail = p.string('receipt_email');
        if (receiptEmail) pi.receiptEmail = receiptEmail;
        this.#confirmFromRequest(req, pi, p);
        return this.#render(req, pi);
      },
      'client',
    );

    router.post('/v1/payment_intents/:id/cancel', (req) => {
      const p = req.params.allowOnly(['cancellation_reason', 'expand']);
      const pi = this.require(req.pathParams.id ?? '');
      if (pi.invoice) {
        throw unexpectedState(
          'You cannot cancel this PaymentIntent because it was created by an invoice. Void the invoice instead.',
        );
      }
      this.cancel(pi, p.enumOf('cancellation_reason', CANCELLATION_REASONS) ?? null);
      return this.#render(req, pi);
    });

    router.get('/v1/payment_intents', (req) => {
      const p = req.params.allowOnly([...LIST_PARAMS, 'customer', 'created']);
      const customer = p.string('customer');
      const inRange = createdFilter(p);
      const list = newestFirst(this.#intents.values()).filter(
        (pi) => (!customer || pi.customer === customer) && inRange(pi.created),
      );
      return {
        body: this.ctx.expand(
          paginate(
            list,
            p,
            '/v1/payment_intents',
            (pi) => this.serialize(pi, req.view),
            'payment_intent',
          ),
          req,
        ),
      };
    });

    router.get('/v1/charges/:id', (req) => {
      req.params.allowOnly(['expand']);
      const id = req.pathParams.id ?? '';
      const charge = this.#charges.get(id);
      if (!charge) throw resourceMissing('charge', id);
      return { body: this.ctx.expand(this.serializeCharge(charge, req.view), req) };
    });

    router.post('/v1/charges/:id', (req) => {
      const p = req.params.allowOnly(['description', 'metadata', 'receipt_email', 'expand']);
      const id = req.pathParams.id ?? '';
      const charge = this.#charges.get(id);
      if (!charge) throw resourceMissing('charge', id);
      const before = structuredClone(charge);
      const description = p.nullableString('description');
      if (description !== undefined) charge.description = description;
      const receiptEmail = p.nullableString('receipt_email');
      if (receiptEmail !== undefined) charge.receiptEmail = receiptEmail;
      charge.metadata = applyMetadata(charge.metadata, p.metadata());
      this.ctx.events.emit('charge.updated', this.serializeCharge, charge, before);
      return { body: this.ctx.expand(this.serializeCharge(charge, req.view), req) };
    });

    router.get('/v1/charges', (req) => {
      const p = req.params.allowOnly([...LIST_PARAMS, 'customer', 'payment_intent', 'created']);
      const customer = p.string('customer');
      const intent = p.string('payment_intent');
      const inRange = createdFilter(p);
      const list = newestFirst(this.#charges.values()).filter(
        (c) =>
          (!customer || c.customer === customer) &&
          (!intent || c.paymentIntent === intent) &&
          inRange(c.created),
      );
      return {
        body: this.ctx.expand(
          paginate(list, p, '/v1/charges', (c) => this.serializeCharge(c, req.view), 'charge'),
          req,
        ),
      };
    });

    router.post('/v1/charges', () => {
      throw invalidRequest(
        'The Stripe emulator does not support creating charges directly; use PaymentIntents.',
      );
    });
  }
}

/** Errors stored on an intent embed the payment method; its shape does not vary by version. */
const STORED_VIEW: View = { apiVersion: '', legacy: false, publishable: false };
