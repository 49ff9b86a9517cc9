import { and, desc, eq, lt, max } from 'drizzle-orm';
import { contrastFailures, contrastReport, type ContrastCheck } from '../../../themes/contrast.js';
import { defaultTheme } from '../../../themes/presets.js';
import { deliveredTheme } from '../../../themes/resolve.js';
import type { Theme } from '../../../themes/tokens.js';
import { validateTheme, type FieldError } from '../../../themes/validate.js';
import { writeTransaction, type Db, type Tx } from '../../db/client.js';
import { ApiError } from '../../errors.js';
import type { Clock } from '../../services.js';
import { messageCatalog } from './catalog.js';
import type {
  DraftView,
  PublishInput,
  PublishResult,
  RollbackInput,
  ThemeVersionSource,
  VersionView,
} from './contract.js';
import { themeDrafts, themeVersions, type ThemeDraft, type ThemeVersion } from './schema.js';

/** Largest theme document accepted, serialized. Message overrides are what make one big. */
export const MAX_THEME_BYTES = 64 * 1024;

/** What widgets receive: the live theme, resolved for delivery, and its version (0: default). */
export interface Delivered {
  version: number;
  theme: Theme;
}

interface CacheEntry extends Delivered {
  loadedAt: number;
}

const describe = (check: ContrastCheck) =>
  `${check.foreground.replace(/^color-/, '')} on ${check.background.replace(/^color-/, '')} ` +
  `(${check.scheme}) is ${check.ratio.toFixed(2)}:1; WCAG AA needs ${check.required}:1`;

function versionView(row: ThemeVersion): VersionView {
  return {
    version: row.version,
    theme: row.document,
    source: row.source,
    restoredVersion: row.restoredVersion,
    contrastOverride: row.contrastOverride,
    note: row.note,
    publishedBy: row.publishedBy,
    publishedAt: row.publishedAt.toISOString(),
  };
}

/**
 * Themes per license: one draft, and an append-only list of published versions whose highest
 * is live. Everything stored has passed the shared validator; the live theme is read on every
 * embed-config request, so it is cached in memory and dropped on publish and rollback (and
 * after the TTL, for when another process published).
 */
export class ThemeService {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #live = new Map<string, CacheEntry>();
  readonly #default: Delivered = { version: 0, theme: deliveredTheme(defaultTheme) };

