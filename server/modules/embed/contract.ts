import { z } from '@hono/zod-openapi';
// The token names are shared data of the server and the editor (themes/), not server code.
import { semanticTokens } from '../../../themes/tokens.js';

/**
 * The embed API contract: what a widget needs to boot (license state, features, the live
 * theme, locale, currency, payment settings). Every widget reads it through the shared
 * config store, which imports the type from here.
 */

const tokensSchema = z.partialRecord(z.enum(semanticTokens), z.string());

export const EmbedConfig = z
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
export type EmbedConfig = z.infer<typeof EmbedConfig>;
