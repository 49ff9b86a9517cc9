import { createRoute, z } from '@hono/zod-openapi';
import { chain, createRouter } from '../../router.js';
import { requireLicense } from '../../middleware/license.js';
import { problemResponses } from '../../openapi.js';
import { semanticTokens } from '../../../themes/tokens.js';

const tokensSchema = z.partialRecord(z.enum(semanticTokens), z.string());

const EmbedConfigSchema = z
  .object({
    license: z.object({
      id: z.string(),
      name: z.string(),
      status: z.enum(['active', 'suspended', 'revoked']),
      plan: z.string(),
      mode: z.enum(['test', 'live']),
    }),
    features: z.array(z.string()),
    theme: z
      .object({
        version: z.number().int(),
        mode: z.enum(['light', 'dark', 'auto']),
        tokens: tokensSchema,
        darkTokens: tokensSchema.optional(),
        knobs: z.record(z.string(), z.string()).optional(),
        brand: z.object({ name: z.string().optional(), logoUrl: z.string().optional() }).optional(),
        messages: z.record(z.string(), z.record(z.string(), z.string())).optional(),
      })
      .openapi({
        description:
          'The live theme (the light preset, version 0, until one is published), every token ' +
          'filled in; `auto` carries the light set in `tokens` and the dark overrides in ' +
          '`darkTokens`. `messages` is the license’s white-label copy: locale → key → text.',
      }),
    locale: z.string(),
    currency: z.string().length(3),
    payments: z.object({
      provider: z.literal('stripe'),
      mode: z.enum(['test', 'live']),
      stripePublishableKey: z.string().nullable(),
      stripeJsUrl: z.string().nullable().openapi({
        description: 'Stripe.js to load instead of js.stripe.com (the bundled emulator), or null',
      }),
    }),
    publishableKey: z.string(),
  })
  .openapi('EmbedConfig');

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
      content: { 'application/json': { schema: EmbedConfigSchema } },
    },
    304: { description: 'Unchanged since the ETag the client holds' },
    ...problemResponses(401, 403, 429),
  },
});

export const embedRoutes = createRouter().openapi(getConfig, (c) => {
  const license = c.var.license;
  const { body, etag } = c.get('services').embed.serialized(license);
  c.header('ETag', etag);
  c.header('Cache-Control', 'no-cache');
  if (c.req.header('if-none-match') === etag) return c.body(null, 304);
  return c.body(body, 200, { 'Content-Type': 'application/json; charset=utf-8' });
});
