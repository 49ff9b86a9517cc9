import {
  html,
  nothing,
  type ReactiveController,
  type ReactiveControllerHost,
  type TemplateResult,
} from 'lit';
import { parseColor, toHex } from '../../themes/color.js';
import { contrastReport, type ContrastCheck } from '../../themes/contrast.js';
import { themeFromBrand } from '../../themes/derive.js';
import { presetInfo, presets, type PresetId } from '../../themes/presets.js';
import { fontStacks, radii, shadows } from '../../themes/primitives.js';
import { deliveredTheme, resolveScheme, type Scheme } from '../../themes/resolve.js';
import {
  derivedTokens,
  schemeTokens,
  schemesOf,
  tokenKinds,
  type SemanticToken,
  type Theme,
  type ThemeMode,
  type ThemeTokens,
} from '../../themes/tokens.js';
import { logoUrlError, validateTheme, valueError } from '../../themes/validate.js';
import type {
  DraftView,
  PublishResult,
  VersionView,
} from '../../server/modules/themes/contract.js';
import { LxApiError, type ApiClient, type TokenSource } from '../internal/api-client.js';
import type { EmbedConfig } from '../internal/config-store.js';
import { safeLogoUrl } from '../internal/brand.js';
import { Preview } from './preview.js';
import { LxThemePublishEvent } from './theme-publish.event.js';
import { editorMessages, type WorkbenchKey } from './workbench.messages.js';
import { workbenchStyles } from './workbench.styles.js';

/** What the tools need from the `<lx-theme-editor>` element that loaded them. */
export interface EditorHost {
  client(): ApiClient;
  config(): EmbedConfig;
  locale(): string;
  endpoint(): { api: string; license: string };
  token(): TokenSource;
  readonly tag: string;
  readonly element: ReactiveControllerHost & HTMLElement;
  text(key: string, vars?: Record<string, string | number>): string;
  update(): void;
}

type Group = 'tokens' | 'darkTokens';

const colorTokens = (Object.keys(tokenKinds) as SemanticToken[]).filter(
  (name) => tokenKinds[name] === 'color',
);

const previewLocales = ['en', 'fr', 'de', 'ar'];

let sheet: CSSStyleSheet | undefined;

/** The editor's stylesheet, constructed once per page. */
export function workbenchSheet(): CSSStyleSheet {
  return (sheet ??= workbenchStyles.styleSheet!);
}

const clone = (theme: Theme): Theme => JSON.parse(JSON.stringify(theme)) as Theme;

/** `#rrggbb` for a color input, which takes nothing else. */
const pickerValue = (value: string | undefined) => {
  const color = value ? parseColor(value) : undefined;
  return color ? toHex({ ...color, a: 1 }) : '#000000';
};

/**
 * The editing tools of `<lx-theme-editor>`: state, server calls and rendering, as a reactive
 * controller of the element. Kept out of the element's own chunk so that showing the editor's
 * sign-in state costs little.
 */
export class Workbench implements ReactiveController {
  /** English copy of the tools, for the element's `text()`. */
  readonly english = editorMessages;

  #host: EditorHost;
  #preview: Preview;
  #status: 'loading' | 'ready' | 'failed' = 'loading';
  #loadError: LxApiError | undefined;
  #published: VersionView | null = null;
  #draft: DraftView | null = null;
  #history: VersionView[] = [];
  #working: Theme = clone(presets.light);
  #dirty = false;
  #errors: Record<string, string> = {};
  #scheme: Scheme = 'light';
  #previewScheme: Scheme = 'light';
  #previewLocale: string;
  #preset: PresetId = 'light';
  #notice: { kind: 'ok' | 'error'; text: string } | undefined;
  #busy = false;
  #confirm: { failures: string[]; run: () => void } | undefined;
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
    if (dialog && this.#confirm && !dialog.open) dialog.showModal();
    if (this.#focusPath) {
      root?.querySelector<HTMLElement>(`[data-path="${CSS.escape(this.#focusPath)}"]`)?.focus();
      this.#focusPath = undefined;
    }
  }

