import { LxEvent } from '../internal/events.js';

export interface LxRedeemDetail {
  redemptionId: string;
  itemId: string;
  kind: 'feature_unlock' | 'course_coupon' | 'merchandise' | 'partner';
  status: 'requested' | 'fulfilled' | 'rejected' | 'canceled';
  /** Tokens spent. */
  cost: number;
  /** For a course coupon: the code the checkout accepts. */
  couponCode: string | null;
}

/** Fired after a learner confirmed a redemption and the server accepted it. */
export class LxRedeemEvent extends LxEvent<LxRedeemDetail> {
  constructor(detail: LxRedeemDetail) {
    super('lx-redeem', detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'lx-redeem': LxRedeemEvent;
  }
}
