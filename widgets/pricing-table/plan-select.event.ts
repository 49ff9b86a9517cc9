import { LxEvent } from '../internal/events.js';

export interface LxPlanSelectDetail {
  planId: string;
  interval: 'month' | 'year';
  /** Integer minor units. */
  amount: number;
  currency: string;
}

/**
 * Fired when a visitor chooses a plan. Cancelable: a host that needs the visitor to sign in
 * first calls `preventDefault()` and the table does nothing further.
 */
export class LxPlanSelectEvent extends LxEvent<LxPlanSelectDetail> {
  constructor(detail: LxPlanSelectDetail) {
    super('lx-plan-select', detail, { cancelable: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'lx-plan-select': LxPlanSelectEvent;
  }
}
