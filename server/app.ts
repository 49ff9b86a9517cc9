import { randomUUID } from 'node:crypto';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { SharedStateUnavailableError } from './lib/redis.js';
import {
  isStoreUnavailable,
  shippedMigrationCount,
  storeErrorOf,
  StoreUnavailableError,
} from './db/store.js';
import { docsRoutes } from './docs/routes.js';
import { ApiError, PROBLEM_CONTENT_TYPE } from './errors.js';
import { guardAuthFailures } from './middleware/auth-failures.js';
import { apiCors } from './middleware/cors.js';
import { limitJsonDepth } from './middleware/json-depth.js';
import { requestLog } from './middleware/logging.js';
import { billingAdminRoutes } from './modules/billing/admin-routes.js';
import { billingMeRoutes } from './modules/billing/me-routes.js';
import { planRoutes } from './modules/billing/routes.js';
import { embedRoutes } from './modules/embed/routes.js';
import { meRoutes } from './modules/learners/routes.js';
import { adminLicenseRoutes } from './modules/licenses/admin-routes.js';
import { paymentAdminRoutes } from './modules/payments/admin-routes.js';
import { myReceiptRoutes, receiptRoutes } from './modules/payments/receipt-routes.js';
import { webhookAdminRoutes, webhookRoutes } from './modules/webhooks/routes.js';
import { checkoutRoutes, stripeWebhookRoutes } from './modules/payments/routes.js';
import { licenseRoutes } from './modules/licenses/routes.js';
import { authoringRoutes, isUpload } from './modules/marketplace/authoring-routes.js';
import { courseRoutes, myCourseRoutes } from './modules/marketplace/routes.js';
import { adminTicketRoutes } from './modules/support/admin-routes.js';
import { supportRoutes } from './modules/support/routes.js';
import { themeRoutes } from './modules/themes/routes.js';
import { usageRoutes } from './modules/usage/routes.js';
import { rewardAdminRoutes, rewardRoutes } from './modules/rewards/routes.js';
import { documentServers, securitySchemes, withOperationIds } from './openapi.js';
import { createRouter } from './router.js';
import type { Services } from './services.js';
import type { AppEnv } from './types.js';

export interface AppOptions {
  /** Directory holding the built kit (`dist/`), served under `/kit/`. */
  kitDir?: string;
  /** Directory of static demo pages, served at `/`. */
  demoDir?: string;
}

function problem(c: Context<AppEnv>, error: ApiError): Response {
  const body = error.toProblem(c.get('requestId'), c.req.path);
  return c.body(JSON.stringify(body), error.status, {
    'Content-Type': PROBLEM_CONTENT_TYPE,
    ...error.headers,
  });
}

