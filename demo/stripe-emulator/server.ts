import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveAsset } from './browser/assets.js';
import { AnswerDelays } from './core/answer-delays.js';
import {
  authenticationError,
  invalidRequest,
  StripeApiError,
  unrecognizedUrl,
} from './core/errors.js';
import { FormParseError, parseUrlEncoded, type FormObject } from './core/form.js';
import { checkIdempotencyKey, IdempotencyStore } from './core/idempotency.js';
import { newId, PREFIX } from './core/ids.js';
import { canonicalJson, type Json } from './core/json.js';
import { Params } from './core/params.js';
import type { ApiRequest, Caller, HttpMethod, RouteAccess, Router } from './core/router.js';
import { DEFAULT_API_VERSION, isValidApiVersion, viewFor } from './core/version.js';
import type { EmulatorContext } from './context.js';

const BODY_LIMIT = 1024 * 1024;
const SECRET_KEY = /^(sk|rk)_test_[A-Za-z0-9_]{1,247}$/;
const PUBLISHABLE_KEY = /^pk_test_[A-Za-z0-9_]{1,247}$/;

const CORS_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
  'access-control-allow-headers':
    'Authorization, Content-Type, Idempotency-Key, Stripe-Version, Stripe-Account, X-Stripe-Client-User-Agent',
  'access-control-expose-headers':
    'Request-Id, Stripe-Version, Idempotency-Key, Idempotent-Replayed, Original-Request',
  'access-control-max-age': '300',
};

export interface ServerOptions {
  /** Secret keys to accept; any `sk_test_…` when omitted. */
  apiKeys?: readonly string[];
  log?: (line: string) => void;
}

function redact(key: string): string {
  return key.length <= 12
    ? key
    : `${key.slice(0, 8)}${'*'.repeat(Math.max(4, key.length - 12))}${key.slice(-4)}`;
}

/**
 * The emulator's HTTP front: Stripe's wire protocol (form bodies, bearer keys, idempotency,
 * `Stripe-Version`, error envelope) around the router, plus the browser assets.
 */
export class EmulatorServer {
  readonly #server: Server;
  readonly #idempotency = new IdempotencyStore();
  /** Answers a test holds back after the work is done (see `delayAnswers`). */
  readonly delays = new AnswerDelays();

