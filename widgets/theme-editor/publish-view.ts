import { html, nothing, type TemplateResult } from 'lit';
import { safeLogoUrl } from '../internal/brand.js';
import { formatDate, type Translate } from '../internal/i18n.js';
import type { DraftView, VersionView } from '../../server/modules/themes/contract.js';
import type { Confirmation, Notice } from './workbench.js';
import type { WorkingTheme } from './working-theme.js';

/*
 * The theme as a whole: the bar with its status and the save, publish and discard actions, the
 * notices, the confirmation to publish with low contrast, the published versions (with
 * rollback) and the theme's JSON (export and import).
 */

export interface PublishView {
  t: Translate;
  locale: string;
  theme: WorkingTheme;
  published: VersionView | null;
  draft: DraftView | null;
  history: VersionView[];
  busy: boolean;
  notice: Notice | undefined;
  confirmation: Confirmation | undefined;
  importText: string;
  importErrors: string[];
  save: () => void;
  publish: () => void;
  discard: () => void;
  rollback: (version: number) => void;
  closeConfirmation: () => void;
  download: () => void;
  importFile: (event: Event) => void;
  setImportText: (text: string) => void;
  /** Loads the text typed in (read when asked, since typing does not redraw). */
  importTyped: () => void;
}

export function renderBar(v: PublishView): TemplateResult {
  const { t, theme } = v;
  const live = v.published
    ? t('editor.status.live', { version: v.published.version })
    : t('editor.status.default');
  const draft = theme.dirty
    ? t('editor.status.dirty')
    : v.draft
      ? t('editor.status.draft', { time: formatDate(v.draft.updatedAt, v.locale) })
      : t('editor.status.nodraft');
  const brand = theme.theme.brand;
  const logo = safeLogoUrl(brand?.logoUrl);
  return html`<header class="bar">
    <div class="brand">
      ${logo ? html`<img src=${logo} alt="" />` : nothing}
      <div>
        <h2 id="editor-title">
          ${t('editor.title')}${brand?.name ? html` · ${brand.name}` : nothing}
        </h2>
        <p class="status">${live} · ${draft}</p>
      </div>
    </div>
    <div class="actions" role="group" aria-label=${t('editor.actions')}>
      <button class="secondary" ?disabled=${v.busy} @click=${v.save}>${t('editor.save')}</button>
      <button ?disabled=${v.busy} @click=${v.publish}>${t('editor.publish')}</button>
      <button
        class="secondary"
        ?disabled=${v.busy || (!v.draft && !theme.dirty)}
        @click=${v.discard}
      >
        ${t('editor.discard')}
      </button>
    </div>
  </header>`;
}

/** The outcome of the last action: a success is announced politely, a failure at once. */
export function renderNotices(notice: Notice | undefined): TemplateResult {
  return html`<p class="notice" role="status" ?data-shown=${notice?.kind === 'ok'}>
      ${notice?.kind === 'ok' ? notice.text : nothing}
    </p>
    <p class="notice" role="alert" data-kind="error" ?data-shown=${notice?.kind === 'error'}>
      ${notice?.kind === 'error' ? notice.text : nothing}
    </p>`;
}

export function renderHistory(v: PublishView): TemplateResult {
  const { t } = v;
  const live = v.published?.version;
  return html`<details class="history">
    <summary>${t('editor.section.history')}</summary>
    ${
      v.history.length === 0
        ? html`<p class="hint">${t('editor.history.empty')}</p>`
        : html`<ol class="history" role="list">
            ${v.history.map(
              (version) =>
                html`<li>
                  <div>
                    <strong>${t('editor.history.version', { version: version.version })}</strong>
                    ${version.version === live ? html`<small>(${t('editor.history.live')})</small>` : nothing}
                    <br /><small
                      >${formatDate(version.publishedAt, v.locale)}${
                        version.restoredVersion
                          ? html` ·
                            ${t('editor.history.restores', { version: version.restoredVersion })}`
                          : nothing
                      }${version.contrastOverride ? html` · ${t('editor.history.override')}` : nothing}${
                        version.note ? html` · ${version.note}` : nothing
                      }</small
                    >
                  </div>
                  ${
                    version.version === live
                      ? nothing
                      : html`<button
                          class="secondary"
                          ?disabled=${v.busy}
                          @click=${() => v.rollback(version.version)}
                        >
                          ${t('editor.history.rollback', { version: version.version })}
                        </button>`
                  }
                </li>`,
            )}
          </ol>`
    }
  </details>`;
}

export function renderJson(v: PublishView): TemplateResult {
  const { t } = v;
  const invalid = v.importErrors.length > 0;
  return html`<details>
    <summary>${t('editor.section.json')}</summary>
    <div class="field">
      <button class="secondary" @click=${v.download}>${t('editor.export')}</button>
    </div>
    <div class="field">
      <label for="import-file">${t('editor.import')}</label>
      <input id="import-file" type="file" accept="application/json,.json" @change=${v.importFile} />
    </div>
    <div class="field">
      <label for="import-text">${t('editor.import.label')}</label>
      <textarea
        id="import-text"
        spellcheck="false"
        .value=${v.importText}
        aria-describedby=${invalid ? 'import-errors' : nothing}
        @input=${(e: Event) => v.setImportText((e.target as HTMLTextAreaElement).value)}
      ></textarea>
      ${
        invalid
          ? html`<ul class="error" id="import-errors" role="alert">
              ${v.importErrors.map((error) => html`<li>${error}</li>`)}
            </ul>`
          : nothing
      }
      <button class="secondary" @click=${v.importTyped}>${t('editor.import.apply')}</button>
    </div>
  </details>`;
}

/** Asks before publishing a theme whose text fails contrast; the workbench opens it modally. */
export function renderConfirmation(v: PublishView): TemplateResult | typeof nothing {
  const { t, confirmation } = v;
  if (!confirmation) return nothing;
  return html`<dialog
    aria-labelledby="confirm-title"
    aria-describedby="confirm-body"
    @close=${v.closeConfirmation}
  >
    <h2 id="confirm-title">${t('editor.override.title')}</h2>
    <p id="confirm-body">
      ${t('editor.override.body', { failures: confirmation.failures.join('; ') })}
    </p>
    <div class="actions">
      <button class="secondary" autofocus @click=${v.closeConfirmation}>
        ${t('editor.cancel')}
      </button>
      <button
        @click=${() => {
          v.closeConfirmation();
          confirmation.run();
        }}
      >
        ${t('editor.override.confirm')}
      </button>
    </div>
  </dialog>`;
}
