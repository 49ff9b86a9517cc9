import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Hono } from 'hono';
import type { AppEnv } from '../types.js';
import { page } from './html.js';
import { problemsCsp, problemsPage } from './problems.js';

const swaggerDir = path.dirname(
  createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'),
);
const assets: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

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
    c.header('Content-Security-Policy', problemsCsp);
    return c.html(problemsPage);
  });
