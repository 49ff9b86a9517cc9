import { invalidRequest, resourceMissing } from '../core/errors.js';
import { newId, PREFIX, randomToken } from '../core/ids.js';
import type { Json, JsonObject } from '../core/json.js';
import { createdFilter, LIST_PARAMS, newestFirst, paginate } from '../core/list.js';
import { applyMetadata, type Params } from '../core/params.js';
import type { Router } from '../core/router.js';
import type { View } from '../core/version.js';
import type { EmulatorContext } from '../context.js';

export interface CustomerRecord {
  id: string;
  created: number;
  email: string | null;
  name: string | null;
  phone: string | null;
  description: string | null;
  address: Json;
  metadata: Record<string, string>;
  /** Negative amounts are credit owed to the customer, as on Stripe. */
  balance: number;
  currency: string | null;
  defaultPaymentMethod: string | null;
  invoicePrefix: string;
  nextInvoiceSequence: number;
  preferredLocales: string[];
  deleted: boolean;
}

const WRITABLE = [
  'email',
  'name',
  'phone',
  'description',
  'metadata',
  'address',
  'preferred_locales',
  'invoice_settings',
  'expand',
] as const;

export class CustomersService {
  readonly #customers = new Map<string, CustomerRecord>();

  constructor(private readonly ctx: EmulatorContext) {
    ctx.registry.register({
      object: 'customer',
      prefix: PREFIX.customer,
      load: (id, view) => {
        const c = this.#customers.get(id);
        return c ? this.serialize(c, view) : undefined;
      },
      refs: () => ['default_source', 'test_clock'],
      embedded: ['invoice_settings'],
    });
  }

  find(id: string): CustomerRecord | undefined {
    return this.#customers.get(id);
  }

  /** A live (not deleted) customer, or Stripe's 404 naming `param`. */
  require(id: string, param = 'customer'): CustomerRecord {
    const customer = this.#customers.get(id);
    if (!customer || customer.deleted) throw resourceMissing('customer', id, param);
    return customer;
  }

  serialize = (c: CustomerRecord, _view: View): JsonObject => {
    if (c.deleted) return { id: c.id, object: 'customer', deleted: true };
    return {
      id: c.id,
      object: 'customer',
      address: c.address,
      balance: c.balance,
      created: c.created,
      currency: c.currency,
      default_source: null,
      delinquent: false,
      description: c.description,
      discount: null,
      email: c.email,
      invoice_prefix: c.invoicePrefix,
      invoice_settings: {
        custom_fields: null,
        default_payment_method: c.defaultPaymentMethod,
        footer: null,
        rendering_options: null,
      },
      livemode: false,
      metadata: c.metadata,
      name: c.name,
      next_invoice_sequence: c.nextInvoiceSequence,
      phone: c.phone,
      preferred_locales: c.preferredLocales,
      shipping: null,
      tax_exempt: 'none',
      test_clock: null,
    };
  };

  /** Reserves the next invoice number, e.g. `7F3A9C21-0001`. */
  nextInvoiceNumber(customer: CustomerRecord): string {
    const number = `${customer.invoicePrefix}-${String(customer.nextInvoiceSequence).padStart(4, '0')}`;
    customer.nextInvoiceSequence += 1;
    return number;
  }

  adjustBalance(customer: CustomerRecord, delta: number): void {
    if (delta === 0) return;
    const before = structuredClone(customer);
    customer.balance += delta;
    this.ctx.events.emit('customer.updated', this.serialize, customer, before);
  }

  clear(): void {
    this.#customers.clear();
  }

