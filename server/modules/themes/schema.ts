import { index, integer, primaryKey, table, text } from '../../db/kit.js';
import type { Theme } from '../../../themes/tokens.js';
import { timestamps } from '../../db/columns.js';
import { licenses } from '../licenses/schema.js';
import { themeVersionSources } from './contract.js';

/**
 * The theme a brand admin is working on, one per license. It never reaches a widget until it
 * is published; the editor previews it without publishing.
 */
export const themeDrafts = table('theme_drafts', {
  licenseId: text()
    .primaryKey()
    .references(() => licenses.id),
  /** Validated by themes/validate.ts before it is stored. */
  document: text({ mode: 'json' }).$type<Theme>().notNull(),
  /** The published version the draft started from; null when nothing was published yet. */
  baseVersion: integer(),
  /** Who saved it last: a learner subject, or `secret_key`. */
  updatedBy: text().notNull(),
  ...timestamps,
});

export type ThemeDraft = typeof themeDrafts.$inferSelect;

/**
 * Every published theme, append-only. The highest version of a license is the live one; a
 * rollback publishes a copy of an older version as a new one, so history is never rewritten
 * and widgets' ETags always move forward.
 */
export const themeVersions = table(
  'theme_versions',
  {
    licenseId: text()
      .notNull()
      .references(() => licenses.id),
    version: integer().notNull(),
    document: text({ mode: 'json' }).$type<Theme>().notNull(),
    source: text({ enum: themeVersionSources }).notNull(),
    /** For a rollback: the version it restored. */
    restoredVersion: integer(),
    /** Published although a gating contrast check failed, with the admin's explicit consent. */
    contrastOverride: integer({ mode: 'boolean' }).notNull().default(false),
    note: text(),
    publishedBy: text().notNull(),
    publishedAt: integer({ mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.licenseId, t.version] }),
    index('theme_versions_published_idx').on(t.licenseId, t.publishedAt),
  ],
);

export type ThemeVersion = typeof themeVersions.$inferSelect;