  constructor(
    private readonly ctx: EmulatorContext,
    private readonly router: Router,
    private readonly options: ServerOptions = {},
  ) {
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        this.options.log?.(`stripe-emulator: unhandled error: ${String(error)}`);
        if (!res.headersSent)
          this.#send(
            res,
            500,
            { error: { type: 'api_error', message: 'An unknown error occurred' } },
            {},
          );
        else res.end();
      });
    });
    this.#server.keepAliveTimeout = 1000;
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve((this.#server.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  clearIdempotency(): void {
    this.#idempotency.clear();
  }

  #send(res: ServerResponse, status: number, body: Json, headers: Record<string, string>): void {
    const text = `${JSON.stringify(body, null, 2)}\n`;
    this.#write(res, status, text, headers);
  }

  #write(res: ServerResponse, status: number, text: string, headers: Record<string, string>): void {
    res.writeHead(status, {
      ...CORS_HEADERS,
      'content-type': 'application/json',
      'cache-control': 'no-cache, no-store',
      'content-length': String(Buffer.byteLength(text)),
      ...headers,
    });
    res.end(text);
  }

  async #readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > BODY_LIMIT) throw invalidRequest('Request body too large.');
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  #caller(req: IncomingMessage, params: FormObject, access: RouteAccess): Caller {
    const header = req.headers.authorization;
    let key: string | undefined;
    if (header) {
      const [scheme, value = ''] = header.split(' ', 2);
      if (scheme?.toLowerCase() === 'bearer') key = value.trim();
      else if (scheme?.toLowerCase() === 'basic')
        key = Buffer.from(value, 'base64').toString('utf8').split(':')[0];
      else throw authenticationError(`Invalid API Key provided: ${redact(header)}`);
    } else if (typeof params.key === 'string' && access !== 'secret') {
      key = params.key;
    }
    if (!key) {
      if (access === 'public') return { kind: 'anonymous', key: '' };
      throw authenticationError(
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
      );
    }
    if (SECRET_KEY.test(key)) {
      if (this.options.apiKeys && !this.options.apiKeys.includes(key)) {
        throw authenticationError(`Invalid API Key provided: ${redact(key)}`);
      }
      return { kind: 'secret', key };
    }
    if (PUBLISHABLE_KEY.test(key)) {
      if (access === 'secret') {
        throw authenticationError(
          'This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.',
        );
      }
      return { kind: 'publishable', key };
    }
    // Live keys are refused outright: nothing real may ever reach the emulator.
    throw authenticationError(`Invalid API Key provided: ${redact(key)}`);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    if (method === 'OPTIONS') {
      res.writeHead(204, CORS_HEADERS);
      res.end();
      return;
    }
    if (method === 'GET' && serveAsset(url, res, this.ctx.baseUrl)) return;
    if (method === 'GET' && (url.pathname === '/' || url.pathname === '/health')) {
      this.#send(
        res,
        200,
        { object: 'stripe_emulator', url: this.ctx.baseUrl, stripe_js: `${this.ctx.baseUrl}/v3/` },
        {},
      );
      return;
    }

    const requestId = newId(PREFIX.request, 14);
    const versionHeader = req.headers['stripe-version'];
    const apiVersion =
      typeof versionHeader === 'string' && versionHeader ? versionHeader : DEFAULT_API_VERSION;
    const responseHeaders: Record<string, string> = {
      'request-id': requestId,
      'stripe-version': apiVersion,
    };
    const idempotencyHeader = req.headers['idempotency-key'];
    const idempotencyKey =
      typeof idempotencyHeader === 'string' && idempotencyHeader ? idempotencyHeader : null;

    try {
      const bodyText = await this.#readBody(req);
      const match = this.router.match(method, url.pathname);
      if (!match) throw unrecognizedUrl(method, url.pathname);
      if (!isValidApiVersion(apiVersion)) {
        throw invalidRequest(`Invalid Stripe API version: ${apiVersion}`, {
          param: 'Stripe-Version',
        });
      }
      const contentType = req.headers['content-type'] ?? '';
      if (bodyText && !contentType.startsWith('application/x-www-form-urlencoded')) {
        throw invalidRequest(
          `Invalid request: unsupported Content-Type ${contentType}. If error persists and you need assistance, please contact support@stripe.com.`,
        );
      }
      let form: FormObject;
      try {
        form = { ...parseUrlEncoded(url.search.slice(1)), ...parseUrlEncoded(bodyText) };
      } catch (e) {
        if (e instanceof FormParseError) throw invalidRequest(e.message, { param: e.param });
        throw e;
      }
      const caller = this.#caller(req, form, match.access);
      // `key` carries a publishable key for Stripe.js calls; it is not a parameter.
      const params: FormObject = { ...form };
      delete params.key;
      const request: ApiRequest = {
        method: method as HttpMethod,
        path: url.pathname,
        pathParams: match.pathParams,
        params: new Params(params),
        view: viewFor(apiVersion, caller.kind !== 'secret'),
        caller,
        requestId,
        idempotencyKey: method === 'POST' ? idempotencyKey : null,
        headers: req.headers,
      };

      if (match.returns)
        this.ctx.registry.check(match.returns, request.params.expand(), request.view);

      const endpoint = `${method} ${url.pathname}`;
      const fingerprint = canonicalJson(params);
      const scoped = method === 'POST' && idempotencyKey !== null;
      if (scoped) {
        checkIdempotencyKey(idempotencyKey);
        responseHeaders['idempotency-key'] = idempotencyKey;
        const stored = this.#idempotency.lookup(
          caller.key,
          idempotencyKey,
          endpoint,
          fingerprint,
          this.ctx.now(),
        );
        if (stored) {
          await this.delays.before(method, url.pathname);
          this.#write(res, stored.status, stored.body, {
            ...responseHeaders,
            'idempotent-replayed': 'true',
            'original-request': stored.requestId,
          });
          return;
        }
      }

      const release = scoped
        ? this.#idempotency.begin(caller.key, idempotencyKey)
        : () => undefined;
      let status: number;
      let text: string;
      let save = true;
      try {
        const result = await this.ctx.withRequest(request, () => match.handler(request));
        status = result.status ?? 200;
        text = `${JSON.stringify(result.body, null, 2)}\n`;
      } catch (e) {
        if (!(e instanceof StripeApiError)) {
          release();
          throw e;
        }
        status = e.status;
        text = `${JSON.stringify(e.toJson(), null, 2)}\n`;
        save = e.saved;
      }
      if (scoped && save) {
        this.#idempotency.store(caller.key, idempotencyKey, endpoint, fingerprint, this.ctx.now(), {
          status,
          body: text,
          requestId,
        });
      }
      release();
      await this.delays.before(method, url.pathname);
      this.#write(res, status, text, responseHeaders);
    } catch (e) {
      if (e instanceof StripeApiError) {
        await this.delays.before(method, url.pathname);
        this.#send(res, e.status, e.toJson(), responseHeaders);
        return;
      }
      this.options.log?.(
        `stripe-emulator: ${method} ${url.pathname} failed: ${e instanceof Error ? e.stack : String(e)}`,
      );
      this.#send(
        res,
        500,
        {
          error: {
            type: 'api_error',
            message: 'An unknown error occurred in the Stripe emulator.',
          },
        },
        { ...responseHeaders, 'stripe-should-retry': 'false' },
      );
    }
  }
}
