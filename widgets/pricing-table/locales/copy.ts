import type { PlanChangeKey } from '../../messages/plan-change.js';
import type { PricingKey } from '../../messages/pricing-table.js';

/** Every key of the table and its plan change step: a translation covers them all. */
export type PricingCopy = Record<PricingKey | PlanChangeKey, string>;
