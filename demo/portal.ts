import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import type { Clock } from '../server/services.js';
import { verifyWebhook } from './partner-webhooks.js';
import { demoKeys, demoLearners } from './seed.js';
import { studioKeys, type DemoTenant } from './seed-portal.js';
import { demoTokenRoutes } from './token-routes.js';

/** Where the portal finds the kit's server once it listens. */
export interface PortalConnection {
  /** The API as the portal's backend reaches it, server to server. */
  apiUrl: string;
  /**
   * The API origin the pages load the kit from. Unset: the API's port on the host name the
   * page was requested at, so `localhost` pages talk to `localhost` and `127.0.0.1` to
   * `127.0.0.1`.
   */
  publicApiUrl?: string;
  /** Origins Stripe.js and its frames come from (the bundled emulator or Stripe). */
  stripeOrigins: string[];
  /**
   * The portal as the API reaches it. Given, the portal's backend registers its partner
   * webhook endpoint for the academy with the secret key, as a customer's LMS would, when the
   * LMS page is first asked for.
   */
  portalUrl?: string;
}

/** A partner webhook delivery the portal's backend received and verified. */
export interface ReceivedEvent {
  id: string;
  type: string;
  receivedAt: string;
  data: Record<string, unknown>;
}

export interface PortalOptions {
  publicDir: string;
  clock: Clock;
  logger?: Logger;
}

const secretKeys: Record<DemoTenant, string> = {
  academy: demoKeys.academySecret,
  studio: studioKeys.secret,
};

const MAX_EVENTS = 200;

/** How the portal's endpoint is recognized among the academy's endpoints at the next start. */
const ENDPOINT_DESCRIPTION = 'Demo portal: LMS access from enrollments';

export type PartnerEndpointState = 'registered' | 'not_registered' | 'unavailable';

/**
 * The strict Content-Security-Policy of /strict.html: no inline script or style, no eval.
 * Widgets style themselves with constructable stylesheets (`adoptedStyleSheets`), which CSP
 * does not govern, so `style-src 'self'` is enough.
 */
