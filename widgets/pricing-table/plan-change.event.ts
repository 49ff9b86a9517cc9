import { LxEvent } from '../internal/events.js';

export interface LxPlanChangeDetail {
  /** The tier the learner is on from now (a change) or at the period's end (a cancellation). */
  planId: string;
  interval: 'month' | 'year';
  /** Integer minor units charged now (negative: credited to the next invoices; 0 to cancel or resume). */
  amountDue: number;
  currency: string;
}

/**
 * Fired when a learner with a paid subscription changed it from the pricing table: moved to
 * another tier or interval, cancelled at the period's end (to the free tier) or resumed.
 */
export class LxPlanChangeEvent extends LxEvent<LxPlanChangeDetail> {
  constructor(detail: LxPlanChangeDetail) {
    super('lx-plan-change', detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'lx-plan-change': LxPlanChangeEvent;
  }
}
