import { defineElement } from '../internal/define.js';
import { configureKit, type KitSettings } from '../internal/kit.js';
import { LxCourseCatalog } from './course-catalog.component.js';

export { LxCourseCatalog };
export { LxCourseSelectEvent, type LxCourseSelectDetail } from './course-select.event.js';

/** Registers `<lx-course-catalog>` (or another tag) and applies page-wide kit settings. */
export function register(options: KitSettings & { tag?: string } = {}): boolean {
  configureKit(options);
  return defineElement(options.tag ?? 'lx-course-catalog', LxCourseCatalog);
}