export function strictCsp(apiOrigin: string, stripeOrigins: string[]): string {
  const stripe = stripeOrigins.join(' ');
  return [
    "default-src 'none'",
    `script-src 'self' ${apiOrigin} ${stripe}`,
    "style-src 'self'",
    `connect-src 'self' ${apiOrigin} ${stripe}`,
    `img-src 'self' ${apiOrigin} https: data:`,
    "font-src 'self'",
    `frame-src ${stripe}`,
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The demo partner portal: a customer's own site on its own origin. It serves the demo pages
 * (which embed the kit from the API origin with the script tag) and plays the customer's
 * backend: it signs learner tokens, reports learning activity with the secret key, and
 * receives signed partner webhooks.
 */
export function createPortal(options: PortalOptions) {
  let connection: PortalConnection | undefined;
  let partnerSecret: string | undefined;
  let endpointState: PartnerEndpointState = 'not_registered';
  let registration: Promise<void> | undefined;
  const events: ReceivedEvent[] = [];
  const seen = new Set<string>();

  const apiOriginFor = (requestUrl: string) => {
    if (!connection) return undefined;
    if (connection.publicApiUrl) return new URL(connection.publicApiUrl).origin;
    const api = new URL(connection.apiUrl);
    return `${api.protocol}//${new URL(requestUrl).hostname}:${api.port}`;
  };

  const app = new Hono();
  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'strict-origin-when-cross-origin');
  });

  app.route('/demo', demoTokenRoutes(options.clock));

  // The customer's server reports learning to the kit with its secret key; the pages call
  // this after a learner finishes a lesson.
  app.post('/demo/activity', async (c) => {
    if (!connection) return c.json({ error: 'starting' }, 503);
    const body = (await c.req.json().catch(() => ({}))) as {
      learner?: unknown;
      activity?: unknown;
      tenant?: unknown;
    };
    const learner = demoLearners.find((l) => l.subject === body.learner);
    const tenant: DemoTenant = body.tenant === 'studio' ? 'studio' : 'academy';
    const activity = typeof body.activity === 'string' ? body.activity : 'lesson.completed';
    if (!learner) return c.json({ error: 'unknown learner' }, 400);
    const res = await fetch(`${connection.apiUrl}/v1/rewards/activities`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${secretKeys[tenant]}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': randomUUID(),
      },
      body: JSON.stringify({
        learnerId: learner.subject,
        activity,
        displayName: learner.name,
        classes: learner.classes,
      }),
    });
    return c.json(await res.json(), res.status as 200);
  });

  // Partner webhooks from the kit: verified on the raw body before anything is believed.
  app.post('/demo/partner-webhooks', async (c) => {
    const body = await c.req.text();
    if (!partnerSecret) return c.json({ error: 'no endpoint secret yet' }, 503);
    const verified = verifyWebhook(
      partnerSecret,
      {
        id: c.req.header('webhook-id'),
        timestamp: c.req.header('webhook-timestamp'),
        signature: c.req.header('webhook-signature'),
      },
      body,
      Math.floor(options.clock.now().getTime() / 1000),
    );
    if (!verified.ok) {
      options.logger?.warn({ reason: verified.reason }, 'demo portal refused a partner webhook');
      return c.json({ error: verified.reason }, 400);
    }
    // Deliveries are retried until acknowledged, so the same event may arrive twice.
    if (!seen.has(verified.id)) {
      seen.add(verified.id);
      const event = JSON.parse(body) as { type?: string; data?: Record<string, unknown> };
      events.unshift({
        id: verified.id,
        type: String(event.type ?? 'unknown'),
        receivedAt: options.clock.now().toISOString(),
        data: event.data ?? {},
      });
      events.length = Math.min(events.length, MAX_EVENTS);
    }
    return c.body(null, 204);
  });

  app.get('/demo/partner-events', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json({ endpoint: endpointState, events });
  });

  const page = async (file: string, requestUrl: string) => {
    const api = apiOriginFor(requestUrl);
    if (!api) return undefined;
    const html = await fs.readFile(path.join(options.publicDir, file), 'utf8').catch(() => null);
    return html === null ? null : html.replaceAll('%API%', api);
  };

  app.get('/', async (c) => {
    const html = await page('index.html', c.req.url);
    return html ? c.html(html) : c.text('Starting…', 503);
  });
  app.get('/:file{[a-z0-9-]+\\.html}', async (c) => {
    const file = c.req.param('file');
    const html = await page(file, c.req.url);
    if (html === undefined) return c.text('Starting…', 503);
    if (html === null) return c.notFound();
    if (file === 'lms.html') await ensurePartnerEndpoint();
    if (file === 'strict.html') {
      c.header(
        'Content-Security-Policy',
        strictCsp(apiOriginFor(c.req.url)!, connection!.stripeOrigins),
      );
    }
    return c.html(html);
  });
  app.use('/*', serveStatic({ root: options.publicDir }));

  /**
   * Registers `<portal>/demo/partner-webhooks` for the academy's enrollment, purchase and refund
   * events through the API (`POST /v1/webhooks/endpoints`, secret key) and keeps the secret it
   * is shown once. The endpoint a previous run registered is removed first: its secret went
   * with that process.
   */
  async function registerPartnerEndpoint(apiUrl: string, portalUrl: string): Promise<void> {
    const headers = {
      Authorization: `Bearer ${demoKeys.academySecret}`,
      'Content-Type': 'application/json',
    };
    const list = await fetch(`${apiUrl}/v1/webhooks/endpoints`, { headers });
    if (!list.ok) {
      endpointState = 'unavailable';
      options.logger?.warn({ status: list.status }, 'demo portal: partner webhooks unavailable');
      return;
    }
    const { items } = (await list.json()) as {
      items: { id: string; description: string | null }[];
    };
    for (const old of items.filter((e) => e.description === ENDPOINT_DESCRIPTION)) {
      await fetch(`${apiUrl}/v1/webhooks/endpoints/${old.id}`, { method: 'DELETE', headers });
    }
    const created = await fetch(`${apiUrl}/v1/webhooks/endpoints`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        url: `${portalUrl}/demo/partner-webhooks`,
        description: ENDPOINT_DESCRIPTION,
        eventTypes: ['enrollment.created', 'purchase.completed', 'refund.created'],
      }),
    });
    if (!created.ok) {
      endpointState = 'unavailable';
      options.logger?.warn(
        { status: created.status, body: await created.text() },
        'demo portal: could not register its partner webhook endpoint',
      );
      return;
    }
    partnerSecret = ((await created.json()) as { secret: string }).secret;
    endpointState = 'registered';
  }

  /** Registers the endpoint once (the LMS page needs it); later calls wait for the first. */
  function ensurePartnerEndpoint(): Promise<void> {
    const { apiUrl, portalUrl } = connection ?? {};
    if (!apiUrl || !portalUrl || partnerSecret) return Promise.resolve();
    registration ??= registerPartnerEndpoint(apiUrl, portalUrl).catch((error: unknown) => {
      endpointState = 'unavailable';
      options.logger?.warn({ err: error }, 'demo portal: partner webhook registration failed');
    });
    return registration;
  }

  return {
    app,
    events,
    /** Tells the portal where the API is (it listens after the portal). */
    connect(next: PortalConnection): void {
      connection = next;
    },
    /** Registers the partner webhook endpoint now instead of on the LMS page's first load. */
    registerPartnerEndpoint: ensurePartnerEndpoint,
    /** The `whsec_…` secret of the portal's partner webhook endpoint (set by registration). */
    setPartnerSecret(secret: string) {
      partnerSecret = secret;
      endpointState = 'registered';
    },
  };
}

export type Portal = ReturnType<typeof createPortal>;

/** Starts the demo portal on its own port, so the pages embed the kit cross-origin. */
export async function startDemoPortal(
  options: PortalOptions & { host: string; port: number },
): Promise<Portal & { url: string; origins: string[]; stop(): Promise<void> }> {
  const portal = createPortal(options);
  const { server, port } = await new Promise<{ server: ServerType; port: number }>((resolve) => {
    const server = serve(
      { fetch: portal.app.fetch, hostname: options.host, port: options.port },
      (info) => resolve({ server, port: info.port }),
    );
  });
  const shownHost =
    options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
  return {
    ...portal,
    url,
    origins: [...new Set([url, `http://localhost:${port}`, `http://127.0.0.1:${port}`])],
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
