import { defineElement } from '../internal/define.js';
import { configureKit, type KitSettings } from '../internal/kit.js';
import { LxPricingTable } from './pricing-table.component.js';

export { LxPricingTable };
export { LxPlanSelectEvent, type LxPlanSelectDetail } from './plan-select.event.js';
export type { LxPlanChangeEvent, LxPlanChangeDetail } from './plan-change.event.js';

/** Registers `<lx-pricing-table>` (or another tag) and applies page-wide kit settings. */
export function register(options: KitSettings & { tag?: string } = {}): boolean {
  configureKit(options);
  return defineElement(options.tag ?? 'lx-pricing-table', LxPricingTable);
}
