import {
  html,
  LitElement,
  type PropertyDeclarations,
  type PropertyValues,
  type TemplateResult,
} from 'lit';
import { ApiClient, LxApiError, type TokenSource } from './api-client.js';
import { configStore, type ConfigState, type EmbedConfig } from './config-store.js';
import { LxErrorEvent } from './events.js';
import {
  catalogReady,
  isRtl,
  messagesFor,
  t,
  type Catalog,
  type Translate,
  type Translations,
} from './i18n.js';
import { kitSettings } from './kit.js';
import { baseStyles } from './styles.js';
import { themeSheet, type Theme } from './theme.js';

type ProblemKind = 'license' | 'origin' | 'limit' | 'network' | 'error';

function problemKind(error: LxApiError): ProblemKind {
  // license_missing, _malformed, _unknown, _revoked, _suspended, _expired
  if (error.code.startsWith('license_')) return 'license';
  if (error.code === 'origin_not_allowed') return 'origin';
  if (error.code === 'usage_limit_exceeded' || error.code === 'rate_limited') return 'limit';
  if (error.code === 'network_error') return 'network';
  return 'error';
}

/**
 * The element every Liberation Kit widget extends. It finds the license (its own `license`
 * attribute, else the kit's script tag), subscribes to the page's shared embed configuration,
 * applies the license theme, and renders a themed, accessible state instead of breaking the
 * page when the license is refused, the site is not allowed, a limit is reached or the server
 * cannot be reached. Subclasses implement {@link renderReady}.
 */
export abstract class LxElement extends LitElement {
  static override styles = [baseStyles];

  // Reactive properties are declared here rather than with decorators: the decorator helpers
  // cost every widget bytes against its size budget.
  static override properties: PropertyDeclarations = {
    configState: { state: true },
    license: {},
    api: {},
    locale: { reflect: true },
    userToken: { attribute: 'user-token' },
    tokenProvider: { attribute: false },
    theme: { attribute: false },
  };

  /** The widget's own translations (its `locales/` folder), fetched with the base's. */
  static translations: Translations = {};

  #unsubscribe: (() => void) | undefined;
  #reported: LxApiError | undefined;
  #client: ApiClient | undefined;
  #subscribedTo: string | undefined;
  #pageDir: boolean | undefined;
  #themed = false;

  protected configState: ConfigState = { status: 'loading' };

  /** Publishable key for this element; defaults to the kit script's `data-license`. */
  declare license?: string;

  /** API origin; defaults to the kit script's `data-api` or the origin the kit came from. */
  declare api?: string;

  /** BCP 47 locale for copy, money and dates; defaults to the license's locale. */
  declare locale?: string;

  /** Short-lived learner JWT signed by the customer's backend. */
  declare userToken?: string;

  /** Alternative to `user-token`: called before each request that needs the learner. */
  declare tokenProvider?: () => string | undefined | Promise<string | undefined>;

