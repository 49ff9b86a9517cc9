import type { DashboardViewKey } from '../../messages/dashboard-view.js';
import type { TicketFormKey } from '../../messages/ticket-form.js';
import type { UsageKey } from '../../messages/usage-dashboard.js';

/** Every key of the dashboard, its view and its ticket form: a translation covers them all. */
export type DashboardCopy = Record<UsageKey | DashboardViewKey | TicketFormKey, string>;