/** Builds the whole HTTP application from already-constructed services. */
export function createApp(services: Services, options: AppOptions = {}) {
  const app = createRouter();
  const expectedMigrations = shippedMigrationCount(services.store.dialect);

  app.use('*', async (c, next) => {
    c.set('services', services);
    await next();
  });
  app.use('*', requestId({ headerName: 'X-Request-Id', generator: () => `req_${randomUUID()}` }));
  app.use('*', requestLog);
  const pageHeaders: MiddlewareHandler<AppEnv> = secureHeaders({
    // The kit and the API are meant to be used from other origins.
    crossOriginResourcePolicy: 'cross-origin',
    crossOriginOpenerPolicy: false,
    xFrameOptions: 'DENY',
  });
  app.use('*', async (c: Context<AppEnv, string>, next) => {
    if (!c.req.path.startsWith('/v1/')) return pageHeaders(c, next);
    // JSON answers are never rendered as documents, so the document-oriented headers
    // (framing, referrer, XSS filter, HSTS …) protect nothing there; on the hottest path
    // each costs header bytes and work. Content sniffing is the one that still matters.
    await next();
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
  });
  app.use('/v1/*', apiCors);
  app.use('/v1/*', guardAuthFailures);
  const tooLarge = () => {
    throw new ApiError(
      'payload_too_large',
      `Request bodies are limited to ${services.config.bodyLimitBytes} bytes.`,
    );
  };
  const limitBody: MiddlewareHandler<AppEnv> = bodyLimit({
    maxSize: services.config.bodyLimitBytes,
    onError: tooLarge,
  });
  // Merely asking for the body makes the Node adapter build a full fetch Request (streams,
  // abort signal), which costs more than most handlers. GET and HEAD carry no body; a
  // declared Content-Length is enforced by Node's HTTP parser, so checking the header is
  // enough; a request with neither Content-Length nor Transfer-Encoding has no body. Only
  // chunked bodies are counted as they stream.
  app.use('/v1/*', (c: Context<AppEnv, string>, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    // Course uploads enforce their own, larger, per-file limits.
    if (isUpload(c.req.method, c.req.path)) return next();
    if (c.req.header('transfer-encoding') !== undefined) return limitBody(c, next);
    const length = c.req.header('content-length');
    if (length !== undefined && !/^\d+$/.test(length)) return limitBody(c, next);
    if (length !== undefined && Number(length) > services.config.bodyLimitBytes) tooLarge();
    return next();
  });
  app.use('/v1/*', limitJsonDepth);

  app.use('*', async (_c, next) => {
    try {
      await next();
    } catch (thrown) {
      // Hono hands only Error instances to onError; any other thrown value would escape as a
      // bare 500 with no problem body, request id, CORS headers or error log.
      if (thrown instanceof Error) throw thrown;
      throw new Error('Non-Error value thrown', { cause: thrown });
    }
  });

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    try {
      await services.store.ping();
      const applied = await services.store.appliedMigrations();
      if (applied < expectedMigrations) {
        return c.json(
          {
            status: 'not_ready',
            reason: 'migrations pending',
            applied,
            expected: expectedMigrations,
          },
          503,
        );
      }
      return c.json({ status: 'ready', migrations: applied });
    } catch (error) {
      services.logger.error({ err: error }, 'readiness check failed');
      return c.json({ status: 'not_ready', reason: 'database unreachable' }, 503);
    }
  });

  app.route('/v1/embed', embedRoutes);
  app.route('/v1/plans', planRoutes);
  app.route('/v1/licenses', licenseRoutes);
  app.route('/v1/me', meRoutes);
  app.route('/v1/me', billingMeRoutes);
  app.route('/v1/admin/billing', billingAdminRoutes);
  app.route('/v1/usage', usageRoutes);
  app.route('/v1/support/tickets', supportRoutes);
  app.route('/v1/admin/licenses', adminLicenseRoutes);
  app.route('/v1/admin/tickets', adminTicketRoutes);
  app.route('/v1/rewards', rewardRoutes);
  app.route('/v1/admin/rewards', rewardAdminRoutes);
  app.route('/v1/themes', themeRoutes);
  app.route('/v1/checkout', checkoutRoutes);
  app.route('/v1/webhooks/stripe', stripeWebhookRoutes);
  app.route('/v1/receipts', receiptRoutes);
  app.route('/v1/me/receipts', myReceiptRoutes);
  app.route('/v1/admin/payments', paymentAdminRoutes);
  app.route('/v1/webhooks', webhookRoutes);
  app.route('/v1/admin/webhooks', webhookAdminRoutes);
  app.route('/v1/courses', courseRoutes);
  app.route('/v1/me/courses', myCourseRoutes);
  app.route('/v1/authoring', authoringRoutes);

  for (const [name, scheme] of Object.entries(securitySchemes)) {
    app.openAPIRegistry.registerComponent('securitySchemes', name, scheme);
  }
  app.get('/v1/openapi.json', (c) =>
    c.json(
      withOperationIds(
        app.getOpenAPI31Document({
          openapi: '3.1.0',
          info: {
            title: 'Liberation Kit API',
            version: '1',
            description:
              'Licensing, theming, payments, marketplace and rewards for the Liberation Kit widgets. ' +
              'Errors are RFC 9457 problem+json with a stable `code` (and, for some codes, a `reason`), ' +
              'listed at /docs/problems.',
          },
          servers: documentServers,
        }),
      ),
    ),
  );
  app.route('/docs', docsRoutes);

  if (options.kitDir) {
    const kitDir = options.kitDir;
    app.use('/kit/*', async (c, next) => {
      await next();
      if (c.res.ok) {
        // Widget chunks carry a content hash in their name; loaders and entries do not.
        const hashed = c.req.path.includes('/chunks/');
        c.header(
          'Cache-Control',
          hashed ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
        );
        c.header('Access-Control-Allow-Origin', '*');
      }
    });
    app.use(
      '/kit/*',
      serveStatic({ root: kitDir, rewriteRequestPath: (p) => p.slice('/kit'.length) }),
    );
  }
  if (options.demoDir) {
    app.use('/*', serveStatic({ root: options.demoDir }));
  }

  app.notFound((c) =>
    problem(c, new ApiError('not_found', `Nothing at ${c.req.method} ${c.req.path}.`)),
  );
  app.onError((err, c) => {
    if (err instanceof ApiError) return problem(c, err);
    if (err instanceof SharedStateUnavailableError) {
      // Redis did not answer where a limit or a count needed it: refused, nothing written.
      services.logger.warn({ err, requestId: c.get('requestId') }, 'Redis unavailable');
      return problem(
        c,
        new ApiError('service_unavailable', 'Limits cannot be checked right now; retry shortly.', {
          headers: { 'Retry-After': String(err.retryAfterSeconds) },
        }),
      );
    }
    const storeError = storeErrorOf(err);
    if (isStoreUnavailable(storeError)) {
      // A lock held elsewhere (another process, a long write) or a store that is restarting:
      // the transaction rolled back, so nothing was written.
      services.logger.warn({ err, requestId: c.get('requestId') }, 'database busy');
      const retryAfter =
        storeError instanceof StoreUnavailableError ? storeError.retryAfterSeconds : 1;
      return problem(
        c,
        new ApiError('service_unavailable', 'The database is busy; retry in a moment.', {
          headers: { 'Retry-After': String(retryAfter) },
        }),
      );
    }
    if (err instanceof HTTPException && err.status < 500) {
      // Hono's own refusals (malformed JSON, wrong content type) arrive here.
      const code = err.status === 415 ? 'unsupported_media_type' : 'bad_request';
      return problem(c, new ApiError(code, err.message || undefined));
    }
    services.logger.error({ err, requestId: c.get('requestId') }, 'unhandled error');
    return problem(
      c,
      new ApiError(
        'internal_error',
        'Something went wrong on our side. Quote the request id when reporting it.',
      ),
    );
  });

  return app;
}

export type App = ReturnType<typeof createApp>;
