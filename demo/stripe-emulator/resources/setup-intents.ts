import { invalidRequest, missingParam, resourceMissing, StripeApiError } from '../core/errors.js';
import { newId, PREFIX, randomToken } from '../core/ids.js';
import type { JsonObject } from '../core/json.js';
import { LIST_PARAMS, newestFirst, paginate } from '../core/list.js';
import { applyMetadata, type Params } from '../core/params.js';
import type { ApiRequest, Router } from '../core/router.js';
import type { View } from '../core/version.js';
import type { EmulatorContext } from '../context.js';
import { authenticationAction } from './authentication.js';
import type { PaymentMethodRecord } from './payment-methods.js';

export type SetupIntentStatus =
  | 'requires_payment_method'
  | 'requires_confirmation'
  | 'requires_action'
  | 'succeeded'
  | 'canceled';

export interface SetupIntentRecord {
  id: string;
  created: number;
  customer: string | null;
  status: SetupIntentStatus;
  clientSecret: string;
  paymentMethod: string | null;
  usage: 'off_session' | 'on_session';
  description: string | null;
  metadata: Record<string, string>;
  lastSetupError: JsonObject | null;
  nextAction: JsonObject | null;
  cancellationReason: string | null;
  /** The subscription whose trial collects a card through this intent. */
  subscription: string | null;
}

const CONFIRMABLE: readonly SetupIntentStatus[] = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
];
const STORED_VIEW: View = { apiVersion: '', legacy: false, publishable: false };

/**
 * SetupIntents save a card without charging it: what a trial collects through the Payment
 * Element (`subscription.pending_setup_intent`) before the first renewal charges it.
 */
export class SetupIntentsService {
  readonly #intents = new Map<string, SetupIntentRecord>();

  constructor(private readonly ctx: EmulatorContext) {
    ctx.registry.register({
      object: 'setup_intent',
      prefix: PREFIX.setupIntent,
      load: (id, view) => {
        const si = this.#intents.get(id);
        return si ? this.serialize(si, view) : undefined;
      },
      refs: () => [
        'customer',
        'payment_method',
        'latest_attempt',
        'mandate',
        'single_use_mandate',
        'application',
        'on_behalf_of',
      ],
    });
  }

  find(id: string): SetupIntentRecord | undefined {
    return this.#intents.get(id);
  }

  require(id: string, param = 'id'): SetupIntentRecord {
    const si = this.#intents.get(id);
    if (!si) throw resourceMissing('setupintent', id, param);
    return si;
  }

  clear(): void {
    this.#intents.clear();
  }

  serialize = (si: SetupIntentRecord, view: View): JsonObject => {
    const full: JsonObject = {
      id: si.id,
      object: 'setup_intent',
      application: null,
      automatic_payment_methods: { allow_redirects: 'always', enabled: true },
      cancellation_reason: si.cancellationReason,
      client_secret: si.clientSecret,
      created: si.created,
      customer: si.customer,
      description: si.description,
      flow_directions: null,
      last_setup_error: si.lastSetupError,
      latest_attempt: null,
      livemode: false,
      mandate: null,
      metadata: si.metadata,
      next_action: si.nextAction,
      on_behalf_of: null,
      payment_method: si.paymentMethod,
      payment_method_options: {
        card: { mandate_options: null, network: null, request_three_d_secure: 'automatic' },
      },
      payment_method_types: ['card'],
      single_use_mandate: null,
      status: si.status,
      usage: si.usage,
    };
    if (!view.publishable) return full;
    const visible = [
      'id',
      'object',
      'cancellation_reason',
      'client_secret',
      'created',
      'description',
      'last_setup_error',
      'livemode',
      'next_action',
      'payment_method',
      'payment_method_types',
      'status',
      'usage',
    ];
    return Object.fromEntries(visible.map((k) => [k, full[k] ?? null]));
  };

  create(
    fields: Pick<SetupIntentRecord, 'customer'> & Partial<SetupIntentRecord>,
  ): SetupIntentRecord {
    const id = newId(PREFIX.setupIntent);
    const si: SetupIntentRecord = {
      id,
      created: this.ctx.now(),
      status: 'requires_payment_method',
      clientSecret: `${id}_secret_${randomToken(25)}`,
      paymentMethod: null,
      usage: 'off_session',
      description: null,
      metadata: {},
      lastSetupError: null,
      nextAction: null,
      cancellationReason: null,
      subscription: null,
      ...fields,
    };
    if (si.paymentMethod) si.status = 'requires_confirmation';
    this.#intents.set(si.id, si);
    this.ctx.events.emit('setup_intent.created', this.serialize, si);
    return si;
  }

