import { themeFromBrand } from '../../themes/derive.js';
import { presets, type PresetId } from '../../themes/presets.js';
import { resolveScheme, type Scheme } from '../../themes/resolve.js';
import {
  schemeTokens,
  schemesOf,
  tokenKinds,
  type SemanticToken,
  type Theme,
  type ThemeMode,
  type ThemeTokens,
} from '../../themes/tokens.js';
import { logoUrlError, validateTheme, valueError } from '../../themes/validate.js';

/*
 * The theme the editor is changing, apart from how it is shown and saved: its values as typed
 * (some may not pass validation yet, and are marked), which scheme of an `auto` theme is being
 * edited, and the edits themselves (tokens, mode, brand, a preset, colors from the brand).
 */

type Group = 'tokens' | 'darkTokens';

export const clone = (theme: Theme): Theme => JSON.parse(JSON.stringify(theme)) as Theme;

export class WorkingTheme {
  theme: Theme = clone(presets.light);
  /** Why a field's value is refused, by its path (`tokens.color-brand`, `brand.logoUrl`). */
  errors: Record<string, string> = {};
  /** Changed since it was last saved, published or discarded. */
  dirty = false;
  /** The scheme whose colors are being edited. */
  scheme: Scheme = 'light';
  /** The scheme the preview shows. */
  previewScheme: Scheme = 'light';
  /** The preset chosen in the list, applied only on request. */
  preset: PresetId = 'light';

  /** Starts editing `theme` (the saved draft or the live theme), in its own scheme. */
  load(theme: Theme): void {
    this.theme = clone(theme);
    this.scheme = this.theme.mode === 'dark' ? 'dark' : 'light';
    this.previewScheme = this.scheme;
  }

  /** Where a token of the scheme being edited is stored. */
  groupFor(name: SemanticToken): Group {
    return this.theme.mode === 'auto' && this.scheme === 'dark' && schemeTokens.includes(name)
      ? 'darkTokens'
      : 'tokens';
  }

  setToken(name: SemanticToken, value: string): void {
    const group = this.groupFor(name);
    const path = `${group}.${name}`;
    const set: ThemeTokens = { ...this.theme[group] };
    if (value.trim() === '') {
      delete set[name];
      delete this.errors[path];
    } else {
      set[name] = value;
      const error = valueError(tokenKinds[name], value);
      if (error) this.errors[path] = error;
      else delete this.errors[path];
    }
    this.theme = { ...this.theme, [group]: set };
  }

  setMode(mode: ThemeMode): void {
    this.theme = { ...this.theme, mode };
    if (mode !== 'auto') this.scheme = mode;
    this.previewScheme = mode === 'dark' ? 'dark' : mode === 'light' ? 'light' : this.previewScheme;
  }

  setBrand(field: 'name' | 'logoUrl', value: string): void {
    const brand = { ...this.theme.brand };
    const path = `brand.${field}`;
    if (value === '') {
      delete brand[field];
      delete this.errors[path];
    } else {
      brand[field] = value;
      const error =
        field === 'logoUrl'
          ? logoUrlError(value)
          : value.length > 80
            ? 'is longer than 80 characters'
            : undefined;
      if (error) this.errors[path] = error;
      else delete this.errors[path];
    }
    this.theme = { ...this.theme, brand };
  }

  /** The chosen preset in place of every token; the brand and the copy stay. */
  applyPreset(): void {
    const keep = { brand: this.theme.brand, messages: this.theme.messages };
    this.theme = { ...clone(presets[this.preset]), ...keep };
    if (!keep.brand) delete this.theme.brand;
    if (!keep.messages) delete this.theme.messages;
    this.errors = {};
    this.scheme = this.theme.mode === 'dark' ? 'dark' : 'light';
    this.previewScheme = this.scheme;
  }

  /**
   * Every color, light and dark, from the current brand color; fonts and shape stay. False
   * when the brand color yields no theme (nothing changed).
   */
  generate(): boolean {
    const brand = resolveScheme(this.valid(), 'light')['color-brand'];
    const generated = themeFromBrand(brand);
    if (!generated) return false;
    const shape: ThemeTokens = {};
    for (const [name, value] of Object.entries(this.theme.tokens) as [SemanticToken, string][]) {
      if (!name.startsWith('color-')) shape[name] = value;
    }
    this.theme = {
      ...this.theme,
      mode: 'auto',
      tokens: { ...shape, ...generated.tokens },
      darkTokens: generated.darkTokens ?? {},
    };
    this.errors = {};
    return true;
  }

  /** Takes a theme that passed validation (an import) in place of the one being edited. */
  replace(theme: Theme): void {
    this.theme = theme;
    this.errors = {};
    this.scheme = theme.mode === 'dark' ? 'dark' : 'light';
  }

  /** The theme without the fields that currently fail validation: what is previewed. */
  valid(): Theme {
    const theme = clone(this.theme);
    for (const path of Object.keys(this.errors)) {
      const [group, name] = path.split('.') as [keyof Theme, string];
      const part = theme[group] as Record<string, unknown> | undefined;
      if (part && typeof part === 'object') delete part[name];
    }
    const result = validateTheme(theme);
    return result.ok ? result.theme : presets.light;
  }

  /** Which schemes the theme renders in. */
  get schemes(): Scheme[] {
    return schemesOf(this.theme);
  }
}
