import type { ReactiveController, ReactiveControllerHost, TemplateResult } from 'lit';
import { html } from 'lit';
import { presets } from '../../themes/presets.js';
import type {
  DraftView,
  PublishResult,
  VersionView,
} from '../../server/modules/themes/contract.js';
import type { Theme } from '../../themes/tokens.js';
import { validateTheme } from '../../themes/validate.js';
import { LxApiError, type ApiClient, type TokenSource } from '../internal/api-client.js';
import { addEnglish, type MessageKey, type Translate, type Vars } from '../internal/i18n.js';
import { workbenchMessages } from '../messages/workbench.js';
import { Preview, renderContrast, renderPreview } from './preview-view.js';
import {
  renderBar,
  renderConfirmation,
  renderHistory,
  renderJson,
  renderNotices,
  type PublishView,
} from './publish-view.js';
import { LxThemePublishEvent } from './theme-publish.event.js';
import { renderControls } from './token-controls-view.js';
import { clone, WorkingTheme } from './working-theme.js';

export { workbenchStyles } from './workbench.styles.js';

addEnglish(workbenchMessages);

/** What the tools need from the `<lx-theme-editor>` element that loaded them. */
export interface EditorHost {
  client(): ApiClient;
  locale(): string;
  endpoint(): { api: string; license: string };
  token(): TokenSource;
  readonly tag: string;
  readonly element: ReactiveControllerHost & HTMLElement;
  readonly t: Translate;
  update(): void;
}

/** The outcome of the last action, shown above the controls. */
export interface Notice {
  kind: 'ok' | 'error';
  text: string;
}

/** A publication the server refused for low contrast, to confirm with an override. */
export interface Confirmation {
  failures: string[];
  run: () => void;
}

/**
 * The editing tools of `<lx-theme-editor>`, as a reactive controller of the element: the
 * theme's versions on the server, the actions that save, publish, roll back and discard, and
 * JSON import and export. What is edited is a {@link WorkingTheme}; how it is shown is in the
 * views (token-controls-view, publish-view, preview-view). Kept out of the element's own chunk
 * so that showing the editor's sign-in state costs little.
 */
export class Workbench implements ReactiveController {
  #host: EditorHost;
  #preview: Preview;
  #theme = new WorkingTheme();
  #status: 'loading' | 'ready' | 'failed' = 'loading';
  #loadError: LxApiError | undefined;
  #published: VersionView | null = null;
  #draft: DraftView | null = null;
  #history: VersionView[] = [];
  #previewLocale: string;
  #notice: Notice | undefined;
  #busy = false;
  #confirmation: Confirmation | undefined;
  #importText = '';
  #importErrors: string[] = [];
  #focusPath: string | undefined;

  constructor(host: EditorHost) {
    this.#host = host;
    this.#previewLocale = host.locale();
    this.#preview = new Preview(host.tag, () => host.update());
    host.element.addController(this);
    void this.#load();
  }

  hostUpdated(): void {
    const root = this.#host.element.shadowRoot;
    const dialog = root?.querySelector('dialog');
    if (dialog && this.#confirmation && !dialog.open) dialog.showModal();
    if (this.#focusPath) {
      root?.querySelector<HTMLElement>(`[data-path="${CSS.escape(this.#focusPath)}"]`)?.focus();
      this.#focusPath = undefined;
    }
  }

  #update(): void {
    this.#host.update();
  }

