import { defineElement } from '../internal/define.js';
import { configureKit, type KitSettings } from '../internal/kit.js';
import { LxThemeEditor } from './theme-editor.component.js';

export { LxThemeEditor };
export { LxThemePublishEvent, type LxThemePublishDetail } from './theme-publish.event.js';

/** Registers `<lx-theme-editor>` (or another tag) and applies page-wide kit settings. */
export function register(options: KitSettings & { tag?: string } = {}): boolean {
  configureKit(options);
  return defineElement(options.tag ?? 'lx-theme-editor', LxThemeEditor);
}
