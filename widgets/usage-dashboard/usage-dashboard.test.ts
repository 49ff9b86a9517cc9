import { expect } from '@esm-bundle/chai';
import { fixture, fixtureCleanup, html } from '@open-wc/testing-helpers';
import { apiFixtures, axeViolations, settled, until } from '../internal/test-support.js';
import ar from './locales/ar.js';
import de from './locales/de.js';
import fr from './locales/fr.js';
import { dashboardViewMessages } from '../messages/dashboard-view.js';
import { ticketFormMessages } from '../messages/ticket-form.js';
import { usageMessages } from '../messages/usage-dashboard.js';
import type { LxTicketCreateEvent } from './ticket-create.event.js';
import type { LxUsageDashboard } from './usage-dashboard.js';
import { register } from './usage-dashboard.js';

register();

async function dashboard(license: string, token?: string): Promise<LxUsageDashboard> {
  const { api } = await apiFixtures();
  return fixture<LxUsageDashboard>(
    html`<lx-usage-dashboard
      license=${license}
      api=${api}
      user-token=${token ?? ''}
      days="7"
    ></lx-usage-dashboard>`,
  );
}

const text = (el: Element | null | undefined) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

async function openForm(el: LxUsageDashboard): Promise<HTMLFormElement> {
  el.shadowRoot!.querySelector<HTMLButtonElement>('[part="new-ticket"]')!.click();
  return (await settled(el, '[part="ticket-form"]')) as HTMLFormElement;
}

function fill(form: HTMLFormElement, subject: string, body: string, priority = 'normal'): void {
  form.querySelector('input')!.value = subject;
  form.querySelector('textarea')!.value = body;
  form.querySelector('select')!.value = priority;
}

