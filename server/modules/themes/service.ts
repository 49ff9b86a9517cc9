import { and, desc, eq, lt, max } from 'drizzle-orm';
import { contrastFailures, contrastReport, type ContrastCheck } from '../../../themes/contrast.js';
import { defaultTheme } from '../../../themes/presets.js';
import { deliveredTheme } from '../../../themes/resolve.js';
import type { Theme } from '../../../themes/tokens.js';
import { validateTheme, type FieldError } from '../../../themes/validate.js';
import { first, type Db, type Store, type Tx } from '../../db/store.js';
import { ALL, type Bus } from '../../lib/bus.js';
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
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #live = new Map<string, CacheEntry>();
  #bus: { bus: Bus; onError: (error: unknown) => void } | undefined;
  readonly #default: Delivered = { version: 0, theme: deliveredTheme(defaultTheme) };

  constructor(store: Store, clock: Clock, ttlMs: number) {
    this.#store = store;
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
  async live(licenseId: string): Promise<Delivered> {
    const now = this.#clock.now().getTime();
    const cached = this.#live.get(licenseId);
    if (cached && now - cached.loadedAt < this.#ttlMs) return cached;
    const row = await this.#latest(this.#store.db, licenseId);
    const entry: CacheEntry = row
      ? { version: row.version, theme: deliveredTheme(row.document), loadedAt: now }
      : { ...this.#default, loadedAt: now };
    this.#live.set(licenseId, entry);
    return entry;
  }

  /** Forgets the cached live theme of a license, in every process when the bus is shared. */
  invalidate(licenseId: string): void {
    if (!this.#bus) {
      this.#live.delete(licenseId);
      return;
    }
    const { bus, onError } = this.#bus;
    bus.publish('theme', licenseId).catch(onError);
  }

  /** Hands invalidations to `bus`, which tells every process (this one synchronously). */
  shareInvalidations(bus: Bus, onError: (error: unknown) => void): void {
    this.#bus = { bus, onError };
    bus.subscribe('theme', (key) => {
      if (key === ALL) this.#live.clear();
      else this.#live.delete(key);
    });
  }

  async published(licenseId: string): Promise<VersionView | null> {
    const row = await this.#latest(this.#store.db, licenseId);
    return row ? versionView(row) : null;
  }

  async draft(licenseId: string): Promise<DraftView | null> {
    const row = first(
      await this.#store.db
        .select()
        .from(themeDrafts)
        .where(eq(themeDrafts.licenseId, licenseId))
        .limit(1),
    );
    return row ? this.#draftView(row) : null;
  }

  async saveDraft(licenseId: string, input: unknown, actor: string): Promise<DraftView> {
    const theme = this.validate(input);
    const now = this.#clock.now();
    const row = await this.#store.write(async (tx) => {
      const baseVersion = (await this.#latest(tx, licenseId))?.version ?? null;
      const [saved] = await tx
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
        .returning();
      return saved!;
    });
    return this.#draftView(row);
  }

  async discardDraft(licenseId: string): Promise<boolean> {
    const gone = await this.#store.write((tx) =>
      tx
        .delete(themeDrafts)
        .where(eq(themeDrafts.licenseId, licenseId))
        .returning({ licenseId: themeDrafts.licenseId }),
    );
    return gone.length > 0;
  }

  /**
   * Publishes the draft as the next version and removes the draft. A theme that fails a
   * gating contrast check is refused unless `override` is set; then it is published with
   * those failures returned as warnings and recorded on the version.
   */
  async publish(licenseId: string, options: PublishInput, actor: string): Promise<PublishResult> {
    const result = await this.#store.write(async (tx) => {
      const draft = first(
        await tx.select().from(themeDrafts).where(eq(themeDrafts.licenseId, licenseId)).limit(1),
      );
      if (!draft) throw new ApiError('conflict', 'There is no draft to publish. Save one first.');
      const published = await this.#append(tx, licenseId, draft.document, {
        source: 'publish',
        restoredVersion: null,
        override: options.override ?? false,
        note: options.note ?? null,
        actor,
      });
      await tx.delete(themeDrafts).where(eq(themeDrafts.licenseId, licenseId));
      return published;
    });
    this.invalidate(licenseId);
    return result;
  }

  /** Publishes a copy of an earlier version as the next one. */
  async rollback(licenseId: string, options: RollbackInput, actor: string): Promise<PublishResult> {
    const result = await this.#store.write(async (tx) => {
      const target = first(
        await tx
          .select()
          .from(themeVersions)
          .where(
            and(eq(themeVersions.licenseId, licenseId), eq(themeVersions.version, options.version)),
          )
          .limit(1),
      );
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
  async history(
    licenseId: string,
    options: { limit: number; before?: number },
  ): Promise<VersionView[]> {
    const where = options.before
      ? and(eq(themeVersions.licenseId, licenseId), lt(themeVersions.version, options.before))
      : eq(themeVersions.licenseId, licenseId);
    const rows = await this.#store.db
      .select()
      .from(themeVersions)
      .where(where)
      .orderBy(desc(themeVersions.version))
      .limit(options.limit);
    return rows.map(versionView);
  }

  async version(licenseId: string, version: number): Promise<VersionView> {
    const row = first(
      await this.#store.db
        .select()
        .from(themeVersions)
        .where(and(eq(themeVersions.licenseId, licenseId), eq(themeVersions.version, version)))
        .limit(1),
    );
    if (!row) throw new ApiError('not_found', `There is no version ${version}.`);
    return versionView(row);
  }

  async #append(
    tx: Tx,
    licenseId: string,
    document: Theme,
    o: {
      source: ThemeVersionSource;
      restoredVersion: number | null;
      override: boolean;
      note: string | null;
      actor: string;
    },
  ): Promise<PublishResult> {
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
    const [top] = await tx
      .select({ version: max(themeVersions.version) })
      .from(themeVersions)
      .where(eq(themeVersions.licenseId, licenseId));
    const latest = top?.version ?? 0;
    const [row] = await tx
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
      .returning();
    return {
      version: versionView(row!),
      warnings: failures.map((f) => ({ path: f.path, message: describe(f) })),
    };
  }

  async #latest(db: Db, licenseId: string): Promise<ThemeVersion | undefined> {
    return first(
      await db
        .select()
        .from(themeVersions)
        .where(eq(themeVersions.licenseId, licenseId))
        .orderBy(desc(themeVersions.version))
        .limit(1),
    );
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