  #apply(customer: CustomerRecord, p: Params): void {
    const email = p.nullableString('email', { maxLength: 512 });
    if (email !== undefined) customer.email = email;
    const name = p.nullableString('name', { maxLength: 256 });
    if (name !== undefined) customer.name = name;
    const phone = p.nullableString('phone', { maxLength: 20 });
    if (phone !== undefined) customer.phone = phone;
    const description = p.nullableString('description', { maxLength: 350 });
    if (description !== undefined) customer.description = description;
    if (p.isEmpty('address')) customer.address = null;
    const address = p.object('address');
    if (address) {
      address.allowOnly(['city', 'country', 'line1', 'line2', 'postal_code', 'state']);
      const out: JsonObject = {};
      for (const key of ['city', 'country', 'line1', 'line2', 'postal_code', 'state']) {
        out[key] = address.string(key) ?? null;
      }
      customer.address = out;
    }
    const locales = p.stringList('preferred_locales');
    if (locales) customer.preferredLocales = locales;
    customer.metadata = applyMetadata(customer.metadata, p.metadata());
  }

  #applyDefaultPaymentMethod(customer: CustomerRecord, p: Params, resolved: Map<string, string>) {
    const settings = p.object('invoice_settings');
    if (!settings) return;
    settings.allowOnly(['default_payment_method', 'custom_fields', 'footer', 'rendering_options']);
    const pm = settings.nullableString('default_payment_method');
    if (pm === undefined) return;
    if (pm === null) {
      customer.defaultPaymentMethod = null;
      return;
    }
    const id = resolved.get(pm) ?? pm;
    const method = this.ctx.paymentMethods.find(id);
    if (!method || method.customer !== customer.id) {
      throw invalidRequest(
        `No such PaymentMethod: '${pm}'; It's possible this PaymentMethod exists on one of your connected accounts, in which case you should retry this request on that connected account.`,
        {
          param: 'invoice_settings[default_payment_method]',
          code: 'resource_missing',
          status: 400,
        },
      );
    }
    customer.defaultPaymentMethod = id;
  }

  routes(router: Router): void {
    router.post('/v1/customers', (req) => {
      const p = req.params.allowOnly([...WRITABLE, 'payment_method']);
      const customer: CustomerRecord = {
        id: newId(PREFIX.customer, 14),
        created: this.ctx.now(),
        email: null,
        name: null,
        phone: null,
        description: null,
        address: null,
        metadata: {},
        balance: 0,
        currency: null,
        defaultPaymentMethod: null,
        invoicePrefix: randomToken(8)
          .toUpperCase()
          .replace(/[^A-Z0-9]/g, 'X'),
        nextInvoiceSequence: 1,
        preferredLocales: [],
        deleted: false,
      };
      this.#apply(customer, p);
      this.#customers.set(customer.id, customer);
      this.ctx.events.emit('customer.created', this.serialize, customer);
      // `payment_method` attaches a card at creation; a test id such as `pm_card_visa` used
      // again as the default refers to the card just attached.
      const resolved = new Map<string, string>();
      const pmParam = p.string('payment_method');
      if (pmParam) {
        const attached = this.ctx.paymentMethods.attach(pmParam, customer, 'payment_method');
        resolved.set(pmParam, attached.id);
      }
      const before = structuredClone(customer);
      this.#applyDefaultPaymentMethod(customer, p, resolved);
      if (customer.defaultPaymentMethod !== before.defaultPaymentMethod) {
        this.ctx.events.emit('customer.updated', this.serialize, customer, before);
      }
      return { body: this.ctx.expand(this.serialize(customer, req.view), req) };
    });

    router.get('/v1/customers/:id', (req) => {
      req.params.allowOnly(['expand']);
      const id = req.pathParams.id ?? '';
      const customer = this.#customers.get(id);
      if (!customer) throw resourceMissing('customer', id);
      return { body: this.ctx.expand(this.serialize(customer, req.view), req) };
    });

    router.post('/v1/customers/:id', (req) => {
      const p = req.params.allowOnly([...WRITABLE, 'balance']);
      const customer = this.require(req.pathParams.id ?? '', 'id');
      const before = structuredClone(customer);
      this.#apply(customer, p);
      const balance = p.int('balance');
      if (balance !== undefined) customer.balance = balance;
      this.#applyDefaultPaymentMethod(customer, p, new Map());
      this.ctx.events.emit('customer.updated', this.serialize, customer, before);
      return { body: this.ctx.expand(this.serialize(customer, req.view), req) };
    });

    router.delete('/v1/customers/:id', (req) => {
      req.params.allowOnly([]);
      const customer = this.require(req.pathParams.id ?? '', 'id');
      const live = structuredClone(customer);
      for (const sub of this.ctx.billing.subscriptionsOf(customer.id)) {
        this.ctx.billing.cancelNow(sub, 'cancellation_requested');
      }
      customer.deleted = true;
      this.ctx.events.emit('customer.deleted', this.serialize, live);
      return { body: { id: customer.id, object: 'customer', deleted: true } };
    });

    router.get('/v1/customers', (req) => {
      const p = req.params.allowOnly([...LIST_PARAMS, 'email', 'created', 'test_clock']);
      const email = p.string('email', { maxLength: 512 });
      const inRange = createdFilter(p);
      const list = newestFirst(this.#customers.values()).filter(
        (c) => !c.deleted && (email === undefined || c.email === email) && inRange(c.created),
      );
      return {
        body: this.ctx.expand(
          paginate(list, p, '/v1/customers', (c) => this.serialize(c, req.view), 'customer'),
          req,
        ),
      };
    });

    router.get('/v1/customers/:id/payment_methods', (req) => {
      const p = req.params.allowOnly([...LIST_PARAMS, 'type', 'allow_redisplay']);
      const customer = this.require(req.pathParams.id ?? '', 'customer');
      return {
        body: this.ctx.expand(
          this.ctx.paymentMethods.listFor(
            customer.id,
            p,
            `/v1/customers/${customer.id}/payment_methods`,
            req.view,
          ),
          req,
        ),
      };
    });
  }
}