  constructor(db: Db, clock: Clock, ttlMs: number) {
    this.#db = db;
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  /** Validates a theme as the API does, with field paths under `prefix` (`body`). */
  validate(input: unknown, prefix = 'body'): Theme {
    const at = (path: string) => (path ? `${prefix}.${path}` : prefix);
    const size = JSON.stringify(input ?? null).length;
    if (size > MAX_THEME_BYTES) {
      throw new ApiError('validation_failed', `A theme is at most ${MAX_THEME_BYTES} bytes.`, {
        errors: [{ path: prefix, message: `is ${size} bytes; the limit is ${MAX_THEME_BYTES}` }],
      });
    }
    const result = validateTheme(input, { catalog: messageCatalog });
    if (!result.ok) {
      const errors: FieldError[] = result.errors.map((e) => ({ ...e, path: at(e.path) }));
      throw new ApiError(
        'validation_failed',
        `${errors.length} theme field(s) failed validation.`,
        {
          errors,
        },
      );
    }
    return result.theme;
  }

  /** The live theme as widgets get it. Cheap: served from memory after the first read. */
  live(licenseId: string): Delivered {
    const now = this.#clock.now().getTime();
    const cached = this.#live.get(licenseId);
    if (cached && now - cached.loadedAt < this.#ttlMs) return cached;
    const row = this.#latest(this.#db, licenseId);
    const entry: CacheEntry = row
      ? { version: row.version, theme: deliveredTheme(row.document), loadedAt: now }
      : { ...this.#default, loadedAt: now };
    this.#live.set(licenseId, entry);
    return entry;
  }

  /** Forgets the cached live theme of a license. */
  invalidate(licenseId: string): void {
    this.#live.delete(licenseId);
  }

  published(licenseId: string): VersionView | null {
    const row = this.#latest(this.#db, licenseId);
    return row ? versionView(row) : null;
  }

  draft(licenseId: string): DraftView | null {
    const row = this.#db
      .select()
      .from(themeDrafts)
      .where(eq(themeDrafts.licenseId, licenseId))
      .get();
    return row ? this.#draftView(row) : null;
  }

  saveDraft(licenseId: string, input: unknown, actor: string): DraftView {
    const theme = this.validate(input);
    const now = this.#clock.now();
    const row = writeTransaction(this.#db, (tx) => {
      const baseVersion = this.#latest(tx, licenseId)?.version ?? null;
      return tx
        .insert(themeDrafts)
        .values({
          licenseId,
          document: theme,
          baseVersion,
          updatedBy: actor,
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoUpdate({
          target: themeDrafts.licenseId,
          set: { document: theme, baseVersion, updatedBy: actor, updatedAt: now },
        })
        .returning()
        .get();
    });
    return this.#draftView(row);
  }

  discardDraft(licenseId: string): boolean {
    const gone = this.#db.delete(themeDrafts).where(eq(themeDrafts.licenseId, licenseId)).run();
    return gone.changes > 0;
  }

  /**
   * Publishes the draft as the next version and removes the draft. A theme that fails a
   * gating contrast check is refused unless `override` is set; then it is published with
   * those failures returned as warnings and recorded on the version.
   */
  publish(licenseId: string, options: PublishInput, actor: string): PublishResult {
    const result = writeTransaction(this.#db, (tx) => {
      const draft = tx.select().from(themeDrafts).where(eq(themeDrafts.licenseId, licenseId)).get();
      if (!draft) throw new ApiError('conflict', 'There is no draft to publish. Save one first.');
      const published = this.#append(tx, licenseId, draft.document, {
        source: 'publish',
        restoredVersion: null,
        override: options.override ?? false,
        note: options.note ?? null,
        actor,
      });
      tx.delete(themeDrafts).where(eq(themeDrafts.licenseId, licenseId)).run();
      return published;
    });
    this.invalidate(licenseId);
    return result;
  }

  /** Publishes a copy of an earlier version as the next one. */
  rollback(licenseId: string, options: RollbackInput, actor: string): PublishResult {
    const result = writeTransaction(this.#db, (tx) => {
      const target = tx
        .select()
        .from(themeVersions)
        .where(
          and(eq(themeVersions.licenseId, licenseId), eq(themeVersions.version, options.version)),
        )
        .get();
      if (!target) throw new ApiError('not_found', `There is no version ${options.version}.`);
      return this.#append(tx, licenseId, target.document, {
        source: 'rollback',
        restoredVersion: target.version,
        override: options.override ?? false,
        note: options.note ?? null,
        actor,
      });
    });
    this.invalidate(licenseId);
    return result;
  }

  /** Published versions, newest first; `before` pages back through older ones. */
  history(licenseId: string, options: { limit: number; before?: number }): VersionView[] {
    const where = options.before
      ? and(eq(themeVersions.licenseId, licenseId), lt(themeVersions.version, options.before))
      : eq(themeVersions.licenseId, licenseId);
    return this.#db
      .select()
      .from(themeVersions)
      .where(where)
      .orderBy(desc(themeVersions.version))
      .limit(options.limit)
      .all()
      .map(versionView);
  }

  version(licenseId: string, version: number): VersionView {
    const row = this.#db
      .select()
      .from(themeVersions)
      .where(and(eq(themeVersions.licenseId, licenseId), eq(themeVersions.version, version)))
      .get();
    if (!row) throw new ApiError('not_found', `There is no version ${version}.`);
    return versionView(row);
  }

  #append(
    tx: Db | Tx,
    licenseId: string,
    document: Theme,
    o: {
      source: ThemeVersionSource;
      restoredVersion: number | null;
      override: boolean;
      note: string | null;
      actor: string;
    },
  ): PublishResult {
    const failures = contrastFailures(document);
    if (failures.length > 0 && !o.override) {
      throw new ApiError(
        'conflict',
        'The theme fails the WCAG AA contrast check. Fix the listed colors, or publish again ' +
          'with "override": true to publish it anyway.',
        {
          errors: failures.map((f) => ({ path: f.path, message: describe(f) })),
          extensions: { reason: 'contrast_below_aa', contrast: failures },
        },
      );
    }
    const latest =
      tx
        .select({ version: max(themeVersions.version) })
        .from(themeVersions)
        .where(eq(themeVersions.licenseId, licenseId))
        .get()?.version ?? 0;
    const row = tx
      .insert(themeVersions)
      .values({
        licenseId,
        version: latest + 1,
        document,
        source: o.source,
        restoredVersion: o.restoredVersion,
        contrastOverride: failures.length > 0,
        note: o.note,
        publishedBy: o.actor,
        publishedAt: this.#clock.now(),
      })
      .returning()
      .get();
    return {
      version: versionView(row),
      warnings: failures.map((f) => ({ path: f.path, message: describe(f) })),
    };
  }

  #latest(db: Db | Tx, licenseId: string) {
    return db
      .select()
      .from(themeVersions)
      .where(eq(themeVersions.licenseId, licenseId))
      .orderBy(desc(themeVersions.version))
      .limit(1)
      .get();
  }

  #draftView(row: ThemeDraft): DraftView {
    return {
      theme: row.document,
      baseVersion: row.baseVersion,
      updatedBy: row.updatedBy,
      updatedAt: row.updatedAt.toISOString(),
      contrast: contrastReport(row.document),
    };
  }
}
