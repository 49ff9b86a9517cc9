import { invalidRequest, missingParam, resourceMissing } from '../core/errors.js';
import { newId, PREFIX } from '../core/ids.js';
import type { JsonObject } from '../core/json.js';
import { createdFilter, LIST_PARAMS, newestFirst, paginate } from '../core/list.js';
import { applyMetadata, type Params } from '../core/params.js';
import type { Router } from '../core/router.js';
import type { View } from '../core/version.js';
import type { EmulatorContext } from '../context.js';
import { currencyParam, MAX_AMOUNT } from './money.js';

export type Interval = 'day' | 'week' | 'month' | 'year';
const INTERVALS: readonly Interval[] = ['day', 'week', 'month', 'year'];
/** Stripe caps a billing period at one year. */
const MAX_COUNT: Readonly<Record<Interval, number>> = { day: 365, week: 52, month: 12, year: 1 };

export interface ProductRecord {
  id: string;
  created: number;
  updated: number;
  name: string;
  description: string | null;
  active: boolean;
  metadata: Record<string, string>;
  defaultPrice: string | null;
  images: string[];
  url: string | null;
  unitLabel: string | null;
  statementDescriptor: string | null;
  deleted: boolean;
}

export interface PriceRecord {
  id: string;
  created: number;
  product: string;
  currency: string;
  unitAmount: number;
  active: boolean;
  nickname: string | null;
  lookupKey: string | null;
  metadata: Record<string, string>;
  recurring: { interval: Interval; intervalCount: number } | null;
  taxBehavior: 'exclusive' | 'inclusive' | 'unspecified';
}

export class CatalogService {
  readonly #products = new Map<string, ProductRecord>();
  readonly #prices = new Map<string, PriceRecord>();

  constructor(private readonly ctx: EmulatorContext) {
    ctx.registry.register({
      object: 'product',
      prefix: PREFIX.product,
      load: (id, view) => {
        const p = this.#products.get(id);
        return p ? this.serializeProduct(p, view) : undefined;
      },
      refs: () => ['default_price', 'tax_code'],
    });
    ctx.registry.register({
      object: 'price',
      prefix: PREFIX.price,
      load: (id, view) => {
        const p = this.#prices.get(id);
        return p ? this.serializePrice(p, view) : undefined;
      },
      refs: () => ['product'],
    });
  }

  findPrice(id: string): PriceRecord | undefined {
    return this.#prices.get(id);
  }

  requirePrice(id: string, param = 'price'): PriceRecord {
    const price = this.#prices.get(id);
    if (!price) throw resourceMissing('price', id, param);
    return price;
  }

  findProduct(id: string): ProductRecord | undefined {
    return this.#products.get(id);
  }

  productName(price: PriceRecord): string {
    return this.#products.get(price.product)?.name ?? price.product;
  }

  clear(): void {
    this.#products.clear();
    this.#prices.clear();
  }

  serializeProduct = (p: ProductRecord, _view: View): JsonObject => {
    if (p.deleted) return { id: p.id, object: 'product', deleted: true };
    return {
      id: p.id,
      object: 'product',
      active: p.active,
      created: p.created,
      default_price: p.defaultPrice,
      description: p.description,
      images: p.images,
      livemode: false,
      marketing_features: [],
      metadata: p.metadata,
      name: p.name,
      package_dimensions: null,
      shippable: null,
      statement_descriptor: p.statementDescriptor,
      tax_code: null,
      type: 'service',
      unit_label: p.unitLabel,
      updated: p.updated,
      url: p.url,
    };
  };

  serializePrice = (p: PriceRecord, _view: View): JsonObject => ({
    id: p.id,
    object: 'price',
    active: p.active,
    billing_scheme: 'per_unit',
    created: p.created,
    currency: p.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: p.lookupKey,
    metadata: p.metadata,
    nickname: p.nickname,
    product: p.product,
    recurring: p.recurring
      ? {
          interval: p.recurring.interval,
          interval_count: p.recurring.intervalCount,
          meter: null,
          trial_period_days: null,
          usage_type: 'licensed',
        }
      : null,
    tax_behavior: p.taxBehavior,
    tiers_mode: null,
    transform_quantity: null,
    type: p.recurring ? 'recurring' : 'one_time',
    unit_amount: p.unitAmount,
    unit_amount_decimal: String(p.unitAmount),
  });

