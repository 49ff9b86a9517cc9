import { defineElement } from '../internal/define.js';
import { configureKit, type KitSettings } from '../internal/kit.js';
import { LxUsageDashboard } from './usage-dashboard.component.js';

export { LxUsageDashboard };
export { LxTicketCreateEvent, type LxTicketCreateDetail } from './ticket-create.event.js';

/** Registers `<lx-usage-dashboard>` (or another tag) and applies page-wide kit settings. */
export function register(options: KitSettings & { tag?: string } = {}): boolean {
  configureKit(options);
  return defineElement(options.tag ?? 'lx-usage-dashboard', LxUsageDashboard);
}
