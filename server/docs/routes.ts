import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Hono } from 'hono';
import { errorCatalog } from '../errors.js';
import type { AppEnv } from '../types.js';

const swaggerDir = path.dirname(
  createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'),
);
const assets: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

const page = (title: string, head: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>${head}</head><body>${body}</body></html>`;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** Interactive API reference, served from local copies so it works offline and under CSP. */
export const docsRoutes = new Hono<AppEnv>()
  .get('/', (c) => {
    c.header(
      'Content-Security-Policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
    );
    return c.html(
      page(
        'Liberation Kit API reference',
        '<link rel="stylesheet" href="/docs/assets/swagger-ui.css">',
        '<div id="reference"></div><script src="/docs/assets/swagger-ui-bundle.js"></script><script src="/docs/assets/init.js"></script>',
      ),
    );
  })
  .get('/assets/init.js', (c) =>
    c.body(
      "window.SwaggerUIBundle({ url: '/v1/openapi.json', dom_id: '#reference', deepLinking: true });\n",
      200,
      { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=300' },
    ),
  )
  .get('/assets/:file', (c) => {
    const file = c.req.param('file');
    const type = assets[file];
    if (!type) return c.notFound();
    return c.body(fs.readFileSync(path.join(swaggerDir, file)), 200, {
      'Content-Type': type,
      'Cache-Control': 'public, max-age=86400',
    });
  })
  .get('/problems', (c) => {
    const rows = Object.entries(errorCatalog)
      .map(
        ([code, { status, title }]) =>
          `<tr id="${code}"><td><code>${code}</code></td><td>${status}</td><td>${escapeHtml(title)}</td></tr>`,
      )
      .join('');
    return c.html(
      page(
        'Liberation Kit error codes',
        '',
        `<h1>Error codes</h1><p>Every error is <code>application/problem+json</code> (RFC 9457) with one of these codes.</p>
<table><thead><tr><th>code</th><th>status</th><th>meaning</th></tr></thead><tbody>${rows}</tbody></table>`,
      ),
    );
  });
