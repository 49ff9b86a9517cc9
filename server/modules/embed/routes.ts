import { createRoute } from '@hono/zod-openapi';
import { requireLicense } from '../../middleware/license.js';
import { problemResponses } from '../../openapi.js';
import { chain, createRouter } from '../../router.js';
import { EmbedConfig } from './contract.js';

const getConfig = createRoute({
  method: 'get',
  path: '/config',
  tags: ['Embed'],
  summary: 'What a widget needs to boot',
  description:
    'License status, plan, features, theme, locale, currency and payment settings for the license ' +
    'whose publishable key is sent. Supports `If-None-Match`; widgets pick up changes on next load.',
  security: [{ publishableKey: [] }],
  middleware: chain(requireLicense),
  responses: {
    200: {
      description: 'The embed configuration',
      content: { 'application/json': { schema: EmbedConfig } },
    },
    304: { description: 'Unchanged since the ETag the client holds' },
    ...problemResponses(401, 403, 429),
  },
});

export const embedRoutes = createRouter().openapi(getConfig, async (c) => {
  const license = c.var.license;
  const { body, etag } = await c.get('services').embed.serialized(license);
  c.header('ETag', etag);
  c.header('Cache-Control', 'no-cache');
  if (c.req.header('if-none-match') === etag) return c.body(null, 304);
  return c.body(body, 200, { 'Content-Type': 'application/json; charset=utf-8' });
});