  async #load(): Promise<void> {
    try {
      const [state, history] = await Promise.all([
        this.#host
          .client()
          .get<{ published: VersionView | null; draft: DraftView | null }>('v1/themes'),
        this.#host.client().get<{ versions: VersionView[] }>('v1/themes/versions', {
          query: { limit: 20 },
        }),
      ]);
      this.#published = state.published;
      this.#draft = state.draft;
      this.#history = history.versions;
      this.#theme.load(state.draft?.theme ?? state.published?.theme ?? presets.light);
      this.#status = 'ready';
    } catch (error) {
      this.#loadError =
        error instanceof LxApiError ? error : new LxApiError('client_error', 0, String(error));
      this.#status = 'failed';
    }
    this.#update();
  }

  /** Applies an edit (false: nothing changed): unsaved now, and the last notice is stale. */
  #edit = (change: (theme: WorkingTheme) => boolean | void): void => {
    if (change(this.#theme) === false) return;
    this.#theme.dirty = true;
    this.#notice = undefined;
    this.#update();
  };

  /* Server calls */

  async #run(action: () => Promise<void>): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    this.#update();
    try {
      await action();
    } catch (error) {
      this.#failed(error);
    } finally {
      this.#busy = false;
      this.#update();
    }
  }

  #notify(kind: Notice['kind'], key: MessageKey, vars?: Vars): void {
    this.#notice = { kind, text: this.#host.t(key, vars) };
  }

  #failed(error: unknown): void {
    const apiError = error instanceof LxApiError ? error : undefined;
    const fields = apiError?.code === 'validation_failed' ? (apiError.problem?.errors ?? []) : [];
    for (const field of fields)
      this.#theme.errors[field.path.replace(/^body\./, '')] = field.message;
    if (fields.length) {
      this.#notify('error', 'editor.invalid', { count: fields.length });
      this.#focusPath = fields[0]!.path.replace(/^body\./, '');
    } else {
      this.#notify('error', 'editor.failed', {
        message: (error as Error).message ?? String(error),
      });
    }
  }

  /** Saves the draft; false (with the fields marked) when it is not valid. */
  async #saveDraft(): Promise<boolean> {
    const result = validateTheme(this.#theme.theme);
    if (!result.ok) {
      for (const field of result.errors) this.#theme.errors[field.path] = field.message;
      this.#notify('error', 'editor.invalid', { count: result.errors.length });
      this.#focusPath = result.errors[0]!.path;
      return false;
    }
    this.#draft = await this.#host.client().request<DraftView>('PUT', 'v1/themes/draft', {
      body: result.theme,
    });
    this.#theme.dirty = false;
    this.#theme.errors = {};
    return true;
  }

  #save = () =>
    this.#run(async () => {
      if (await this.#saveDraft()) this.#notify('ok', 'editor.saved');
    });

  #publish = (override = false) =>
    this.#run(async () => {
      if ((this.#theme.dirty || !this.#draft) && !(await this.#saveDraft())) return;
      await this.#afterPublish(
        () => this.#host.client().post<PublishResult>('v1/themes/publish', { override }),
        () => void this.#publish(true),
      );
    });

  #rollback = (version: number, override = false) =>
    this.#run(() =>
      this.#afterPublish(
        () => this.#host.client().post<PublishResult>('v1/themes/rollback', { version, override }),
        () => void this.#rollback(version, true),
      ),
    );

  async #afterPublish(
    call: () => Promise<PublishResult>,
    retryWithOverride: () => void,
  ): Promise<void> {
    let result: PublishResult;
    try {
      result = await call();
    } catch (error) {
      if (error instanceof LxApiError && error.problem?.reason === 'contrast_below_aa') {
        this.#confirmation = {
          failures: (error.problem.errors ?? []).map((e) => e.message),
          run: retryWithOverride,
        };
        return;
      }
      throw error;
    }
    const { version } = result;
    this.#published = version;
    this.#draft = null;
    this.#theme.dirty = false;
    this.#theme.theme = clone(version.theme);
    this.#history = [version, ...this.#history.filter((v) => v.version !== version.version)];
    if (version.source === 'rollback') {
      this.#notify('ok', 'editor.rolledback', {
        version: version.version,
        restored: version.restoredVersion ?? 0,
      });
    } else {
      this.#notify('ok', 'editor.published', { version: version.version });
    }
    this.#host.element.dispatchEvent(
      new LxThemePublishEvent({
        version: version.version,
        restoredVersion: version.restoredVersion,
      }),
    );
  }

  #discard = () =>
    this.#run(async () => {
      if (this.#draft) {
        await this.#host
          .client()
          .request('DELETE', 'v1/themes/draft')
          .catch((error: unknown) => {
            if (!(error instanceof LxApiError && error.code === 'not_found')) throw error;
          });
      }
      this.#draft = null;
      this.#theme.dirty = false;
      this.#theme.errors = {};
      this.#theme.theme = clone(this.#published?.theme ?? presets.light);
      this.#notify('ok', 'editor.discarded');
    });

  /* JSON */

  /** The theme being edited, as portable JSON (only values that pass validation). */
  exportJson(): string {
    return JSON.stringify(this.#theme.valid(), null, 2);
  }

  #download = () => {
    const url = URL.createObjectURL(new Blob([this.exportJson()], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = 'theme.json';
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  /** Loads theme JSON into the editor if it validates; otherwise lists what is wrong. */
  importJson(text: string): boolean {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      this.#importErrors = [
        this.#host.t('editor.import.invalid', { reason: (error as Error).message }),
      ];
      this.#update();
      return false;
    }
    const result = validateTheme(parsed);
    if (!result.ok) {
      this.#importErrors = result.errors.map((e) => `${e.path || 'theme'}: ${e.message}`);
      this.#update();
      return false;
    }
    this.#importErrors = [];
    this.#importText = '';
    this.#edit((theme) => theme.replace(result.theme));
    return true;
  }

  #importFile = async (event: Event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (file) this.importJson(await file.text());
  };

  /* Rendering */

  #publishView(): PublishView {
    return {
      t: this.#host.t,
      locale: this.#host.locale(),
      theme: this.#theme,
      published: this.#published,
      draft: this.#draft,
      history: this.#history,
      busy: this.#busy,
      notice: this.#notice,
      confirmation: this.#confirmation,
      importText: this.#importText,
      importErrors: this.#importErrors,
      save: () => void this.#save(),
      publish: () => void this.#publish(),
      discard: () => void this.#discard(),
      rollback: (version) => void this.#rollback(version),
      closeConfirmation: () => {
        this.#confirmation = undefined;
        this.#update();
      },
      download: this.#download,
      importFile: (event) => void this.#importFile(event),
      setImportText: (text) => (this.#importText = text),
      importTyped: () => void this.importJson(this.#importText),
    };
  }

  render(): TemplateResult {
    const t = this.#host.t;
    if (this.#status === 'loading') {
      return html`<div part="base loading" class="skeleton" role="status" aria-busy="true"></div>`;
    }
    if (this.#status === 'failed') {
      const code = this.#loadError?.code ?? '';
      const key = code === 'forbidden' ? 'editor.forbidden' : 'editor.signin';
      const known = code === 'forbidden' || code === 'unauthenticated' || code.startsWith('token_');
      return html`<div part="base state" class="state" role="alert" data-code=${code}>
        <h2>${t('editor.title')}</h2>
        <p>${known ? t(key) : t('editor.failed', { message: this.#loadError?.message ?? '' })}</p>
      </div>`;
    }
    const theme = this.#theme.valid();
    const view = this.#publishView();
    const { api, license } = this.#host.endpoint();
    return html`<div part="base" class="editor" aria-labelledby="editor-title">
      ${renderBar(view)} ${renderNotices(this.#notice)}
      <div class="controls">
        ${renderControls({ t, theme: this.#theme, edit: this.#edit, update: () => this.#update() })}
        ${renderContrast(theme, t)} ${renderHistory(view)} ${renderJson(view)}
      </div>
      ${renderPreview({
        t,
        locale: this.#host.locale(),
        theme,
        scheme: this.#theme.previewScheme,
        previewLocale: this.#previewLocale,
        preview: this.#preview,
        settings: { api, license, token: this.#host.token() },
        setScheme: (scheme) => {
          this.#theme.previewScheme = scheme;
          this.#update();
        },
        setLocale: (locale) => {
          this.#previewLocale = locale;
          this.#update();
        },
      })}
      ${renderConfirmation(view)}
    </div>`;
  }

  /** The theme being edited, for tests and host scripts. */
  get working(): Theme {
    return clone(this.#theme.theme);
  }

  /** Which schemes the working theme renders in. */
  get schemes() {
    return this.#theme.schemes;
  }
}
