import type { TemplateResult } from 'lit';
import { LxApiError } from '../internal/api-client.js';
import { LxElement } from '../internal/base-element.js';
import type { EmbedConfig } from '../internal/config-store.js';
import { addEnglish } from '../internal/i18n.js';
import { adoptStyles } from '../internal/theme.js';
import { editorShellMessages } from '../messages/theme-editor.js';
import type { EditorHost, Workbench } from './workbench.js';

addEnglish(editorShellMessages);

/**
 * @tagname lx-theme-editor
 * @summary For a brand admin: edit the license's theme with a live preview, check contrast,
 * save a draft, publish, roll back, export and import theme JSON.
 *
 * Needs an admin learner token (`user-token` or `tokenProvider`, with `role: "admin"`). The
 * editing tools load on demand, so a page that shows the editor to non-admins pays only for
 * this shell.
 *
 * @event lx-theme-publish - A version was published or rolled back to. `detail` is `{ version }`.
 * @event lx-error - The editor cannot work (license, origin, limit, network). `detail` is `{ code, status, message }`.
 *
 * @csspart base - The editor.
 * @csspart state - A loading, sign-in or error state.
 * @csspart preview - The live preview of the widgets.
 *
 * @cssproperty --lx-theme-editor-sidebar-width - Width of the controls column (24rem).
 */
export class LxThemeEditor extends LxElement {
  static override properties = { workbench: { state: true } };

  declare private workbench: Workbench | undefined;
  #loading: Promise<void> | undefined;
  #loadError: unknown;

  #host(): EditorHost {
    // The tools live in another chunk; they reach the element only through this view of it.
    return {
      client: () => this.client,
      locale: () => this.resolvedLocale,
      endpoint: () => this.endpoint,
      token: () => this.tokenProvider ?? this.userToken,
      tag: this.localName,
      element: this,
      t: this.msg,
      update: () => this.requestUpdate(),
    };
  }

  #load(): void {
    if (this.#loading) return;
    this.#loading = import('./workbench.js').then(
      (module) => {
        this.workbench = new module.Workbench(this.#host());
        adoptStyles(this, module.workbenchStyles);
      },
      (error: unknown) => {
        this.#loading = undefined;
        this.#loadError = error;
        this.requestUpdate();
      },
    );
  }

  protected override renderReady(_config: EmbedConfig): TemplateResult {
    if (!this.userToken && !this.tokenProvider) {
      return this.renderStatus(this.msg('editor.signin'), this.msg('editor.title'));
    }
    if (this.workbench) return this.workbench.render();
    if (this.#loadError) {
      this.#loadError = undefined;
      return this.renderProblem(
        new LxApiError('network_error', 0, 'The editing tools could not be loaded.'),
        () => this.#load(),
      );
    }
    this.#load();
    return this.renderLoading();
  }
}
