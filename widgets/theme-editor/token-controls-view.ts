import { html, nothing, type TemplateResult } from 'lit';
import { parseColor, toHex } from '../../themes/color.js';
import { presetInfo, type PresetId } from '../../themes/presets.js';
import { fontStacks, radii, shadows } from '../../themes/primitives.js';
import { resolveScheme, type Scheme } from '../../themes/resolve.js';
import {
  derivedTokens,
  tokenKinds,
  type SemanticToken,
  type ThemeMode,
} from '../../themes/tokens.js';
import type { MessageKey, Translate } from '../internal/i18n.js';
import type { WorkingTheme } from './working-theme.js';

/*
 * The editor's controls column: the starting point (preset, colors from the brand, mode), every
 * color of the scheme being edited, typography, shape and motion, and the brand. Each field
 * shows what it falls back on and why a value is refused.
 */

export interface ControlsView {
  t: Translate;
  theme: WorkingTheme;
  /** Applies an edit to the theme; an edit that returns false changed nothing. */
  edit(change: (theme: WorkingTheme) => boolean | void): void;
  /** Redraws after a change of what is shown rather than of the theme. */
  update(): void;
}

type Resolved = Record<SemanticToken, string>;

const colorTokens = (Object.keys(tokenKinds) as SemanticToken[]).filter(
  (name) => tokenKinds[name] === 'color',
);

/** `#rrggbb` for a color input, which takes nothing else. */
const pickerValue = (value: string | undefined) => {
  const color = value ? parseColor(value) : undefined;
  return color ? toHex({ ...color, a: 1 }) : '#000000';
};

const valueOf = (event: Event) => (event.target as HTMLInputElement).value;

export const schemes: readonly Scheme[] = ['light', 'dark'];

/** A radio button per value; the fieldset around them listens for `change`. */
export function radios<T extends string>(
  name: string,
  values: readonly T[],
  current: T,
  label: (value: T) => string,
): TemplateResult[] {
  return values.map(
    (value) =>
      html`<label
        ><input type="radio" name=${name} value=${value} .checked=${current === value} />${label(
          value,
        )}</label
      >`,
  );
}

/** A token's name in the copy (`editor.token.color-brand`). */
export const tokenLabel = (name: SemanticToken, t: Translate): string =>
  t(`editor.token.${name}` as MessageKey);

function fieldError(v: ControlsView, path: string): TemplateResult | typeof nothing {
  const message = v.theme.errors[path];
  return message ? html`<p class="error" id=${`err-${path}`}>${message}</p>` : nothing;
}

function describedBy(v: ControlsView, path: string, hint?: string) {
  const ids = [v.theme.errors[path] ? `err-${path}` : '', hint ?? ''].filter(Boolean);
  return ids.length ? ids.join(' ') : nothing;
}

function colorField(v: ControlsView, name: SemanticToken, resolved: Resolved): TemplateResult {
  const { t, theme } = v;
  const group = theme.groupFor(name);
  const path = `${group}.${name}`;
  const own = theme.theme[group]?.[name] ?? '';
  const derived = (derivedTokens as readonly string[]).includes(name);
  const hintId = `hint-${path}`;
  const set = (e: Event) => v.edit((w) => w.setToken(name, valueOf(e)));
  return html`<div class="field">
    <label for=${path}>${tokenLabel(name, t)}</label>
    <div class="row">
      <input
        type="color"
        aria-label=${t('editor.picker', { token: tokenLabel(name, t) })}
        .value=${pickerValue(own || resolved[name])}
        @input=${set}
      />
      <input
        type="text"
        id=${path}
        data-path=${path}
        spellcheck="false"
        autocomplete="off"
        .value=${own}
        placeholder=${resolved[name]}
        aria-invalid=${theme.errors[path] ? 'true' : 'false'}
        aria-describedby=${describedBy(v, path, hintId)}
        @change=${set}
      />
    </div>
    ${fieldError(v, path)}
    <p class="hint" id=${hintId}>
      ${own ? nothing : t(derived ? 'editor.derived' : 'editor.default', { value: resolved[name] })}
    </p>
  </div>`;
}

function textField(
  v: ControlsView,
  name: SemanticToken,
  resolved: Resolved,
  options: { list?: string[]; type?: string; step?: string } = {},
): TemplateResult {
  const path = `tokens.${name}`;
  const own = v.theme.theme.tokens[name] ?? '';
  const listId = `list-${name}`;
  return html`<div class="field">
    <label for=${path}>${tokenLabel(name, v.t)}</label>
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
      aria-invalid=${v.theme.errors[path] ? 'true' : 'false'}
      aria-describedby=${describedBy(v, path)}
      @change=${(e: Event) => v.edit((w) => w.setToken(name, valueOf(e)))}
    />
    ${
      options.list
        ? html`<datalist id=${listId}>
            ${options.list.map((value) => html`<option value=${value}></option>`)}
          </datalist>`
        : nothing
    }
    ${fieldError(v, path)}
  </div>`;
}

