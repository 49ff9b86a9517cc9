import { css, html, nothing, type TemplateResult } from 'lit';
import type { TicketView } from '../../server/modules/support/contract.js';
import type { ApiClient, LxApiError } from '../internal/api-client.js';
import { addEnglish, type Translate } from '../internal/i18n.js';
import { ticketFormMessages } from '../messages/ticket-form.js';
import { LxTicketCreateEvent } from './ticket-create.event.js';
import { formText } from '../internal/forms.js';

addEnglish(ticketFormMessages);

/*
 * The dashboard's "open a ticket" step: the form, its checks, the request and the
 * `lx-ticket-create` event. Loaded the first time an admin asks for the form, so a dashboard
 * that is only looked at never downloads it.
 */

/**
 * The form's rules travel with its chunk, so the dashboard's stylesheet stays small; the
 * dashboard adopts them as a constructed sheet, which a strict Content-Security-Policy allows.
 */
export const ticketFormStyles = css`
  [part~='ticket-form'] {
    display: grid;
    gap: calc(var(--_space) * 0.75);
    padding: var(--_space);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_raised);
  }
  .field {
    display: grid;
    gap: 0.25rem;
  }
  input,
  textarea,
  select {
    font: inherit;
    padding: 0.4rem 0.6rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    color: var(--_text);
  }
  textarea {
    min-height: 6rem;
    resize: vertical;
  }
  [aria-invalid='true'] {
    border-color: var(--_danger);
  }
  .field-error,
  [part~='ticket-form'] [role='alert'] {
    margin: 0;
    color: var(--_danger);
  }
  textarea:focus-visible,
  select:focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
`;

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
type Priority = (typeof PRIORITIES)[number];
type Field = 'subject' | 'body' | 'priority';
/** Messages per field, and `form` for what belongs to no field. */
export type FieldErrors = Partial<Record<Field | 'form', string>>;

function field(
  name: Field,
  label: string,
  error: string | undefined,
  control: (describedBy: string | typeof nothing, invalid: 'true' | 'false') => TemplateResult,
): TemplateResult {
  return html`<div class="field">
    <label for="t-${name}">${label}</label>
    ${control(error ? `t-${name}-error` : nothing, error ? 'true' : 'false')}
    ${error ? html`<p id="t-${name}-error" class="field-error">${error}</p>` : nothing}
  </div>`;
}

export function ticketForm(o: {
  busy: boolean;
  errors: FieldErrors;
  t: Translate;
  onSubmit: (event: SubmitEvent) => void;
  onCancel: () => void;
}): TemplateResult {
  const { t, errors } = o;
  return html`<form
    part="ticket-form"
    aria-labelledby="new-title"
    novalidate
    aria-busy=${o.busy ? 'true' : 'false'}
    @submit=${o.onSubmit}
    @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && o.onCancel()}
  >
    ${field(
      'subject',
      t('ticket.subject'),
      errors.subject,
      (d, i) =>
        html`<input id="t-subject" name="subject" aria-describedby=${d} aria-invalid=${i} />`,
    )}
    ${field(
      'body',
      t('ticket.body'),
      errors.body,
      (d, i) =>
        html`<textarea id="t-body" name="body" aria-describedby=${d} aria-invalid=${i}></textarea>`,
    )}
    ${field(
      'priority',
      t('ticket.priority'),
      errors.priority,
      (d, i) =>
        html`<select id="t-priority" name="priority" aria-describedby=${d} aria-invalid=${i}>
          ${PRIORITIES.map(
            (p) =>
              html`<option value=${p} ?selected=${p === 'normal'}>
                ${t(`usage.priority.${p}`)}
              </option>`,
          )}
        </select>`,
    )}
    ${errors.form ? html`<p role="alert">${errors.form}</p>` : nothing}
    <div class="row">
      <button type="submit" ?disabled=${o.busy}>
        ${t(o.busy ? 'ticket.sending' : 'ticket.send')}
      </button>
      <button type="button" class="secondary" @click=${o.onCancel}>${t('ticket.cancel')}</button>
    </div>
  </form>`;
}

/**
 * Checks the form, sends it, and tells the page. Resolves to the new ticket, or rejects with
 * the messages to show next to the fields (the server's `errors[]` mapped to its fields).
 */
/** What the form shows next to each field when the ticket could not be opened. */
export class TicketFormErrors extends Error {
  constructor(readonly fields: FieldErrors) {
    super('The ticket could not be opened.');
    this.name = 'TicketFormErrors';
  }
}

export async function openTicket(
  host: HTMLElement,
  client: ApiClient,
  form: HTMLFormElement,
  t: Translate,
): Promise<TicketView> {
  const data = new FormData(form);
  const input = {
    subject: formText(data, 'subject').trim(),
    body: formText(data, 'body').trim(),
    priority: formText(data, 'priority', 'normal') as Priority,
  };
  const missing: FieldErrors = {};
  if (!input.subject) missing.subject = t('ticket.required');
  if (!input.body) missing.body = t('ticket.required');
  if (missing.subject || missing.body) throw new TicketFormErrors(missing);
  let ticket: TicketView;
  try {
    ticket = await client.post<TicketView>('v1/support/tickets', input);
  } catch (error) {
    const e = error as LxApiError;
    const errors: FieldErrors = {};
    for (const { path, message } of e.problem?.errors ?? []) {
      const name = path.split('.').pop() as Field;
      if (name in input) errors[name] ??= message;
      else errors.form ??= message;
    }
    if (!errors.subject && !errors.body && !errors.priority) errors.form ??= e.message;
    throw new TicketFormErrors(errors);
  }
  host.dispatchEvent(
    new LxTicketCreateEvent({
      ticketId: ticket.id,
      subject: ticket.subject,
      priority: ticket.priority,
      firstResponseDueAt: ticket.sla.firstResponseDueAt,
      resolutionDueAt: ticket.sla.resolutionDueAt,
    }),
  );
  return ticket;
}
