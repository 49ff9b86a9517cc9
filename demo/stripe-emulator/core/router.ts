import type { IncomingHttpHeaders } from 'node:http';
import type { Json } from './json.js';
import type { Params } from './params.js';
import type { View } from './version.js';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/**
 * Who may call a route: `secret` needs a secret key; `client` also accepts a publishable key
 * (Stripe.js calls these with `key=pk_…` and an object's client secret); `public` needs no key
 * because the handler checks a client secret itself (the 3D Secure challenge page).
 */
export type RouteAccess = 'secret' | 'client' | 'public';

export interface Caller {
  kind: 'secret' | 'publishable' | 'anonymous';
  key: string;
}

export interface ApiRequest {
  method: HttpMethod;
  path: string;
  pathParams: Readonly<Record<string, string>>;
  params: Params;
  view: View;
  caller: Caller;
  requestId: string;
  idempotencyKey: string | null;
  headers: IncomingHttpHeaders;
}

export interface ApiResponse {
  status?: number;
  body: Json;
}

export type Handler = (request: ApiRequest) => ApiResponse | Promise<ApiResponse>;

interface Route {
  method: HttpMethod;
  pattern: RegExp;
  names: string[];
  access: RouteAccess;
  handler: Handler;
  returns: string | null;
}

export interface RouteMatch {
  handler: Handler;
  access: RouteAccess;
  pathParams: Record<string, string>;
  /** The object type the route answers with (`list:…` for lists), for checking `expand[]`. */
  returns: string | null;
}

/** Object type behind each collection in `/v1/<collection>`. */
const COLLECTIONS: Readonly<Record<string, string>> = {
  customers: 'customer',
  products: 'product',
  prices: 'price',
  payment_methods: 'payment_method',
  payment_intents: 'payment_intent',
  setup_intents: 'setup_intent',
  charges: 'charge',
  refunds: 'refund',
  subscriptions: 'subscription',
  subscription_items: 'subscription_item',
  invoices: 'invoice',
  invoice_payments: 'invoice_payment',
  invoiceitems: 'invoiceitem',
  balance_transactions: 'balance_transaction',
  events: 'event',
  lines: 'line_item',
};

/**
 * What a v1 route returns, read from its path: `GET /v1/customers` a list of customers,
 * `POST /v1/payment_intents/:id/confirm` a payment intent, `GET /v1/invoices/:id/lines` a list.
 */
function responseType(method: HttpMethod, path: string): string | null {
  const parts = path.split('/').filter(Boolean);
  if (parts[0] !== 'v1' || method === 'DELETE') return null;
  const collection = COLLECTIONS[parts[1] ?? ''];
  if (!collection) return null;
  if (parts.length === 2) return method === 'GET' ? `list:${collection}` : collection;
  const nested = parts.length === 4 ? COLLECTIONS[parts[3] ?? ''] : undefined;
  if (nested && method === 'GET') return `list:${nested}`;
  return collection;
}

/** A small method + path router; `:name` segments capture one path segment. */
export class Router {
  readonly #routes: Route[] = [];

  add(method: HttpMethod, path: string, handler: Handler, access: RouteAccess = 'secret'): this {
    const names: string[] = [];
    const source = path
      .split('/')
      .map((segment) => {
        if (segment.startsWith(':')) {
          names.push(segment.slice(1));
          return '([^/]+)';
        }
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    this.#routes.push({
      method,
      pattern: new RegExp(`^${source}/?$`),
      names,
      access,
      handler,
      returns: responseType(method, path),
    });
    return this;
  }

  get(path: string, handler: Handler, access?: RouteAccess): this {
    return this.add('GET', path, handler, access);
  }

  post(path: string, handler: Handler, access?: RouteAccess): this {
    return this.add('POST', path, handler, access);
  }

  delete(path: string, handler: Handler, access?: RouteAccess): this {
    return this.add('DELETE', path, handler, access);
  }

  match(method: string, path: string): RouteMatch | null {
    for (const route of this.#routes) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(path);
      if (!m) continue;
      const pathParams: Record<string, string> = {};
      route.names.forEach((name, i) => {
        pathParams[name] = decodeURIComponent(m[i + 1] ?? '');
      });
      return { handler: route.handler, access: route.access, pathParams, returns: route.returns };
    }
    return null;
  }
}