function renderStart(v: ControlsView): TemplateResult {
  const { t, theme } = v;
  return html`<section aria-labelledby="start-title">
    <h3 id="start-title">${t('editor.section.start')}</h3>
    <div class="field">
      <label for="preset">${t('editor.preset')}</label>
      <div class="row">
        <select id="preset" @change=${(e: Event) => (theme.preset = valueOf(e) as PresetId)}>
          ${Object.entries(presetInfo).map(
            ([id, preset]) =>
              html`<option value=${id} ?selected=${id === theme.preset}>${preset.label}</option>`,
          )}
        </select>
        <button class="secondary" @click=${() => v.edit((w) => w.applyPreset())}>
          ${t('editor.preset.apply')}
        </button>
      </div>
    </div>
    <div class="field">
      <button
        class="secondary"
        aria-describedby="generate-hint"
        @click=${() => v.edit((w) => w.generate())}
      >
        ${t('editor.generate')}
      </button>
      <p class="hint" id="generate-hint">${t('editor.generate.hint')}</p>
    </div>
    <fieldset @change=${(e: Event) => v.edit((w) => w.setMode(valueOf(e) as ThemeMode))}>
      <legend>${t('editor.mode')}</legend>
      ${radios('mode', ['light', 'dark', 'auto'], theme.theme.mode, (mode) => t(`editor.mode.${mode}`))}
    </fieldset>
  </section>`;
}

function renderColors(v: ControlsView): TemplateResult {
  const { t, theme } = v;
  const resolved = resolveScheme(theme.valid(), theme.scheme);
  return html`<section aria-labelledby="colors-title">
    <h3 id="colors-title">${t('editor.section.colors')}</h3>
    ${
      theme.theme.mode === 'auto'
        ? html`<fieldset
            @change=${(e: Event) => {
              theme.scheme = valueOf(e) as Scheme;
              theme.previewScheme = theme.scheme;
              v.update();
            }}
          >
            <legend>${t('editor.scheme')}</legend>
            ${radios('scheme', schemes, theme.scheme, (scheme) => t(`editor.scheme.${scheme}`))}
          </fieldset>`
        : nothing
    }
    ${colorTokens.map((name) => colorField(v, name, resolved))}
  </section>`;
}

function renderType(v: ControlsView): TemplateResult {
  const resolved = resolveScheme(v.theme.valid(), 'light');
  const stacks = Object.values(fontStacks);
  return html`<section aria-labelledby="type-title">
    <h3 id="type-title">${v.t('editor.section.type')}</h3>
    ${textField(v, 'font-body', resolved, { list: stacks })}
    ${textField(v, 'font-heading', resolved, { list: stacks })}
    ${textField(v, 'font-scale', resolved, { type: 'number', step: '0.0625' })}
  </section>`;
}

function renderShape(v: ControlsView): TemplateResult {
  const { t, theme } = v;
  const resolved = resolveScheme(theme.valid(), theme.scheme);
  const motion = (theme.theme.tokens.motion ?? 'on') === 'on';
  return html`<section aria-labelledby="shape-title">
    <h3 id="shape-title">${t('editor.section.shape')}</h3>
    ${textField(v, 'radius', resolved, { list: Object.values(radii) })}
    ${textField(v, 'density', resolved, { type: 'number', step: '0.125' })}
    ${textField(v, 'shadow', resolved, { list: Object.values(shadows) })}
    <div class="field">
      <label class="row"
        ><input
          type="checkbox"
          .checked=${motion}
          @change=${(e: Event) =>
            v.edit((w) =>
              w.setToken('motion', (e.target as HTMLInputElement).checked ? 'on' : 'off'),
            )}
        />${t('editor.token.motion')}</label
      >
    </div>
  </section>`;
}

function renderBrand(v: ControlsView): TemplateResult {
  const { t, theme } = v;
  const brand = theme.theme.brand ?? {};
  const field = (name: 'name' | 'logoUrl', label: string, type: string) =>
    html`<div class="field">
      <label for=${`brand.${name}`}>${label}</label>
      <input
        type=${type}
        id=${`brand.${name}`}
        data-path=${`brand.${name}`}
        .value=${brand[name] ?? ''}
        aria-invalid=${theme.errors[`brand.${name}`] ? 'true' : 'false'}
        aria-describedby=${describedBy(v, `brand.${name}`)}
        @change=${(e: Event) => v.edit((w) => w.setBrand(name, valueOf(e).trim()))}
      />
      ${fieldError(v, `brand.${name}`)}
    </div>`;
  return html`<section aria-labelledby="brand-title">
    <h3 id="brand-title">${t('editor.section.brand')}</h3>
    ${field('name', t('editor.brand.name'), 'text')}
    ${field('logoUrl', t('editor.brand.logo'), 'url')}
  </section>`;
}

/** Every control that edits the theme, section by section. */
export function renderControls(v: ControlsView): TemplateResult {
  return html`${renderStart(v)} ${renderColors(v)} ${renderType(v)} ${renderShape(v)}
  ${renderBrand(v)}`;
}