  /** The legacy `plan` view of a recurring price, still embedded in subscription items. */
  serializePlan(p: PriceRecord): JsonObject {
    return {
      id: p.id,
      object: 'plan',
      active: p.active,
      amount: p.unitAmount,
      amount_decimal: String(p.unitAmount),
      billing_scheme: 'per_unit',
      created: p.created,
      currency: p.currency,
      interval: p.recurring?.interval ?? 'month',
      interval_count: p.recurring?.intervalCount ?? 1,
      livemode: false,
      metadata: p.metadata,
      meter: null,
      nickname: p.nickname,
      product: p.product,
      tiers_mode: null,
      transform_usage: null,
      trial_period_days: null,
      usage_type: 'licensed',
    };
  }

  #createProduct(p: Params, idOverride?: string): ProductRecord {
    const now = this.ctx.now();
    const id = idOverride ?? newId(PREFIX.product, 14);
    if (this.#products.has(id)) {
      throw invalidRequest(`Product already exists.`, {
        param: 'id',
        code: 'resource_already_exists',
      });
    }
    const product: ProductRecord = {
      id,
      created: now,
      updated: now,
      name: p.requiredString('name', { maxLength: 250 }),
      description: p.string('description', { maxLength: 40000 }) ?? null,
      active: p.bool('active') ?? true,
      metadata: applyMetadata({}, p.metadata()),
      defaultPrice: null,
      images: p.stringList('images') ?? [],
      url: p.string('url') ?? null,
      unitLabel: p.string('unit_label', { maxLength: 12 }) ?? null,
      statementDescriptor: p.string('statement_descriptor', { maxLength: 22 }) ?? null,
      deleted: false,
    };
    this.#products.set(product.id, product);
    this.ctx.events.emit('product.created', this.serializeProduct, product);
    return product;
  }

  /**
   * Reads a price definition shared by `POST /v1/prices`, `product.default_price_data` and
   * `items[n][price_data]`: currency, amount and an optional recurring interval.
   */
  readPriceData(
    p: Params,
  ): Pick<PriceRecord, 'currency' | 'unitAmount' | 'recurring' | 'taxBehavior'> {
    const currency = currencyParam(p.requiredString('currency'), p.name('currency'));
    let unitAmount = p.int('unit_amount', { min: 0, max: MAX_AMOUNT });
    if (unitAmount === undefined) {
      const decimal = p.string('unit_amount_decimal');
      if (decimal === undefined) throw missingParam(p.name('unit_amount'));
      if (!/^\d+$/.test(decimal)) {
        throw invalidRequest(
          'The Stripe emulator only supports whole-number unit_amount_decimal.',
          {
            param: p.name('unit_amount_decimal'),
          },
        );
      }
      unitAmount = Number(decimal);
    }
    let recurring: PriceRecord['recurring'] = null;
    const r = p.object('recurring');
    if (r) {
      r.allowOnly(['interval', 'interval_count', 'usage_type', 'meter', 'trial_period_days']);
      const interval = r.enumOf('interval', INTERVALS);
      if (!interval) throw missingParam(r.name('interval'));
      const intervalCount = r.int('interval_count', { min: 1 }) ?? 1;
      if (intervalCount > MAX_COUNT[interval]) {
        throw invalidRequest(
          `Invalid recurring[interval_count]: the maximum billing period is one year (1 year, 12 months, 52 weeks or 365 days).`,
          { param: r.name('interval_count') },
        );
      }
      if ((r.string('usage_type') ?? 'licensed') !== 'licensed') {
        throw invalidRequest('The Stripe emulator only supports licensed (per-seat) prices.', {
          param: r.name('usage_type'),
        });
      }
      recurring = { interval, intervalCount };
    }
    const taxBehavior =
      p.enumOf('tax_behavior', ['exclusive', 'inclusive', 'unspecified'] as const) ?? 'unspecified';
    return { currency, unitAmount, recurring, taxBehavior };
  }

  #claimLookupKey(lookupKey: string, transfer: boolean, priceId: string | null): void {
    for (const other of this.#prices.values()) {
      if (other.lookupKey !== lookupKey || other.id === priceId) continue;
      if (!transfer) {
        throw invalidRequest(`A price (\`${other.id}\`) already uses that lookup key.`, {
          param: 'lookup_key',
        });
      }
      const before = structuredClone(other);
      other.lookupKey = null;
      this.ctx.events.emit('price.updated', this.serializePrice, other, before);
    }
  }

  createPrice(
    productId: string,
    data: Pick<PriceRecord, 'currency' | 'unitAmount' | 'recurring' | 'taxBehavior'>,
    extra: Partial<Pick<PriceRecord, 'nickname' | 'lookupKey' | 'metadata' | 'active'>> = {},
  ): PriceRecord {
    const price: PriceRecord = {
      id: newId(PREFIX.price),
      created: this.ctx.now(),
      product: productId,
      active: extra.active ?? true,
      nickname: extra.nickname ?? null,
      lookupKey: extra.lookupKey ?? null,
      metadata: extra.metadata ?? {},
      ...data,
    };
    this.#prices.set(price.id, price);
    this.ctx.events.emit('price.created', this.serializePrice, price);
    return price;
  }

  routes(router: Router): void {
    const productFields = [
      'name',
      'description',
      'active',
      'metadata',
      'images',
      'url',
      'unit_label',
      'statement_descriptor',
      'tax_code',
      'marketing_features',
      'shippable',
      'expand',
    ];

    router.post('/v1/products', (req) => {
      const p = req.params.allowOnly([...productFields, 'id', 'default_price_data', 'type']);
      const product = this.#createProduct(p, p.string('id'));
      const priceData = p.object('default_price_data');
      if (priceData) {
        priceData.allowOnly([
          'currency',
          'unit_amount',
          'unit_amount_decimal',
          'recurring',
          'tax_behavior',
          'currency_options',
        ]);
        const price = this.createPrice(product.id, this.readPriceData(priceData));
        const before = structuredClone(product);
        product.defaultPrice = price.id;
        this.ctx.events.emit('product.updated', this.serializeProduct, product, before);
      }
      return { body: this.ctx.expand(this.serializeProduct(product, req.view), req) };
    });

    router.get('/v1/products/:id', (req) => {
      req.params.allowOnly(['expand']);
      const id = req.pathParams.id ?? '';
      const product = this.#products.get(id);
      if (!product) throw resourceMissing('product', id);
      return { body: this.ctx.expand(this.serializeProduct(product, req.view), req) };
    });

    router.post('/v1/products/:id', (req) => {
      const p = req.params.allowOnly([...productFields, 'default_price']);
      const id = req.pathParams.id ?? '';
      const product = this.#products.get(id);
      if (!product || product.deleted) throw resourceMissing('product', id);
      const before = structuredClone(product);
      const name = p.string('name', { maxLength: 250 });
      if (name !== undefined) product.name = name;
      const description = p.nullableString('description', { maxLength: 40000 });
      if (description !== undefined) product.description = description;
      const active = p.bool('active');
      if (active !== undefined) product.active = active;
      const url = p.nullableString('url');
      if (url !== undefined) product.url = url;
      const unitLabel = p.nullableString('unit_label', { maxLength: 12 });
      if (unitLabel !== undefined) product.unitLabel = unitLabel;
      const images = p.stringList('images');
      if (images) product.images = images;
      const defaultPrice = p.nullableString('default_price');
      if (defaultPrice !== undefined) {
        if (defaultPrice !== null) {
          const price = this.requirePrice(defaultPrice, 'default_price');
          if (price.product !== product.id) {
            throw invalidRequest(`The price \`${price.id}\` does not belong to this product.`, {
              param: 'default_price',
            });
          }
        }
        product.defaultPrice = defaultPrice;
      }
      product.metadata = applyMetadata(product.metadata, p.metadata());
      product.updated = this.ctx.now();
      this.ctx.events.emit('product.updated', this.serializeProduct, product, before);
      return { body: this.ctx.expand(this.serializeProduct(product, req.view), req) };
    });

    router.delete('/v1/products/:id', (req) => {
      req.params.allowOnly([]);
      const id = req.pathParams.id ?? '';
      const product = this.#products.get(id);
      if (!product || product.deleted) throw resourceMissing('product', id);
      if ([...this.#prices.values()].some((price) => price.product === id)) {
        throw invalidRequest(
          'This product cannot be deleted because it has one or more user-created prices.',
          { param: 'id' },
        );
      }
      const live = structuredClone(product);
      product.deleted = true;
      this.ctx.events.emit('product.deleted', this.serializeProduct, live);
      return { body: { id, object: 'product', deleted: true } };
    });

    router.get('/v1/products', (req) => {
      const p = req.params.allowOnly([
        ...LIST_PARAMS,
        'active',
        'ids',
        'created',
        'url',
        'shippable',
      ]);
      const active = p.bool('active');
      const ids = p.stringList('ids');
      const inRange = createdFilter(p);
      const list = newestFirst(this.#products.values()).filter(
        (x) =>
          !x.deleted &&
          (active === undefined || x.active === active) &&
          (!ids || ids.includes(x.id)) &&
          inRange(x.created),
      );
      return {
        body: this.ctx.expand(
          paginate(list, p, '/v1/products', (x) => this.serializeProduct(x, req.view), 'product'),
          req,
        ),
      };
    });

    router.post('/v1/prices', (req) => {
      const p = req.params.allowOnly([
        'currency',
        'unit_amount',
        'unit_amount_decimal',
        'recurring',
        'product',
        'product_data',
        'lookup_key',
        'transfer_lookup_key',
        'nickname',
        'active',
        'metadata',
        'tax_behavior',
        'billing_scheme',
        'currency_options',
        'expand',
      ]);
      const data = this.readPriceData(p);
      if ((p.string('billing_scheme') ?? 'per_unit') !== 'per_unit') {
        throw invalidRequest('The Stripe emulator only supports per_unit prices.', {
          param: 'billing_scheme',
        });
      }
      let productId = p.string('product');
      const productData = p.object('product_data');
      if (productId && productData) {
        throw invalidRequest(
          'You may only specify one of these parameters: product, product_data.',
          {
            param: 'product',
          },
        );
      }
      if (productData) {
        productData.allowOnly([
          'name',
          'active',
          'metadata',
          'statement_descriptor',
          'unit_label',
          'tax_code',
          'id',
        ]);
        productId = this.#createProduct(productData, productData.string('id')).id;
      }
      if (!productId) throw missingParam('product');
      const product = this.#products.get(productId);
      if (!product || product.deleted) throw resourceMissing('product', productId, 'product');
      const lookupKey = p.string('lookup_key', { maxLength: 200 }) ?? null;
      if (lookupKey) this.#claimLookupKey(lookupKey, p.bool('transfer_lookup_key') ?? false, null);
      const price = this.createPrice(productId, data, {
        nickname: p.string('nickname') ?? null,
        lookupKey,
        metadata: applyMetadata({}, p.metadata()),
        active: p.bool('active') ?? true,
      });
      return { body: this.ctx.expand(this.serializePrice(price, req.view), req) };
    });

    router.get('/v1/prices/:id', (req) => {
      req.params.allowOnly(['expand']);
      const price = this.requirePrice(req.pathParams.id ?? '', 'id');
      return { body: this.ctx.expand(this.serializePrice(price, req.view), req) };
    });

    router.post('/v1/prices/:id', (req) => {
      const p = req.params.allowOnly([
        'active',
        'metadata',
        'nickname',
        'lookup_key',
        'transfer_lookup_key',
        'tax_behavior',
        'currency_options',
        'expand',
      ]);
      const price = this.requirePrice(req.pathParams.id ?? '', 'id');
      const before = structuredClone(price);
      const active = p.bool('active');
      if (active !== undefined) price.active = active;
      const nickname = p.nullableString('nickname');
      if (nickname !== undefined) price.nickname = nickname;
      const lookupKey = p.nullableString('lookup_key', { maxLength: 200 });
      if (lookupKey !== undefined) {
        if (lookupKey)
          this.#claimLookupKey(lookupKey, p.bool('transfer_lookup_key') ?? false, price.id);
        price.lookupKey = lookupKey;
      }
      const taxBehavior = p.enumOf('tax_behavior', [
        'exclusive',
        'inclusive',
        'unspecified',
      ] as const);
      if (taxBehavior) price.taxBehavior = taxBehavior;
      price.metadata = applyMetadata(price.metadata, p.metadata());
      this.ctx.events.emit('price.updated', this.serializePrice, price, before);
      return { body: this.ctx.expand(this.serializePrice(price, req.view), req) };
    });

    router.get('/v1/prices', (req) => {
      const p = req.params.allowOnly([
        ...LIST_PARAMS,
        'active',
        'currency',
        'product',
        'type',
        'lookup_keys',
        'recurring',
        'created',
      ]);
      const active = p.bool('active');
      const currency = p.string('currency')?.toLowerCase();
      const product = p.string('product');
      const type = p.enumOf('type', ['one_time', 'recurring'] as const);
      const lookupKeys = p.stringList('lookup_keys');
      const recurring = p.object('recurring');
      recurring?.allowOnly(['interval', 'usage_type', 'meter']);
      const interval = recurring?.enumOf('interval', INTERVALS);
      const inRange = createdFilter(p);
      const list = newestFirst(this.#prices.values()).filter(
        (x) =>
          (active === undefined || x.active === active) &&
          (!currency || x.currency === currency) &&
          (!product || x.product === product) &&
          (!type || (type === 'recurring') === (x.recurring !== null)) &&
          (!lookupKeys || (x.lookupKey !== null && lookupKeys.includes(x.lookupKey))) &&
          (!interval || x.recurring?.interval === interval) &&
          inRange(x.created),
      );
      return {
        body: this.ctx.expand(
          paginate(list, p, '/v1/prices', (x) => this.serializePrice(x, req.view), 'price'),
          req,
        ),
      };
    });
  }
}