describe('lx-usage-dashboard', () => {
  afterEach(() => fixtureCleanup());

  it('renders plan, meters, chart and tickets and is accessible', async () => {
    const { usage } = await apiFixtures();
    const el = await dashboard(usage.license, usage.tokens.admin);
    await settled(el, '[part="meter"]');
    expect(text(el.shadowRoot!.querySelector('.plan'))).to.equal('enterprise');
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('shows the seeded usage against each limit, hard and soft', async () => {
    const { usage } = await apiFixtures();
    const el = await dashboard(usage.license, usage.tokens.admin);
    await settled(el, '[part="meter"]');
    const courses = el.shadowRoot!.querySelector('[data-metric="courses"]')!;
    expect(text(courses)).to.contain('8 of 10 (80 %)').and.contain('Hard limit');
    expect(courses.getAttribute('data-state')).to.equal('warning');
    const meter = courses.querySelector('[role="meter"]')!;
    expect(meter.getAttribute('aria-valuenow')).to.equal('8');
    expect(meter.getAttribute('aria-valuemax')).to.equal('10');
    const redemptions = el.shadowRoot!.querySelector('[data-metric="redemptions"]')!;
    expect(text(redemptions)).to.contain('5 of 4').and.contain('Over the soft limit');
    expect(redemptions.getAttribute('data-state')).to.equal('warning');
  });

  it('draws daily usage as an image with an accessible name and a data table', async () => {
    const { usage } = await apiFixtures();
    const el = await dashboard(usage.license, usage.tokens.admin);
    await settled(el, '[part="chart"]');
    const select = el.shadowRoot!.querySelector<HTMLSelectElement>('section select')!;
    select.value = 'courses';
    select.dispatchEvent(new Event('change'));
    await el.updateComplete;
    const svg = el.shadowRoot!.querySelector('[part="chart"] svg')!;
    expect(svg.getAttribute('role')).to.equal('img');
    const ids = svg.getAttribute('aria-labelledby')!.split(' ');
    const name = ids.map((id) => text(el.shadowRoot!.getElementById(id))).join(' ');
    expect(name).to.contain('Daily usage: Courses').and.contain('8 in total');
    const rows = el.shadowRoot!.querySelectorAll('[part="chart"] tbody tr');
    expect(rows).to.have.length(7);
    const cells = [...rows].map((r) => Number(text(r.querySelector('td'))));
    expect(cells.reduce((a, b) => a + b, 0)).to.equal(8);
  });

  it('lists open tickets with SLA countdowns and flags a breach', async () => {
    const { usage } = await apiFixtures();
    const el = await dashboard(usage.license, usage.tokens.admin);
    await settled(el, '[part="ticket"]');
    const ticket = [...el.shadowRoot!.querySelectorAll('[part="ticket"]')].find((t) =>
      text(t).includes('Checkout <b>fails</b>'),
    )!;
    expect(ticket.querySelector('b')).to.equal(null);
    expect(ticket.hasAttribute('data-breached')).to.equal(true);
    expect(text(ticket)).to.contain('SLA breached').and.contain('First response due 3 hours ago');
    expect(text(ticket)).to.match(/Resolution due in \d+ (hours|days)/);
  });

  it('tells a learner who is not an admin that the dashboard is for admins', async () => {
    const { usage } = await apiFixtures();
    const el = await dashboard(usage.license, usage.tokens.learner);
    const state = await settled(el, '.state h2');
    expect(text(state)).to.equal('Administrators only');
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('formats numbers and dates for the locale', async () => {
    const { api, usage } = await apiFixtures();
    const el = await fixture<LxUsageDashboard>(
      html`<lx-usage-dashboard
        license=${usage.license}
        api=${api}
        user-token=${usage.tokens.admin}
        locale="de-DE"
      ></lx-usage-dashboard>`,
    );
    await settled(el, '[part="meter"]');
    const now = new Date();
    const resets = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    const dd = [...el.shadowRoot!.querySelectorAll('dd')].map(text);
    expect(dd).to.include(new Intl.DateTimeFormat('de-DE', { dateStyle: 'medium' }).format(resets));
    const courses = el.shadowRoot!.querySelector('[data-metric="courses"] .value');
    expect(text(courses)).to.equal('8 von 10 (80 %)');
    const ticket = el.shadowRoot!.querySelector('[part="ticket"]');
    expect(text(ticket)).to.contain('vor 3 Stunden');
  });

  it('speaks the locale’s language, its states included', async () => {
    const { api, usage } = await apiFixtures();
    const el = await fixture<LxUsageDashboard>(
      html`<lx-usage-dashboard
        license=${usage.license}
        api=${api}
        user-token=${usage.tokens.admin}
        locale="fr-FR"
      ></lx-usage-dashboard>`,
    );
    await settled(el, '[part="meter"]');
    expect(text(el.shadowRoot!.querySelector('h2'))).to.equal('Utilisation et assistance');
    expect(text(el.shadowRoot!.querySelector('[data-metric="courses"] .value'))).to.equal(
      '8 sur 10 (80 %)',
    );
    el.userToken = usage.tokens.learner;
    await until(
      () => text(el.shadowRoot!.querySelector('.state h2')) === 'Réservé aux administrateurs',
      'the French not-an-admin state',
    );
  });

  it('tells the page through lx-error when the learner is not an admin', async () => {
    const { usage } = await apiFixtures();
    const seen: string[] = [];
    const listener = (e: Event) => seen.push((e as CustomEvent<{ code: string }>).detail.code);
    document.addEventListener('lx-error', listener);
    try {
      const el = await dashboard(usage.license, usage.tokens.learner);
      await settled(el, '.state h2');
      expect(seen).to.include('forbidden');
    } finally {
      document.removeEventListener('lx-error', listener);
    }
  });

  it('asks a signed-out visitor to sign in', async () => {
    const { usage } = await apiFixtures();
    const el = await dashboard(usage.license);
    await settled(el, '.state');
    expect(text(el.shadowRoot!.querySelector('.state'))).to.contain('Sign in as an administrator');
  });

  it('asks to sign in again when the token is refused', async () => {
    const { usage } = await apiFixtures();
    const el = await dashboard(usage.license, 'not-a-token');
    const state = await settled(el, '.state button');
    expect(text(el.shadowRoot!.querySelector('.state p'))).to.contain('Sign in again');
    expect(text(state)).to.equal('Try again');
  });

  it('says when there are no open tickets', async () => {
    const { usage } = await apiFixtures();
    const el = await dashboard(usage.quiet, usage.tokens.quietAdmin);
    const empty = await settled(el, '.empty');
    expect(text(empty)).to.equal('No open tickets.');
  });

  it('opens a ticket end to end, fires lx-ticket-create and lists it', async () => {
    const { usage } = await apiFixtures();
    const el = await dashboard(usage.quiet, usage.tokens.quietAdmin);
    await settled(el, '.empty');
    const form = await openForm(el);
    expect(el.shadowRoot!.activeElement?.id).to.equal('t-subject');
    expect(await axeViolations(el)).to.deep.equal([]);
    const seen: LxTicketCreateEvent[] = [];
    el.addEventListener('lx-ticket-create', (e) => seen.push(e));
    fill(form, 'Leaderboard is empty', 'It shows nobody this week.', 'urgent');
    const send = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
    send.click();
    await el.updateComplete;
    expect(send.disabled).to.equal(true);
    await until(() => seen.length === 1, 'lx-ticket-create');
    expect(seen[0]!.detail).to.include({ subject: 'Leaderboard is empty', priority: 'urgent' });
    expect(seen[0]!.detail.ticketId).to.be.a('string');
    expect(seen[0]!.detail.firstResponseDueAt).to.be.a('string');
    const ticket = await settled(el, '[part="ticket"]');
    expect(text(ticket)).to.contain('Leaderboard is empty').and.contain('Urgent');
    expect(el.shadowRoot!.querySelector('[part="ticket-form"]')).to.equal(null);
    expect(text(el.shadowRoot!.querySelector('.notice'))).to.equal(
      'Ticket opened: Leaderboard is empty',
    );
  });

  it('shows blank fields and the server’s validation errors next to the fields', async () => {
    const { usage } = await apiFixtures();
    const el = await dashboard(usage.quiet, usage.tokens.quietAdmin);
    await settled(el, '[part="new-ticket"]');
    const form = await openForm(el);
    const seen: Event[] = [];
    el.addEventListener('lx-ticket-create', (e) => seen.push(e));
    fill(form, '   ', '');
    form.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await settled(el, '#t-subject-error');
    expect(text(el.shadowRoot!.getElementById('t-body-error'))).to.equal('Fill this in.');
    const subject = form.querySelector('input')!;
    expect(subject.getAttribute('aria-invalid')).to.equal('true');
    expect(subject.getAttribute('aria-describedby')).to.equal('t-subject-error');
    expect(el.shadowRoot!.activeElement).to.equal(subject);

    // Longer than the server accepts: only the server knows, and says so for the field.
    fill(form, 'x'.repeat(201), 'Details');
    form.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await until(
      () =>
        !el.shadowRoot!.getElementById('t-body-error') &&
        !!el.shadowRoot!.getElementById('t-subject-error'),
      'the server’s field error',
    );
    expect(text(el.shadowRoot!.getElementById('t-subject-error'))).to.match(/200/);
    expect(seen).to.have.length(0);

    // Escape leaves the form and puts focus back on the button that opened it.
    form.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }),
    );
    await until(() => !el.shadowRoot!.querySelector('[part="ticket-form"]'), 'the form to close');
    await until(
      () => el.shadowRoot!.activeElement?.getAttribute('part') === 'new-ticket',
      'focus on the button',
    );
  });

  it('ships translations with the same placeholders as the English copy', () => {
    const english: Record<string, string> = {
      ...usageMessages,
      ...dashboardViewMessages,
      ...ticketFormMessages,
    };
    const names = (copy: string) => [...copy.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [language, catalog] of Object.entries({ fr, de, ar })) {
      expect(Object.keys(catalog).sort(), language).to.deep.equal(Object.keys(english).sort());
      for (const [key, copy] of Object.entries(catalog as Record<string, string>)) {
        expect(names(copy), `${language} ${key}`).to.deep.equal(names(english[key]!));
      }
    }
  });
});
