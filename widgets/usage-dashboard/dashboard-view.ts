import { html, nothing, svg, type TemplateResult } from 'lit';
import type { TicketView } from '../../server/modules/support/contract.js';
import {
  addEnglish,
  formatDate,
  formatNumber,
  type MessageKey,
  type Translate,
} from '../internal/i18n.js';
import { dashboardViewMessages, type DashboardViewKey } from '../messages/dashboard-view.js';
import { usageChart } from './usage-chart.js';

export { dashboardViewStyles } from './dashboard-view.styles.js';

/*
 * What the dashboard shows once its data is in: plan, meters, the chart and the tickets.
 * The element fetches this chunk in parallel with its first request, so the page's first
 * download stays as small as the kit's other widgets.
 */

addEnglish(dashboardViewMessages);

export interface MetricUsage {
  metric: string;
  used: number;
  limit: number | null;
  enforcement: 'hard' | 'soft';
  percent: number | null;
  exhausted: boolean;
  warning: boolean;
}

export interface UsageReport {
  license: { name: string; plan: string; expiresAt: string | null };
  period: { resetsAt: string };
  metrics: MetricUsage[];
  daily: { day: string; metrics: Record<string, number> }[];
}

export interface DashboardView {
  report: UsageReport;
  tickets: TicketView[];
  metric: string;
  locale: string;
  notice: string;
  /** The ticket form when it is open, else nothing. */
  form: TemplateResult | typeof nothing;
  t: Translate;
  onMetric: (event: Event) => void;
  onNewTicket: () => void;
}

/** A metric's name; the server may report metrics this copy does not know yet. */
const metricName = (metric: string, t: Translate) => t(`usage.metric.${metric}` as MessageKey);

class Formats {
  constructor(readonly locale: string) {}

  number(n: number): string {
    return formatNumber(n, this.locale);
  }

  date(iso: string, options: Intl.DateTimeFormatOptions = { dateStyle: 'medium' }): string {
    return formatDate(iso, this.locale, options);
  }

  day(day: string): string {
    return this.date(`${day}T00:00:00Z`, { month: 'short', day: 'numeric', timeZone: 'UTC' });
  }

  /** `in 3 hours`, `2 days ago`: the coarsest unit that still says something useful. */
  relative(iso: string): string {
    const minutes = Math.round((new Date(iso).getTime() - Date.now()) / 60_000);
    const format = new Intl.RelativeTimeFormat(this.locale, { numeric: 'auto' });
    const abs = Math.abs(minutes);
    if (abs < 90) return format.format(minutes, 'minute');
    if (abs < 48 * 60) return format.format(Math.round(minutes / 60), 'hour');
    return format.format(Math.round(minutes / 1440), 'day');
  }
}

function meter(m: MetricUsage, f: Formats, t: Translate): TemplateResult {
  const name = metricName(m.metric, t);
  const used = f.number(m.used);
  const limit = m.limit;
  const value =
    limit === null
      ? t('usage.unlimited', { used })
      : `${t('usage.of', { used, limit: f.number(limit) })} (${f.number(m.percent ?? 0)} %)`;
  const state = m.exhausted ? 'exhausted' : m.warning ? 'warning' : 'ok';
  const note: DashboardViewKey | undefined = m.exhausted
    ? 'usage.exhausted'
    : m.warning && limit !== null && m.used > limit
      ? 'usage.over'
      : m.warning
        ? 'usage.warning'
        : undefined;
  return html`<li part="meter" data-metric=${m.metric} data-state=${state}>
    <span id="m-${m.metric}" class="name">${name}</span>
    <span class="value">${value}</span>
    ${
      limit === null
        ? nothing
        : html`<div
              role="meter"
              aria-labelledby="m-${m.metric}"
              aria-valuemin="0"
              aria-valuemax=${limit}
              aria-valuenow=${Math.min(m.used, limit)}
              aria-valuetext=${value}
            >
              <svg class="bar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true">
                ${svg`<rect class="track" width="100" height="8"></rect>
                <rect class="fill" width=${Math.min(100, m.percent ?? 0)} height="8"></rect>
                <line class="mark" x1="80" x2="80" y1="0" y2="8"></line>`}
              </svg>
            </div>
            <small
              >${t(m.enforcement === 'hard' ? 'usage.hard' : 'usage.soft')}${
                note ? html` · <strong>${t(note)}</strong>` : nothing
              }</small
            >`
    }
  </li>`;
}