  /**
   * A theme to show instead of the license's published one (the theme editor's preview).
   * It passes through the same value checks as a delivered theme.
   */
  declare theme?: Theme;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#pageDir ??= this.hasAttribute('dir');
    this.#subscribe();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#subscribedTo = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('license') || changed.has('api')) && this.isConnected) {
      const { api, license } = this.endpoint;
      if (this.#subscribedTo !== `${api}\n${license}`) this.#subscribe();
    }
    if (changed.has('theme') && this.config) this.#applyTheme(this.config);
    if (
      changed.has('license') ||
      changed.has('api') ||
      changed.has('userToken') ||
      changed.has('tokenProvider')
    ) {
      this.#client = undefined;
    }
  }

  /** The resolved API origin and publishable key. */
  protected get endpoint(): { api: string; license: string } {
    const kit = kitSettings();
    return {
      api: this.api ?? kit.api ?? location.origin,
      license: this.license ?? kit.license ?? '',
    };
  }

  /** An API client carrying this element's key and learner token. */
  protected get client(): ApiClient {
    if (!this.#client) {
      const { api, license } = this.endpoint;
      const token: TokenSource = this.tokenProvider ?? this.userToken;
      this.#client = new ApiClient(api, license, token);
    }
    return this.#client;
  }

  protected get config(): EmbedConfig | undefined {
    return this.configState.status === 'ready' ? this.configState.config : undefined;
  }

  protected get resolvedLocale(): string {
    return this.locale ?? this.config?.locale ?? navigator.language ?? 'en';
  }

  /** The catalog for the resolved locale with the license's white-label copy laid over it. */
  protected get messages(): Catalog {
    return messagesFor(this.resolvedLocale, (this.theme ?? this.config?.theme)?.messages);
  }

  /**
   * Copy for `key` in the widget's locale: the license's wording, else the locale's, else
   * English; `{name}` placeholders are filled from `vars`. Views the widget loads later get it
   * as their `t`.
   */
  protected readonly msg: Translate = (key, vars = {}) => t(key, vars, this.messages);

  /** Whether a learner is signed in (a token or a token provider is set). */
  protected get signedIn(): boolean {
    return !!(this.userToken || this.tokenProvider);
  }

  /** Called once the embed configuration is ready (and again when it changes). */
  protected configReady(_config: EmbedConfig): void {}

  /** Reports a failure to the host page once per distinct error, as `lx-error`. */
  protected reportError(error: LxApiError): void {
    if (this.#reported === error) return;
    this.#reported = error;
    this.dispatchEvent(
      new LxErrorEvent({
        code: error.code,
        status: error.status,
        message: error.message,
        ...(error.requestId ? { requestId: error.requestId } : {}),
      }),
    );
  }

  #subscribe(): void {
    this.#unsubscribe?.();
    const { api, license } = this.endpoint;
    this.#subscribedTo = `${api}\n${license}`;
    if (!license) {
      this.configState = {
        status: 'error',
        error: new LxApiError('license_missing', 401, 'No publishable key was configured.'),
      };
      this.reportError(this.configState.error);
      return;
    }
    const store = configStore(api, license);
    this.#unsubscribe = store.subscribe((next) => {
      this.configState = next;
      if (next.status === 'ready') {
        this.#applyTheme(next.config);
        this.configReady(next.config);
      } else if (next.status === 'error') {
        this.reportError(next.error);
      }
    });
  }

  #applyTheme(config: EmbedConfig): void {
    const root = this.renderRoot as ShadowRoot | undefined;
    if (!root || !('adoptedStyleSheets' in root)) {
      this.updateComplete.then(() => this.#applyTheme(config)).catch(() => undefined);
      return;
    }
    // The theme sheet goes first, so the widget's own styles build on it; once there, it is
    // replaced in place, keeping sheets a widget adds later (the theme editor's).
    root.adoptedStyleSheets = [
      themeSheet(this.theme ?? config.theme),
      ...root.adoptedStyleSheets.slice(this.#themed ? 1 : 0),
    ];
    this.#themed = true;
  }

  protected retry(): void {
    const { api, license } = this.endpoint;
    if (license) void configStore(api, license).load();
  }

  protected renderLoading(): TemplateResult {
    return html`<div part="base loading" class="skeleton" role="status" aria-busy="true">
      <span class="visually-hidden">${this.msg('state.loading')}</span>
    </div>`;
  }

  /** A short, polite state in place of the content: signed out, nothing to show. */
  protected renderStatus(text: string, title?: string): TemplateResult {
    return html`<div part="base state" class="state" role="status">
      ${title ? html`<h2>${title}</h2>` : null}
      <p>${text}</p>
    </div>`;
  }

  /** A themed, accessible explanation of why the widget cannot show its content. */
  protected renderProblem(error: LxApiError, onRetry?: () => void): TemplateResult {
    const kind = problemKind(error);
    const retryable = kind === 'network' || kind === 'limit' || kind === 'error';
    const retry = onRetry ?? (() => this.retry());
    return html`<div
      part="base state"
      class="state"
      role=${kind === 'network' || kind === 'error' ? 'alert' : 'status'}
      data-kind=${kind === 'limit' ? 'limit' : 'error'}
      data-code=${error.code}
    >
      <h2>${this.msg(`state.${kind}.title`)}</h2>
      <p>${this.msg(`state.${kind}.body`)}</p>
      ${
        error.requestId
          ? html`<small>${this.msg('state.reference', { id: error.requestId })}</small>`
          : null
      }
      ${retryable ? html`<button part="retry" @click=${retry}>${this.msg('action.retry')}</button>` : null}
    </div>`;
  }

  protected abstract renderReady(config: EmbedConfig): TemplateResult;

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // Copy in a right-to-left language lays out right to left even on a left-to-right page,
    // unless the page set a direction on the element itself.
    if (!this.#pageDir) this.dir = isRtl(this.resolvedLocale) ? 'rtl' : 'ltr';
  }

  protected override render(): TemplateResult {
    // Until the locale's catalogs have arrived, a skeleton: never a flash of English.
    const pending = catalogReady(
      this.resolvedLocale,
      (this.constructor as typeof LxElement).translations,
    );
    if (pending) {
      void pending.then(() => this.requestUpdate());
      return this.renderLoading();
    }
    switch (this.configState.status) {
      case 'loading':
        return this.renderLoading();
      case 'error':
        return this.renderProblem(this.configState.error);
      case 'ready':
        return this.renderReady(this.configState.config);
    }
  }
}