  #succeed(si: SetupIntentRecord, pm: PaymentMethodRecord): void {
    if (si.customer && pm.customer === null) {
      const customer = this.ctx.customers.find(si.customer);
      if (customer) this.ctx.paymentMethods.attach(pm.id, customer, 'payment_method');
    }
    si.status = 'succeeded';
    si.nextAction = null;
    si.lastSetupError = null;
    this.ctx.events.emit('setup_intent.succeeded', this.serialize, si);
    if (si.subscription) this.ctx.billing.setupSucceeded(si.subscription, pm);
  }

  confirm(
    si: SetupIntentRecord,
    pm: PaymentMethodRecord | undefined,
    returnUrl?: string,
  ): StripeApiError | null {
    if (!CONFIRMABLE.includes(si.status)) {
      throw invalidRequest(
        `You cannot confirm this SetupIntent because it has a status of ${si.status}.`,
        { code: 'setup_intent_unexpected_state', saved: true },
      );
    }
    const method =
      pm ?? (si.paymentMethod ? this.ctx.paymentMethods.find(si.paymentMethod) : undefined);
    if (!method) {
      throw invalidRequest(
        "You cannot confirm this SetupIntent because it's missing a payment method. Update the SetupIntent with a payment method and then confirm it again.",
        { code: 'setup_intent_unexpected_state', saved: true },
      );
    }
    si.paymentMethod = method.id;
    const card = this.ctx.paymentMethods.cardOf(method);
    const outcome = card.attach.kind === 'decline' ? card.attach : card.onSession;
    if (outcome.kind === 'decline') {
      si.status = 'requires_payment_method';
      si.lastSetupError = {
        code: outcome.code,
        decline_code: outcome.declineCode,
        message: outcome.message,
        payment_method: this.ctx.paymentMethods.serialize(method, STORED_VIEW),
        type: 'card_error',
      };
      this.ctx.events.emit('setup_intent.setup_failed', this.serialize, si);
      return new StripeApiError(402, {
        type: 'card_error',
        code: outcome.code,
        decline_code: outcome.declineCode,
        message: outcome.message,
      });
    }
    if (outcome.kind === 'authenticate') {
      si.status = 'requires_action';
      si.nextAction = authenticationAction(
        this.ctx.baseUrl,
        { param: 'setup_intent', id: si.id, clientSecret: si.clientSecret },
        returnUrl,
        method.id,
      );
      this.ctx.events.emit('setup_intent.requires_action', this.serialize, si);
      return null;
    }
    this.#succeed(si, method);
    return null;
  }

  authenticate(si: SetupIntentRecord, succeed: boolean): void {
    if (si.status !== 'requires_action') {
      throw invalidRequest(
        `This SetupIntent has a status of ${si.status}; it does not require authentication.`,
        {
          code: 'setup_intent_unexpected_state',
        },
      );
    }
    const pm = si.paymentMethod ? this.ctx.paymentMethods.find(si.paymentMethod) : undefined;
    if (!pm) throw invalidRequest('This SetupIntent has no payment method to authenticate.');
    if (succeed) {
      this.#succeed(si, pm);
      return;
    }
    si.status = 'requires_payment_method';
    si.nextAction = null;
    si.lastSetupError = {
      code: 'setup_intent_authentication_failure',
      message:
        'The latest attempt to set up the payment method has failed because authentication failed.',
      payment_method: this.ctx.paymentMethods.serialize(pm, STORED_VIEW),
      type: 'invalid_request_error',
    };
    this.ctx.events.emit('setup_intent.setup_failed', this.serialize, si);
  }

  #readPaymentMethod(p: Params, customerId: string | null): PaymentMethodRecord | undefined {
    const data = p.object('payment_method_data');
    if (data) {
      data.allowOnly(['type', 'card', 'billing_details', 'metadata', 'allow_redisplay']);
      return this.ctx.paymentMethods.createFromParams(data);
    }
    const id = p.string('payment_method');
    if (!id) return undefined;
    const pm = this.ctx.paymentMethods.resolve(id, 'payment_method');
    if (pm.customer !== null && pm.customer !== customerId) {
      throw invalidRequest('The provided PaymentMethod belongs to a different Customer.', {
        param: 'payment_method',
      });
    }
    return pm;
  }

  #checkClientSecret(req: ApiRequest, si: SetupIntentRecord): void {
    if (req.caller.kind !== 'publishable') return;
    const secret = req.params.string('client_secret');
    if (!secret) throw missingParam('client_secret');
    if (secret !== si.clientSecret) {
      throw invalidRequest(
        'The client_secret provided does not match the client_secret associated with the SetupIntent.',
        { param: 'client_secret' },
      );
    }
  }

  routes(router: Router): void {
    router.post('/v1/setup_intents', (req) => {
      const p = req.params.allowOnly([
        'customer',
        'payment_method',
        'payment_method_data',
        'payment_method_types',
        'automatic_payment_methods',
        'usage',
        'metadata',
        'description',
        'confirm',
        'return_url',
        'use_stripe_sdk',
        'expand',
      ]);
      const customerId = p.string('customer') ?? null;
      if (customerId) this.ctx.customers.require(customerId);
      const pm = this.#readPaymentMethod(p, customerId);
      const si = this.create({
        customer: customerId,
        paymentMethod: pm?.id ?? null,
        usage: p.enumOf('usage', ['off_session', 'on_session'] as const) ?? 'off_session',
        description: p.string('description') ?? null,
        metadata: applyMetadata({}, p.metadata()),
      });
      if (p.bool('confirm')) {
        const error = this.confirm(si, pm, p.string('return_url'));
        if (error) {
          error.body.setup_intent = this.serialize(si, req.view);
          throw error;
        }
      }
      return { body: this.ctx.expand(this.serialize(si, req.view), req) };
    });

    router.get(
      '/v1/setup_intents/:id',
      (req) => {
        req.params.allowOnly(['expand', 'client_secret', 'key']);
        const si = this.require(req.pathParams.id ?? '');
        this.#checkClientSecret(req, si);
        return { body: this.ctx.expand(this.serialize(si, req.view), req) };
      },
      'client',
    );

    router.post('/v1/setup_intents/:id', (req) => {
      const p = req.params.allowOnly([
        'customer',
        'payment_method',
        'metadata',
        'description',
        'expand',
      ]);
      const si = this.require(req.pathParams.id ?? '');
      const customerId = p.string('customer');
      if (customerId) si.customer = this.ctx.customers.require(customerId).id;
      const pm = this.#readPaymentMethod(p, si.customer);
      if (pm) {
        si.paymentMethod = pm.id;
        si.status = 'requires_confirmation';
      }
      const description = p.nullableString('description');
      if (description !== undefined) si.description = description;
      si.metadata = applyMetadata(si.metadata, p.metadata());
      return { body: this.ctx.expand(this.serialize(si, req.view), req) };
    });

    router.post(
      '/v1/setup_intents/:id/confirm',
      (req) => {
        const p = req.params.allowOnly([
          'client_secret',
          'key',
          'payment_method',
          'payment_method_data',
          'return_url',
          'use_stripe_sdk',
          'expand',
        ]);
        const si = this.require(req.pathParams.id ?? '');
        this.#checkClientSecret(req, si);
        const error = this.confirm(
          si,
          this.#readPaymentMethod(p, si.customer),
          p.string('return_url'),
        );
        if (error) {
          error.body.setup_intent = this.serialize(si, req.view);
          throw error;
        }
        return { body: this.ctx.expand(this.serialize(si, req.view), req) };
      },
      'client',
    );

    router.post('/v1/setup_intents/:id/cancel', (req) => {
      const p = req.params.allowOnly(['cancellation_reason', 'expand']);
      const si = this.require(req.pathParams.id ?? '');
      if (si.status === 'succeeded' || si.status === 'canceled') {
        throw invalidRequest(
          `You cannot cancel this SetupIntent because it has a status of ${si.status}.`,
          { code: 'setup_intent_unexpected_state' },
        );
      }
      si.status = 'canceled';
      si.cancellationReason =
        p.enumOf('cancellation_reason', [
          'abandoned',
          'duplicate',
          'requested_by_customer',
        ] as const) ?? null;
      this.ctx.events.emit('setup_intent.canceled', this.serialize, si);
      return { body: this.ctx.expand(this.serialize(si, req.view), req) };
    });

    router.get('/v1/setup_intents', (req) => {
      const p = req.params.allowOnly([...LIST_PARAMS, 'customer', 'payment_method', 'created']);
      const customer = p.string('customer');
      const list = newestFirst(this.#intents.values()).filter(
        (si) => !customer || si.customer === customer,
      );
      return {
        body: this.ctx.expand(
          paginate(
            list,
            p,
            '/v1/setup_intents',
            (si) => this.serialize(si, req.view),
            'setupintent',
          ),
          req,
        ),
      };
    });
  }
}
