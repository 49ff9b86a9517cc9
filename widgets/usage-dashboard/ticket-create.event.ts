import { LxEvent } from '../internal/events.js';

export interface LxTicketCreateDetail {
  ticketId: string;
  subject: string;
  priority: 'low' | 'normal' | 'high' | 'urgent';
  /** When the first answer is due (ISO 8601), or null on a best-effort plan. */
  firstResponseDueAt: string | null;
  /** When the ticket should be resolved (ISO 8601), or null on a best-effort plan. */
  resolutionDueAt: string | null;
}

/** Fired after an admin opened a support ticket and the server accepted it. */
export class LxTicketCreateEvent extends LxEvent<LxTicketCreateDetail> {
  constructor(detail: LxTicketCreateDetail) {
    super('lx-ticket-create', detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'lx-ticket-create': LxTicketCreateEvent;
  }
}
