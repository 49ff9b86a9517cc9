import { html, nothing, type TemplateResult } from 'lit';
import { contrastReport, type ContrastCheck } from '../../themes/contrast.js';
import { deliveredTheme, resolveScheme, type Scheme } from '../../themes/resolve.js';
import type { SemanticToken, Theme } from '../../themes/tokens.js';
import type { TokenSource } from '../internal/api-client.js';
import type { LxElement } from '../internal/base-element.js';
import { defineElement } from '../internal/define.js';
import type { Translate } from '../internal/i18n.js';
import { radios, schemes, tokenLabel } from './token-controls-view.js';

/*
 * What the theme being edited looks like: its contrast checks, and the kit's real widgets
 * rendered with it, in the scheme and the language the admin picks.
 */

// Widened to what customElements needs: the classes are concrete widgets, never LxElement.
type WidgetClass = new () => HTMLElement;

interface PreviewWidget {
  name: string;
  /** Needs a signed-in learner (the editor's own token shows the admin's data). */
  learner: boolean;
  load(): Promise<WidgetClass>;
}

/**
 * The widgets the editor previews. Each is the real widget, registered under a private tag
 * derived from the editor's own (a subclass, since one constructor cannot hold two tags), so
 * the preview never collides with the page's widgets or another copy of the kit.
 */
const widgets: PreviewWidget[] = [
  {
    name: 'pricing-table',
    learner: false,
    load: () => import('../pricing-table/pricing-table.js').then((m) => m.LxPricingTable),
  },
  {
    name: 'token-wallet',
    learner: true,
    load: () => import('../token-wallet/token-wallet.js').then((m) => m.LxTokenWallet),
  },
  {
    name: 'leaderboard',
    learner: true,
    load: () => import('../leaderboard/leaderboard.js').then((m) => m.LxLeaderboard),
  },
];

export interface PreviewSettings {
  api: string;
  license: string;
  token: TokenSource;
  locale: string;
  theme: Theme;
}

export class Preview {
  readonly elements: LxElement[] = [];
  #loading: Promise<void> | undefined;

  constructor(
    readonly tag: string,
    readonly onReady: () => void,
  ) {}

  /** Loads and creates the preview widgets once; later calls are free. */
  ensure(): void {
    if (this.#loading) return;
    this.#loading = Promise.all(
      widgets.map(async (widget) => {
        const Base = await widget.load();
        const tag = `${this.tag}-${widget.name}`;
        const Own = customElements.get(tag) ?? class extends Base {};
        defineElement(tag, Own);
        const element = document.createElement(tag) as LxElement;
        element.dataset.widget = widget.name;
        if (widget.learner) element.dataset.learner = '';
        return element;
      }),
    ).then((elements) => {
      this.elements.push(...elements);
      this.onReady();
    });
  }

  /** Points every preview widget at the license, the language and the theme being edited. */
  apply(settings: PreviewSettings): void {
    for (const element of this.elements) {
      element.api = settings.api;
      element.license = settings.license;
      element.locale = settings.locale;
      element.theme = settings.theme;
      if (element.dataset.learner !== undefined) {
        if (typeof settings.token === 'function') element.tokenProvider = settings.token;
        else element.userToken = settings.token;
      }
    }
  }
}

const previewLocales = ['en', 'fr', 'de', 'ar'];

export interface PreviewView {
  t: Translate;
  /** The editor's own locale. */
  locale: string;
  /** The theme being edited, without the values that fail validation. */
  theme: Theme;
  scheme: Scheme;
  previewLocale: string;
  preview: Preview;
  settings: Omit<PreviewSettings, 'locale' | 'theme'>;
  setScheme(scheme: Scheme): void;
  setLocale(locale: string): void;
}

function renderCheck(check: ContrastCheck, t: Translate): TemplateResult {
  const name = (token: SemanticToken) => tokenLabel(token, t);
  return html`<li
    class="check"
    data-check=${check.id}
    data-scheme=${check.scheme}
    data-pass=${String(check.passes)}
  >
    <span
      >${t('editor.contrast.pair', { foreground: name(check.foreground), background: name(check.background) })}
      (${t(`editor.scheme.${check.scheme}`)})</span
    >
    <span class="verdict"
      >${t(check.passes ? 'editor.contrast.pass' : 'editor.contrast.fail')}</span
    >
    <small
      >${t('editor.contrast.ratio', { ratio: check.ratio.toFixed(2), required: check.required })}${
        check.gate ? html` · ${t('editor.contrast.gate')}` : nothing
      }</small
    >
  </li>`;
}

/** Every contrast pair of every scheme the theme renders in, with its ratio and verdict. */
export function renderContrast(theme: Theme, t: Translate): TemplateResult {
  return html`<section aria-labelledby="contrast-title">
    <h3 id="contrast-title">${t('editor.section.contrast')}</h3>
    <ul class="checks" role="list">
      ${contrastReport(theme).map((check) => renderCheck(check, t))}
    </ul>
  </section>`;
}

/** The theme a preview widget gets: the one being edited, pinned to the previewed scheme. */
function previewTheme(theme: Theme, scheme: Scheme): Theme {
  const delivered = deliveredTheme(theme);
  if (delivered.mode !== 'auto') return delivered;
  return scheme === 'dark'
    ? { ...delivered, mode: 'dark', tokens: { ...delivered.tokens, ...delivered.darkTokens } }
    : { ...delivered, mode: 'light' };
}

export function renderPreview(v: PreviewView): TemplateResult {
  const { t, theme } = v;
  v.preview.ensure();
  v.preview.apply({
    ...v.settings,
    locale: v.previewLocale,
    theme: previewTheme(theme, v.scheme),
  });
  const resolved = resolveScheme(theme, v.scheme);
  const languages = new Intl.DisplayNames([v.locale], { type: 'language' });
  // The stage color goes through CSSOM (`.style`), not a style attribute: pages with a strict
  // Content-Security-Policy refuse inline style attributes.
  return html`<section class="preview" part="preview" aria-labelledby="preview-title">
    <div class="preview-bar">
      <h3 id="preview-title">${t('editor.section.preview')}</h3>
      ${
        theme.mode === 'auto'
          ? html`<fieldset
              @change=${(e: Event) => v.setScheme((e.target as HTMLInputElement).value as Scheme)}
            >
              <legend>${t('editor.preview.scheme')}</legend>
              ${radios('preview-scheme', schemes, v.scheme, (scheme) => t(`editor.scheme.${scheme}`))}
            </fieldset>`
          : nothing
      }
      <div class="field">
        <label for="preview-locale">${t('editor.preview.locale')}</label>
        <select
          id="preview-locale"
          @change=${(e: Event) => v.setLocale((e.target as HTMLSelectElement).value)}
        >
          ${[...new Set([v.locale, ...previewLocales])].map(
            (locale) =>
              html`<option value=${locale} ?selected=${locale === v.previewLocale}>
                ${languages.of(locale) ?? locale}
              </option>`,
          )}
        </select>
      </div>
    </div>
    <div class="stage" .style=${`background: ${resolved['color-surface']}`}>
      ${v.preview.elements}
    </div>
  </section>`;
}