function ticketItem(ticket: TicketView, f: Formats, t: Translate): TemplateResult {
  const { sla } = ticket;
  const due = (key: DashboardViewKey, at: string, late: boolean) =>
    html`<li ?data-late=${late}>
      ${t(key, { when: f.relative(at) })}
      <small>(${f.date(at, { dateStyle: 'medium', timeStyle: 'short' })})</small>
    </li>`;
  return html`<li part="ticket" ?data-breached=${sla.breached}>
    <div class="row spread">
      <strong dir="auto">${ticket.subject}</strong>
      <span class="badge" data-priority=${ticket.priority}
        >${t(`usage.priority.${ticket.priority}`)}</span
      >
    </div>
    <small>${t(`usage.status.${ticket.status}`)} · ${f.date(ticket.createdAt)}</small>
    <ul class="sla">
      ${sla.breached ? html`<li data-late><strong>${t('usage.sla.breached')}</strong></li>` : nothing}
      ${
        sla.firstResponseDueAt && !ticket.firstRespondedAt
          ? due('usage.sla.first', sla.firstResponseDueAt, sla.firstResponseBreached)
          : nothing
      }
      ${
        sla.resolutionDueAt
          ? due('usage.sla.resolution', sla.resolutionDueAt, sla.resolutionBreached)
          : html`<li>${t('usage.sla.best')}</li>`
      }
    </ul>
  </li>`;
}

function chart(v: DashboardView, f: Formats): TemplateResult {
  const { t } = v;
  const points = v.report.daily.map((d) => ({ day: d.day, value: d.metrics[v.metric] ?? 0 }));
  const name = metricName(v.metric, t);
  const values = points.map((p) => p.value);
  return usageChart({
    points,
    title: `${t('usage.chart')}: ${name}`,
    desc: points.length
      ? t('usage.chart.desc', {
          metric: name,
          from: f.day(points[0]!.day),
          to: f.day(points.at(-1)!.day),
          total: f.number(values.reduce((sum, n) => sum + n, 0)),
          max: f.number(Math.max(...values)),
        })
      : '',
    dayLabel: t('usage.day'),
    valueLabel: name,
    day: (d) => f.day(d),
    number: (n) => f.number(n),
  });
}

/** Why the dashboard is not shown: a learner who is not an admin, or a refused token. */
export function renderRefusal(denied: boolean, t: Translate, retry: () => void): TemplateResult {
  return html`<div part="base state" class="state" role="status">
    ${denied ? html`<h2>${t('usage.forbidden.title')}</h2>` : nothing}
    <p>${t(denied ? 'usage.forbidden.body' : 'usage.signin.again')}</p>
    ${
      denied
        ? nothing
        : // The host replaces an expired token; a token provider may already have a new one.
          html`<button part="retry" @click=${retry}>${t('action.retry')}</button>`
    }
  </div>`;
}

export function renderDashboard(v: DashboardView): TemplateResult {
  const { report, t } = v;
  const f = new Formats(v.locale);
  const open = v.tickets.filter((ticket) => ticket.status !== 'closed');
  const fact = (label: string, value: string, cls = '') =>
    html`<div>
      <dt>${label}</dt>
      <dd class=${cls}>${value}</dd>
    </div>`;
  return html`<div part="base">
    <header class="row spread">
      <h2>${t('usage.title')}</h2>
      <dl class="row">
        ${fact(t('usage.plan'), report.license.plan, 'plan')}
        ${fact(
          t('usage.expires'),
          report.license.expiresAt ? f.date(report.license.expiresAt) : t('usage.never'),
        )}
        ${fact(t('usage.resets'), f.date(report.period.resetsAt))}
      </dl>
    </header>

    <section aria-labelledby="m-title">
      <h3 id="m-title">${t('usage.limits')}</h3>
      <ul class="meters">
        ${report.metrics.map((m) => meter(m, f, t))}
      </ul>
    </section>

    <section aria-labelledby="c-title">
      <div class="row spread">
        <h3 id="c-title">${t('usage.chart')}</h3>
        <label class="row"
          >${t('usage.chart.metric')}
          <select @change=${v.onMetric}>
            ${report.metrics.map(
              (m) =>
                html`<option value=${m.metric} ?selected=${m.metric === v.metric}>
                  ${metricName(m.metric, t)}
                </option>`,
            )}
          </select></label
        >
      </div>
      ${chart(v, f)}
    </section>

    <section aria-labelledby="t-title">
      <div class="row spread">
        <h3 id="t-title">${t('usage.tickets')}</h3>
        ${
          v.form === nothing
            ? html`<button part="new-ticket" @click=${v.onNewTicket}>${t('usage.new')}</button>`
            : nothing
        }
      </div>
      <p class="notice" role="status" aria-live="polite">${v.notice}</p>
      ${
        v.form === nothing
          ? nothing
          : html`<h4 id="new-title">${t('usage.new')}</h4>
              ${v.form}`
      }
      ${
        open.length === 0
          ? html`<p class="muted empty">${t('usage.tickets.empty')}</p>`
          : html`<ul>
              ${open.map((ticket) => ticketItem(ticket, f, t))}
            </ul>`
      }
    </section>
  </div>`;
}
