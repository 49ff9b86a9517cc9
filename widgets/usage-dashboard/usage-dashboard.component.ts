import { nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { TicketView } from '../../server/modules/support/contract.js';
import { LxApiError } from '../internal/api-client.js';
import { LxElement } from '../internal/base-element.js';
import type { EmbedConfig } from '../internal/config-store.js';
import { addEnglish, type Translations } from '../internal/i18n.js';
import { adoptStyles } from '../internal/theme.js';
import { usageMessages } from '../messages/usage-dashboard.js';
import type * as View from './dashboard-view.js';
import type * as Form from './ticket-form.js';

addEnglish(usageMessages);

const DAY = 86_400_000;
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

/**
 * @tagname lx-usage-dashboard
 * @summary For a license's administrators: plan and expiry, usage against each limit, daily
 * usage over time, open support tickets with their SLA, and a form to open one.
 *
 * @event lx-ticket-create - A ticket was opened. `detail` is `{ ticketId, subject, priority, firstResponseDueAt, resolutionDueAt }`.
 * @event lx-error - The widget cannot work (license, origin, limit, network, not an admin). `detail` is `{ code, status, message }`.
 *
 * @csspart base - The wrapper around the dashboard.
 * @csspart meter - One metric against its limit.
 * @csspart chart - The daily usage chart.
 * @csspart ticket - One open ticket.
 * @csspart new-ticket - The button that opens the ticket form.
 * @csspart ticket-form - The ticket form.
 * @csspart state - A loading, signed-out, not-an-admin or error state.
 */
export class LxUsageDashboard extends LxElement {
  static override translations: Translations = {
    ar: () => import('./locales/ar.js'),
    de: () => import('./locales/de.js'),
    fr: () => import('./locales/fr.js'),
  };

  static override properties = {
    ...LxElement.properties,
    days: { type: Number },
    report: { state: true },
    tickets: { state: true },
    metric: { state: true },
    formOpen: { state: true },
    busy: { state: true },
    errors: { state: true },
    notice: { state: true },
    loadError: { state: true },
  };

  /** Days of history the chart shows, ending today (UTC). */
  declare days: number;
  declare private report: View.UsageReport | undefined;
  declare private tickets: TicketView[];
  declare private metric: string;
  declare private formOpen: boolean;
  declare private busy: boolean;
  declare private errors: Form.FieldErrors;
  declare private notice: string;
  declare private loadError: LxApiError | undefined;
  #view: typeof View | undefined;
  #form: typeof Form | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #request = 0;

  constructor() {
    super();
    this.days = 30;
    this.tickets = [];
    this.metric = 'api_requests';
    this.formOpen = false;
    this.busy = false;
    this.errors = {};
    this.notice = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // SLA countdowns move with the clock; a minute is their finest unit.
    this.#timer = setInterval(() => this.requestUpdate(), 30_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#timer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // A host that signs the admin in after the widget appeared hands the token over later.
    if ((changed.has('userToken') || changed.has('tokenProvider')) && this.config) {
      this.report = undefined;
      if (this.signedIn) void this.refresh();
    }
  }

  protected override configReady(_config: EmbedConfig): void {
    if (!this.report && this.signedIn) void this.refresh();
  }

  /** Reloads usage, history and tickets. */
  async refresh(): Promise<void> {
    const request = ++this.#request;
    this.loadError = undefined;
    const now = Date.now();
    try {
      const [view, report, list] = await Promise.all([
        // The view arrives alongside the data; it also serves the states shown when the data
        // is refused.
        (this.#view ? Promise.resolve(this.#view) : import('./dashboard-view.js')).then(
          (view) => {
            this.#view = view;
            this.requestUpdate();
            return view;
          },
          () => {
            throw new LxApiError('network_error', 0, 'The dashboard could not be loaded.');
          },
        ),
        this.client.get<View.UsageReport>('v1/usage', {
          query: { from: isoDay(now - (Math.max(1, this.days) - 1) * DAY), to: isoDay(now) },
        }),
        this.client.get<{ tickets: TicketView[] }>('v1/support/tickets'),
      ]);
      if (request !== this.#request) return;
      adoptStyles(this, view.dashboardViewStyles);
      this.report = report;
      this.tickets = list.tickets;
    } catch (error) {
      if (request !== this.#request) return;
      this.loadError = error as LxApiError;
      this.reportError(this.loadError);
    }
  }

  async #openForm(): Promise<void> {
    this.notice = '';
    try {
      this.#form ??= await import('./ticket-form.js');
    } catch {
      this.notice = this.msg('state.network.body');
      return;
    }
    adoptStyles(this, this.#form.ticketFormStyles);
    this.errors = {};
    this.formOpen = true;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('#t-subject')?.focus();
  }

  #closeForm(): void {
    this.formOpen = false;
    this.errors = {};
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLElement>('[part~="new-ticket"]')?.focus(),
    );
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (!this.#form || this.busy) return;
    this.busy = true;
    this.errors = {};
    try {
      const ticket = await this.#form.openTicket(
        this,
        this.client,
        event.target as HTMLFormElement,
        this.msg,
      );
      this.tickets = [ticket, ...this.tickets];
      this.#closeForm();
      this.notice = this.msg('ticket.done', { subject: ticket.subject });
    } catch (error) {
      this.errors = (error as Partial<Form.TicketFormErrors>).fields ?? {
        form: error instanceof Error ? error.message : String(error),
      };
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    } finally {
      this.busy = false;
    }
  }

  protected override renderReady(_config: EmbedConfig): TemplateResult {
    const error = this.loadError;
    const code = error?.code ?? '';
    if (!this.signedIn) {
      return this.renderStatus(this.msg('usage.signin'));
    }
    // Not an admin, or a token the server refused: the view explains, once it has arrived.
    if (code === 'forbidden' || code === 'unauthenticated' || code.startsWith('token_')) {
      return this.#view
        ? this.#view.renderRefusal(code === 'forbidden', this.msg, () => void this.refresh())
        : this.renderLoading();
    }
    if (error) return this.renderProblem(error, () => void this.refresh());
    if (!this.report || !this.#view) return this.renderLoading();
    return this.#view.renderDashboard({
      report: this.report,
      tickets: this.tickets,
      metric: this.metric,
      locale: this.resolvedLocale,
      notice: this.notice,
      form:
        this.formOpen && this.#form
          ? this.#form.ticketForm({
              busy: this.busy,
              errors: this.errors,
              t: this.msg,
              onSubmit: (e) => void this.#submit(e),
              onCancel: () => this.#closeForm(),
            })
          : nothing,
      t: this.msg,
      onMetric: (e) => (this.metric = (e.target as HTMLSelectElement).value),
      onNewTicket: () => void this.#openForm(),
    });
  }
}