  #t(
    key: WorkbenchKey | 'editor.title' | 'editor.forbidden' | 'editor.signin',
    vars?: Record<string, string | number>,
  ) {
    return this.#host.text(key, vars);
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
      this.#working = clone(state.draft?.theme ?? state.published?.theme ?? presets.light);
      this.#scheme = this.#working.mode === 'dark' ? 'dark' : 'light';
      this.#previewScheme = this.#scheme;
      this.#status = 'ready';
    } catch (error) {
      this.#loadError =
        error instanceof LxApiError ? error : new LxApiError('client_error', 0, String(error));
      this.#status = 'failed';
    }
    this.#update();
  }

  /* Editing */

  /** Where a token of the scheme being edited is stored. */
  #groupFor(name: SemanticToken): Group {
    return this.#working.mode === 'auto' && this.#scheme === 'dark' && schemeTokens.includes(name)
      ? 'darkTokens'
      : 'tokens';
  }

  #edited(): void {
    this.#dirty = true;
    this.#notice = undefined;
    this.#update();
  }

  #setToken(name: SemanticToken, value: string): void {
    const group = this.#groupFor(name);
    const path = `${group}.${name}`;
    const set: ThemeTokens = { ...this.#working[group] };
    if (value.trim() === '') {
      delete set[name];
      delete this.#errors[path];
    } else {
      set[name] = value;
      const error = valueError(tokenKinds[name], value);
      if (error) this.#errors[path] = error;
      else delete this.#errors[path];
    }
    this.#working = { ...this.#working, [group]: set };
    this.#edited();
  }

  #setMode(mode: ThemeMode): void {
    this.#working = { ...this.#working, mode };
    if (mode !== 'auto') this.#scheme = mode;
    this.#previewScheme =
      mode === 'dark' ? 'dark' : mode === 'light' ? 'light' : this.#previewScheme;
    this.#edited();
  }

  #setBrand(field: 'name' | 'logoUrl', value: string): void {
    const brand = { ...this.#working.brand };
    const path = `brand.${field}`;
    if (value === '') {
      delete brand[field];
      delete this.#errors[path];
    } else {
      brand[field] = value;
      const error =
        field === 'logoUrl'
          ? logoUrlError(value)
          : value.length > 80
            ? 'is longer than 80 characters'
            : undefined;
      if (error) this.#errors[path] = error;
      else delete this.#errors[path];
    }
    this.#working = { ...this.#working, brand };
    this.#edited();
  }

  #applyPreset(): void {
    const keep = { brand: this.#working.brand, messages: this.#working.messages };
    this.#working = { ...clone(presets[this.#preset]), ...keep };
    if (!keep.brand) delete this.#working.brand;
    if (!keep.messages) delete this.#working.messages;
    this.#errors = {};
    this.#scheme = this.#working.mode === 'dark' ? 'dark' : 'light';
    this.#previewScheme = this.#scheme;
    this.#edited();
  }

  /** Every color, light and dark, from the current brand color; fonts and shape stay. */
  #generate(): void {
    const brand = resolveScheme(this.#valid(), 'light')['color-brand'];
    const generated = themeFromBrand(brand);
    if (!generated) return;
    const shape: ThemeTokens = {};
    for (const [name, value] of Object.entries(this.#working.tokens) as [SemanticToken, string][]) {
      if (!name.startsWith('color-')) shape[name] = value;
    }
    this.#working = {
      ...this.#working,
      mode: 'auto',
      tokens: { ...shape, ...generated.tokens },
      darkTokens: generated.darkTokens ?? {},
    };
    this.#errors = {};
    this.#edited();
  }

  /** The working theme without the fields that currently fail validation: what is previewed. */
  #valid(): Theme {
    const theme = clone(this.#working);
    for (const path of Object.keys(this.#errors)) {
      const [group, name] = path.split('.') as [keyof Theme, string];
      const part = theme[group] as Record<string, unknown> | undefined;
      if (part && typeof part === 'object') delete part[name];
    }
    const result = validateTheme(theme);
    return result.ok ? result.theme : presets.light;
  }

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

  #failed(error: unknown): void {
    const apiError = error instanceof LxApiError ? error : undefined;
    const fields = apiError?.code === 'validation_failed' ? (apiError.problem?.errors ?? []) : [];
    for (const field of fields) this.#errors[field.path.replace(/^body\./, '')] = field.message;
    if (fields.length) {
      this.#notice = { kind: 'error', text: this.#t('editor.invalid', { count: fields.length }) };
      this.#focusPath = fields[0]!.path.replace(/^body\./, '');
    } else {
      this.#notice = {
        kind: 'error',
        text: this.#t('editor.failed', { message: (error as Error).message ?? String(error) }),
      };
    }
  }

  /** Saves the draft; false (with the fields marked) when it is not valid. */
  async #saveDraft(): Promise<boolean> {
    const result = validateTheme(this.#working);
    if (!result.ok) {
      for (const field of result.errors) this.#errors[field.path] = field.message;
      this.#notice = {
        kind: 'error',
        text: this.#t('editor.invalid', { count: result.errors.length }),
      };
      this.#focusPath = result.errors[0]!.path;
      return false;
    }
    this.#draft = await this.#host.client().request<DraftView>('PUT', 'v1/themes/draft', {
      body: result.theme,
    });
    this.#dirty = false;
    this.#errors = {};
    return true;
  }

  #save = () =>
    this.#run(async () => {
      if (await this.#saveDraft()) this.#notice = { kind: 'ok', text: this.#t('editor.saved') };
    });

  #publish = (override = false) =>
    this.#run(async () => {
      if ((this.#dirty || !this.#draft) && !(await this.#saveDraft())) return;
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
        this.#confirm = {
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
    this.#dirty = false;
    this.#working = clone(version.theme);
    this.#history = [version, ...this.#history.filter((v) => v.version !== version.version)];
    this.#notice = {
      kind: 'ok',
      text:
        version.source === 'rollback'
          ? this.#t('editor.rolledback', {
              version: version.version,
              restored: version.restoredVersion ?? 0,
            })
          : this.#t('editor.published', { version: version.version }),
    };
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
      this.#dirty = false;
      this.#errors = {};
      this.#working = clone(this.#published?.theme ?? presets.light);
      this.#notice = { kind: 'ok', text: this.#t('editor.discarded') };
    });

  /* JSON */

  /** The theme being edited, as portable JSON (only values that pass validation). */
  exportJson(): string {
    return JSON.stringify(this.#valid(), null, 2);
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
      this.#importErrors = [this.#t('editor.import.invalid', { reason: (error as Error).message })];
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
    this.#working = result.theme;
    this.#errors = {};
    this.#scheme = result.theme.mode === 'dark' ? 'dark' : 'light';
    this.#edited();
    return true;
  }

  #importFile = async (event: Event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (file) this.importJson(await file.text());
  };

  /* Rendering */

  #error(path: string): TemplateResult | typeof nothing {
    const message = this.#errors[path];
    return message ? html`<p class="error" id=${`err-${path}`}>${message}</p>` : nothing;
  }

  #describedBy(path: string, hint?: string): string | typeof nothing {
    const ids = [this.#errors[path] ? `err-${path}` : '', hint ?? ''].filter(Boolean);
    return ids.length ? ids.join(' ') : nothing;
  }

  #label(name: SemanticToken): string {
    return this.#t(`editor.token.${name}` as WorkbenchKey);
  }

  #colorField(name: SemanticToken, resolved: Record<SemanticToken, string>): TemplateResult {
    const group = this.#groupFor(name);
    const path = `${group}.${name}`;
    const own = this.#working[group]?.[name] ?? '';
    const derived = (derivedTokens as readonly string[]).includes(name);
    const hintId = `hint-${path}`;
    return html`<div class="field">
      <label for=${path}>${this.#label(name)}</label>
      <div class="row">
        <input
          type="color"
          aria-label=${this.#t('editor.picker', { token: this.#label(name) })}
          .value=${pickerValue(own || resolved[name])}
          @input=${(e: Event) => this.#setToken(name, (e.target as HTMLInputElement).value)}
        />
        <input
          type="text"
          id=${path}
          data-path=${path}
          spellcheck="false"
          autocomplete="off"
          .value=${own}
          placeholder=${resolved[name]}
          aria-invalid=${this.#errors[path] ? 'true' : 'false'}
          aria-describedby=${this.#describedBy(path, hintId)}
          @change=${(e: Event) => this.#setToken(name, (e.target as HTMLInputElement).value)}
        />
      </div>
      ${this.#error(path)}
      <p class="hint" id=${hintId}>
        ${
          own
            ? nothing
            : this.#t(derived ? 'editor.derived' : 'editor.default', { value: resolved[name] })
        }
      </p>
    </div>`;
  }

  #textField(
    name: SemanticToken,
    resolved: Record<SemanticToken, string>,
    options: { list?: string[]; type?: string; step?: string } = {},
  ): TemplateResult {
    const path = `tokens.${name}`;
    const own = this.#working.tokens[name] ?? '';
    const listId = `list-${name}`;
    return html`<div class="field">
      <label for=${path}>${this.#label(name)}</label>
      <input
        type=${options.type ?? 'text'}
        id=${path}
        data-path=${path}
        list=${options.list ? listId : nothing}
        step=${options.step ?? nothing}
        spellcheck="false"
        autocomplete="off"
        .value=${own}
        placeholder=${resolved[name]}
        aria-invalid=${this.#errors[path] ? 'true' : 'false'}
        aria-describedby=${this.#describedBy(path)}
        @change=${(e: Event) => this.#setToken(name, (e.target as HTMLInputElement).value)}
      />
      ${
        options.list
          ? html`<datalist id=${listId}>
              ${options.list.map((v) => html`<option value=${v}></option>`)}
            </datalist>`
          : nothing
      }
      ${this.#error(path)}
    </div>`;
  }

  #renderBar(): TemplateResult {
    const live = this.#published
      ? this.#t('editor.status.live', { version: this.#published.version })
      : this.#t('editor.status.default');
    const draft = this.#dirty
      ? this.#t('editor.status.dirty')
      : this.#draft
        ? this.#t('editor.status.draft', {
            time: new Intl.DateTimeFormat(this.#host.locale(), {
              dateStyle: 'medium',
              timeStyle: 'short',
            }).format(new Date(this.#draft.updatedAt)),
          })
        : this.#t('editor.status.nodraft');
    const logo = safeLogoUrl(this.#working.brand?.logoUrl);
    return html`<header class="bar">
      <div class="brand">
        ${logo ? html`<img src=${logo} alt="" />` : nothing}
        <div>
          <h2 id="editor-title">
            ${this.#t('editor.title')}${this.#working.brand?.name ? html` · ${this.#working.brand.name}` : nothing}
          </h2>
          <p class="status">${live} · ${draft}</p>
        </div>
      </div>
      <div class="actions" role="group" aria-label=${this.#t('editor.actions')}>
        <button class="secondary" ?disabled=${this.#busy} @click=${this.#save}>
          ${this.#t('editor.save')}
        </button>
        <button ?disabled=${this.#busy} @click=${() => void this.#publish()}>
          ${this.#t('editor.publish')}
        </button>
        <button
          class="secondary"
          ?disabled=${this.#busy || (!this.#draft && !this.#dirty)}
          @click=${this.#discard}
        >
          ${this.#t('editor.discard')}
        </button>
      </div>
    </header>`;
  }

  #renderStart(): TemplateResult {
    return html`<section aria-labelledby="start-title">
      <h3 id="start-title">${this.#t('editor.section.start')}</h3>
      <div class="field">
        <label for="preset">${this.#t('editor.preset')}</label>
        <div class="row">
          <select
            id="preset"
            @change=${(e: Event) => (this.#preset = (e.target as HTMLSelectElement).value as PresetId)}
          >
            ${Object.entries(presetInfo).map(
              ([id, preset]) =>
                html`<option value=${id} ?selected=${id === this.#preset}>${preset.label}</option>`,
            )}
          </select>
          <button class="secondary" @click=${() => this.#applyPreset()}>
            ${this.#t('editor.preset.apply')}
          </button>
        </div>
      </div>
      <div class="field">
        <button class="secondary" aria-describedby="generate-hint" @click=${() => this.#generate()}>
          ${this.#t('editor.generate')}
        </button>
        <p class="hint" id="generate-hint">${this.#t('editor.generate.hint')}</p>
      </div>
      <fieldset
        @change=${(e: Event) => this.#setMode((e.target as HTMLInputElement).value as ThemeMode)}
      >
        <legend>${this.#t('editor.mode')}</legend>
        ${(['light', 'dark', 'auto'] as const).map(
          (mode) =>
            html`<label
              ><input
                type="radio"
                name="mode"
                value=${mode}
                .checked=${this.#working.mode === mode}
              />${this.#t(`editor.mode.${mode}`)}</label
            >`,
        )}
      </fieldset>
    </section>`;
  }

  #renderColors(): TemplateResult {
    const resolved = resolveScheme(this.#valid(), this.#scheme);
    return html`<section aria-labelledby="colors-title">
      <h3 id="colors-title">${this.#t('editor.section.colors')}</h3>
      ${
        this.#working.mode === 'auto'
          ? html`<fieldset
              @change=${(e: Event) => {
                this.#scheme = (e.target as HTMLInputElement).value as Scheme;
                this.#previewScheme = this.#scheme;
                this.#update();
              }}
            >
              <legend>${this.#t('editor.scheme')}</legend>
              ${(['light', 'dark'] as const).map(
                (scheme) =>
                  html`<label
                    ><input
                      type="radio"
                      name="scheme"
                      value=${scheme}
                      .checked=${this.#scheme === scheme}
                    />${this.#t(`editor.scheme.${scheme}`)}</label
                  >`,
              )}
            </fieldset>`
          : nothing
      }
      ${colorTokens.map((name) => this.#colorField(name, resolved))}
    </section>`;
  }

  #renderType(): TemplateResult {
    const resolved = resolveScheme(this.#valid(), 'light');
    const stacks = Object.values(fontStacks);
    return html`<section aria-labelledby="type-title">
      <h3 id="type-title">${this.#t('editor.section.type')}</h3>
      ${this.#textField('font-body', resolved, { list: stacks })}
      ${this.#textField('font-heading', resolved, { list: stacks })}
      ${this.#textField('font-scale', resolved, { type: 'number', step: '0.0625' })}
    </section>`;
  }

  #renderShape(): TemplateResult {
    const resolved = resolveScheme(this.#valid(), this.#scheme);
    const motion = (this.#working.tokens.motion ?? 'on') === 'on';
    return html`<section aria-labelledby="shape-title">
      <h3 id="shape-title">${this.#t('editor.section.shape')}</h3>
      ${this.#textField('radius', resolved, { list: Object.values(radii) })}
      ${this.#textField('density', resolved, { type: 'number', step: '0.125' })}
      ${this.#textField('shadow', resolved, { list: Object.values(shadows) })}
      <div class="field">
        <label class="row"
          ><input
            type="checkbox"
            .checked=${motion}
            @change=${(e: Event) =>
              this.#setToken('motion', (e.target as HTMLInputElement).checked ? 'on' : 'off')}
          />${this.#t('editor.token.motion')}</label
        >
      </div>
    </section>`;
  }

  #renderBrand(): TemplateResult {
    const brand = this.#working.brand ?? {};
    const field = (name: 'name' | 'logoUrl', label: string, type: string) =>
      html`<div class="field">
        <label for=${`brand.${name}`}>${label}</label>
        <input
          type=${type}
          id=${`brand.${name}`}
          data-path=${`brand.${name}`}
          .value=${brand[name] ?? ''}
          aria-invalid=${this.#errors[`brand.${name}`] ? 'true' : 'false'}
          aria-describedby=${this.#describedBy(`brand.${name}`)}
          @change=${(e: Event) => this.#setBrand(name, (e.target as HTMLInputElement).value.trim())}
        />
        ${this.#error(`brand.${name}`)}
      </div>`;
    return html`<section aria-labelledby="brand-title">
      <h3 id="brand-title">${this.#t('editor.section.brand')}</h3>
      ${field('name', this.#t('editor.brand.name'), 'text')}
      ${field('logoUrl', this.#t('editor.brand.logo'), 'url')}
    </section>`;
  }

  #renderCheck(check: ContrastCheck): TemplateResult {
    const name = (token: SemanticToken) => this.#label(token);
    return html`<li
      class="check"
      data-check=${check.id}
      data-scheme=${check.scheme}
      data-pass=${String(check.passes)}
    >
      <span
        >${this.#t('editor.contrast.pair', { foreground: name(check.foreground), background: name(check.background) })}
        (${this.#t(`editor.scheme.${check.scheme}`)})</span
      >
      <span class="verdict"
        >${this.#t(check.passes ? 'editor.contrast.pass' : 'editor.contrast.fail')}</span
      >
      <small
        >${this.#t('editor.contrast.ratio', { ratio: check.ratio.toFixed(2), required: check.required })}${
          check.gate ? html` · ${this.#t('editor.contrast.gate')}` : nothing
        }</small
      >
    </li>`;
  }

  #renderContrast(theme: Theme): TemplateResult {
    return html`<section aria-labelledby="contrast-title">
      <h3 id="contrast-title">${this.#t('editor.section.contrast')}</h3>
      <ul class="checks" role="list">
        ${contrastReport(theme).map((check) => this.#renderCheck(check))}
      </ul>
    </section>`;
  }

  #renderHistory(): TemplateResult {
    const format = new Intl.DateTimeFormat(this.#host.locale(), {
      dateStyle: 'medium',
      timeStyle: 'short',
    });
    const live = this.#published?.version;
    return html`<details class="history">
      <summary>${this.#t('editor.section.history')}</summary>
      ${
        this.#history.length === 0
          ? html`<p class="hint">${this.#t('editor.history.empty')}</p>`
          : html`<ol class="history" role="list">
              ${this.#history.map(
                (v) =>
                  html`<li>
                    <div>
                      <strong>${this.#t('editor.history.version', { version: v.version })}</strong>
                      ${v.version === live ? html`<small>(${this.#t('editor.history.live')})</small>` : nothing}
                      <br /><small
                        >${format.format(new Date(v.publishedAt))}${
                          v.restoredVersion
                            ? html` ·
                              ${this.#t('editor.history.restores', { version: v.restoredVersion })}`
                            : nothing
                        }${v.contrastOverride ? html` · ${this.#t('editor.history.override')}` : nothing}${
                          v.note ? html` · ${v.note}` : nothing
                        }</small
                      >
                    </div>
                    ${
                      v.version === live
                        ? nothing
                        : html`<button
                            class="secondary"
                            ?disabled=${this.#busy}
                            @click=${() => void this.#rollback(v.version)}
                          >
                            ${this.#t('editor.history.rollback', { version: v.version })}
                          </button>`
                    }
                  </li>`,
              )}
            </ol>`
      }
    </details>`;
  }

  #renderJson(): TemplateResult {
    return html`<details>
      <summary>${this.#t('editor.section.json')}</summary>
      <div class="field">
        <button class="secondary" @click=${this.#download}>${this.#t('editor.export')}</button>
      </div>
      <div class="field">
        <label for="import-file">${this.#t('editor.import')}</label>
        <input
          id="import-file"
          type="file"
          accept="application/json,.json"
          @change=${this.#importFile}
        />
      </div>
      <div class="field">
        <label for="import-text">${this.#t('editor.import.label')}</label>
        <textarea
          id="import-text"
          spellcheck="false"
          .value=${this.#importText}
          aria-describedby=${this.#importErrors.length ? 'import-errors' : nothing}
          @input=${(e: Event) => (this.#importText = (e.target as HTMLTextAreaElement).value)}
        ></textarea>
        ${
          this.#importErrors.length
            ? html`<ul class="error" id="import-errors" role="alert">
                ${this.#importErrors.map((e) => html`<li>${e}</li>`)}
              </ul>`
            : nothing
        }
        <button class="secondary" @click=${() => this.importJson(this.#importText)}>
          ${this.#t('editor.import.apply')}
        </button>
      </div>
    </details>`;
  }

  /** The theme a preview widget gets: the one being edited, pinned to the previewed scheme. */
  #previewTheme(theme: Theme): Theme {
    const delivered = deliveredTheme(theme);
    if (delivered.mode !== 'auto') return delivered;
    return this.#previewScheme === 'dark'
      ? { ...delivered, mode: 'dark', tokens: { ...delivered.tokens, ...delivered.darkTokens } }
      : { ...delivered, mode: 'light' };
  }

  #renderPreview(theme: Theme): TemplateResult {
    this.#preview.ensure();
    const { api, license } = this.#host.endpoint();
    this.#preview.apply({
      api,
      license,
      token: this.#host.token(),
      locale: this.#previewLocale,
      theme: this.#previewTheme(theme),
    });
    const resolved = resolveScheme(theme, this.#previewScheme);
    // The stage color goes through CSSOM (`.style`), not a style attribute: pages with a strict
    // Content-Security-Policy refuse inline style attributes.
    return html`<section class="preview" part="preview" aria-labelledby="preview-title">
      <div class="preview-bar">
        <h3 id="preview-title">${this.#t('editor.section.preview')}</h3>
        ${
          theme.mode === 'auto'
            ? html`<fieldset
                @change=${(e: Event) => {
                  this.#previewScheme = (e.target as HTMLInputElement).value as Scheme;
                  this.#update();
                }}
              >
                <legend>${this.#t('editor.preview.scheme')}</legend>
                ${(['light', 'dark'] as const).map(
                  (scheme) =>
                    html`<label
                      ><input
                        type="radio"
                        name="preview-scheme"
                        value=${scheme}
                        .checked=${this.#previewScheme === scheme}
                      />${this.#t(`editor.scheme.${scheme}`)}</label
                    >`,
                )}
              </fieldset>`
            : nothing
        }
        <div class="field">
          <label for="preview-locale">${this.#t('editor.preview.locale')}</label>
          <select
            id="preview-locale"
            @change=${(e: Event) => {
              this.#previewLocale = (e.target as HTMLSelectElement).value;
              this.#update();
            }}
          >
            ${[...new Set([this.#host.locale(), ...previewLocales])].map(
              (locale) =>
                html`<option value=${locale} ?selected=${locale === this.#previewLocale}>
                  ${new Intl.DisplayNames([this.#host.locale()], { type: 'language' }).of(locale) ?? locale}
                </option>`,
            )}
          </select>
        </div>
      </div>
      <div class="stage" .style=${`background: ${resolved['color-surface']}`}>
        ${this.#preview.elements}
      </div>
    </section>`;
  }

  #renderConfirm(): TemplateResult | typeof nothing {
    if (!this.#confirm) return nothing;
    const close = () => {
      this.#confirm = undefined;
      this.#update();
    };
    const confirm = this.#confirm;
    return html`<dialog
      aria-labelledby="confirm-title"
      aria-describedby="confirm-body"
      @close=${close}
    >
      <h2 id="confirm-title">${this.#t('editor.override.title')}</h2>
      <p id="confirm-body">
        ${this.#t('editor.override.body', { failures: confirm.failures.join('; ') })}
      </p>
      <div class="actions">
        <button class="secondary" autofocus @click=${close}>${this.#t('editor.cancel')}</button>
        <button
          @click=${() => {
            close();
            confirm.run();
          }}
        >
          ${this.#t('editor.override.confirm')}
        </button>
      </div>
    </dialog>`;
  }

  render(): TemplateResult {
    if (this.#status === 'loading') {
      return html`<div part="base loading" class="skeleton" role="status" aria-busy="true"></div>`;
    }
    if (this.#status === 'failed') {
      const code = this.#loadError?.code ?? '';
      const key = code === 'forbidden' ? 'editor.forbidden' : 'editor.signin';
      const known = code === 'forbidden' || code === 'unauthenticated' || code.startsWith('token_');
      return html`<div part="base state" class="state" role="alert" data-code=${code}>
        <h2>${this.#t('editor.title')}</h2>
        <p>
          ${known ? this.#t(key) : this.#t('editor.failed', { message: this.#loadError?.message ?? '' })}
        </p>
      </div>`;
    }
    const theme = this.#valid();
    return html`<div part="base" class="editor" aria-labelledby="editor-title">
      ${this.#renderBar()}
      <p class="notice" role="status" ?data-shown=${this.#notice?.kind === 'ok'}>
        ${this.#notice?.kind === 'ok' ? this.#notice.text : nothing}
      </p>
      <p
        class="notice"
        role="alert"
        data-kind="error"
        ?data-shown=${this.#notice?.kind === 'error'}
      >
        ${this.#notice?.kind === 'error' ? this.#notice.text : nothing}
      </p>
      <div class="controls">
        ${this.#renderStart()} ${this.#renderColors()} ${this.#renderType()} ${this.#renderShape()}
        ${this.#renderBrand()} ${this.#renderContrast(theme)} ${this.#renderHistory()}
        ${this.#renderJson()}
      </div>
      ${this.#renderPreview(theme)} ${this.#renderConfirm()}
    </div>`;
  }

  /** The theme being edited, for tests and host scripts. */
  get working(): Theme {
    return clone(this.#working);
  }

  /** Which schemes the working theme renders in. */
  get schemes(): Scheme[] {
    return schemesOf(this.#working);
  }
}
