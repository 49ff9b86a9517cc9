import { z } from '@hono/zod-openapi';
// The token names are shared data of the server and the editor (themes/), not server code.
import { semanticTokens, widgetKnobs, type WidgetKnob } from '../../../themes/tokens.js';

/**
 * The themes API contract: the theme document, drafts with their contrast report, published
 * versions, and what publishing and rolling back take and return. The theme editor imports
 * its types from here. Theme bodies themselves are checked by the shared validator
 * (themes/validate.ts), so `ThemeInput` only documents them.
 */

export const themeVersionSources = ['publish', 'rollback'] as const;
export type ThemeVersionSource = (typeof themeVersionSources)[number];

const Tokens = z
  .partialRecord(z.enum(semanticTokens), z.string())
  .openapi('ThemeTokens', { description: 'Semantic token → value (see docs/theming.md).' });

export const ThemeDocument = z
  .object({
    mode: z.enum(['light', 'dark', 'auto']),
    tokens: Tokens,
    darkTokens: Tokens.optional(),
    knobs: z
      .partialRecord(z.enum(Object.keys(widgetKnobs) as [WidgetKnob, ...WidgetKnob[]]), z.string())
      .optional(),
    brand: z.object({ name: z.string().optional(), logoUrl: z.string().optional() }).optional(),
    messages: z
      .record(z.string(), z.record(z.string(), z.string()))
      .optional()
      .openapi({ description: 'White-label copy: locale → message key → text.' }),
  })
  .openapi('Theme');
export type ThemeDocument = z.infer<typeof ThemeDocument>;

// The request body is checked by the shared theme validator (themes/validate.ts), not here:
// one grammar for the server and the editor, with every error naming its field.
export const ThemeInput = z.looseObject({}).openapi('ThemeInput', {
  description:
    'A theme document shaped like `Theme`. Colors: hex, rgb(), hsl(), oklch(); lengths in px, ' +
    'rem or em; font families as plain or quoted names; logo https only. `url(`, `expression(`, ' +
    '`;`, braces, `@`, backslashes, comments, `!important` and over-long values are refused.',
});

export const ContrastCheck = z
  .object({
    id: z.string(),
    scheme: z.enum(['light', 'dark']),
    foreground: z.string(),
    background: z.string(),
    ratio: z.number(),
    required: z.number(),
    passes: z.boolean(),
    gate: z.boolean().openapi({ description: 'Publishing needs `override` when this fails.' }),
    path: z.string(),
  })
  .openapi('ContrastCheck');
export type ContrastCheck = z.infer<typeof ContrastCheck>;

export const DraftView = z
  .object({
    theme: ThemeDocument,
    baseVersion: z.number().int().nullable(),
    updatedBy: z.string(),
    updatedAt: z.string(),
    contrast: z.array(ContrastCheck),
  })
  .openapi('ThemeDraft');
export type DraftView = z.infer<typeof DraftView>;

export const VersionView = z
  .object({
    version: z.number().int(),
    theme: ThemeDocument,
    source: z.enum(themeVersionSources),
    restoredVersion: z.number().int().nullable(),
    contrastOverride: z.boolean(),
    note: z.string().nullable(),
    publishedBy: z.string(),
    publishedAt: z.string(),
  })
  .openapi('ThemeVersion');
export type VersionView = z.infer<typeof VersionView>;

export const PublishResult = z
  .object({
    version: VersionView,
    /** Contrast checks that failed and were published anyway (with the override). */
    warnings: z.array(z.object({ path: z.string(), message: z.string() })),
  })
  .openapi('ThemePublished');
export type PublishResult = z.infer<typeof PublishResult>;

/** The live version and the draft, as the editor opens with them. */
export const CurrentThemes = z.object({
  published: VersionView.nullable(),
  draft: DraftView.nullable(),
});
export type CurrentThemes = z.infer<typeof CurrentThemes>;

export const PublishInput = z
  .object({
    override: z
      .boolean()
      .optional()
      .openapi({ description: 'Publish even though a gating contrast check fails.' }),
    note: z.string().max(500).nullable().optional(),
  })
  .strict();
export type PublishInput = z.infer<typeof PublishInput>;

const VersionNumber = z.coerce.number().int().min(1).max(1_000_000);

export const RollbackInput = PublishInput.extend({ version: VersionNumber }).strict();
export type RollbackInput = z.infer<typeof RollbackInput>;

export const VersionsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  before: VersionNumber.optional(),
});

export const VersionParam = z.object({
  version: VersionNumber.openapi({ param: { name: 'version', in: 'path' } }),
});

export const VersionList = z.object({ versions: z.array(VersionView) });
export type VersionList = z.infer<typeof VersionList>;

export const PresetList = z.object({
  presets: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      description: z.string(),
      theme: ThemeDocument,
      contrast: z.array(ContrastCheck),
    }),
  ),
});
export type PresetList = z.infer<typeof PresetList>;

/** The draft preview is an embed configuration (see the embed contract). */
export const DraftPreview = z.looseObject({}).openapi({ description: 'An EmbedConfig' });
