import type { ViewKey } from '../dashboard-view.messages.js';
import type { ticketFormMessages } from '../ticket-form.messages.js';
import type { UsageKey } from '../usage-dashboard.messages.js';

/** Every key of the dashboard, its view and its ticket form: a translation covers them all. */
export type DashboardCopy = Record<UsageKey | ViewKey | keyof typeof ticketFormMessages, string>;
