import { and, asc, desc, eq, gt, isNotNull, isNull, lt, or, type SQL } from 'drizzle-orm';
import { first, type Store } from '../../db/store.js';
import { ApiError } from '../../errors.js';
import type { Clock } from '../../services.js';
import { generateId } from '../../lib/ids.js';
import type { License } from '../licenses/schema.js';
import { dueTimes, slaById, slaForPlan } from './sla.js';
import type {
  OperatorCloseInput,
  OperatorReplyInput,
  TicketListQuery,
  TicketOpenInput,
  TicketStatus,
  TicketView,
} from './contract.js';
import { supportMessages, supportTickets, type MessageRow, type TicketRow } from './schema.js';
import { iso } from '../../lib/dates.js';

export type TicketOpener =
  { kind: 'learner'; learnerId: string; name: string } | { kind: 'server'; name: string };

/**
 * Support tickets with SLA targets by plan. Due times are fixed when a ticket is opened;
 * whether they are breached is decided against the clock whenever a ticket is read.
 */
export class SupportService {
  readonly #store: Store;
  readonly #clock: Clock;

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  async open(license: License, opener: TicketOpener, input: TicketOpenInput): Promise<TicketView> {
    const now = this.#clock.now();
    const policy = slaForPlan(license.plan);
    const due = dueTimes(policy, now.getTime());
    const id = generateId('tkt');
    await this.#store.write(async (tx) => {
      await tx.insert(supportTickets).values({
        id,
        licenseId: license.id,
        subject: input.subject,
        priority: input.priority,
        status: 'open',
        slaPolicy: policy.id,
        openedBy: opener,
        ...due,
        createdAt: now,
        updatedAt: now,
      });
      await tx.insert(supportMessages).values({
        id: generateId('msg'),
        ticketId: id,
        licenseId: license.id,
        author: 'customer',
        authorName: opener.name,
        body: input.body,
        createdAt: now,
      });
    });
    return this.#get(id, license.id, true);
  }

  /** Tickets of one license, newest first. */
  async listForLicense(licenseId: string, status?: TicketStatus): Promise<TicketView[]> {
    const rows = await this.#store.db
      .select()
      .from(supportTickets)
      .where(
        and(
          eq(supportTickets.licenseId, licenseId),
          status ? eq(supportTickets.status, status) : undefined,
        ),
      )
      .orderBy(desc(supportTickets.createdAt), desc(supportTickets.id));
    return rows.map((row) => this.#view(row));
  }

  /** A ticket with its messages, only if it belongs to `licenseId`. */
  getForLicense(licenseId: string, id: string): Promise<TicketView> {
    return this.#get(id, licenseId, true);
  }

  async customerReply(
    licenseId: string,
    id: string,
    authorName: string,
    body: string,
  ): Promise<TicketView> {
    const now = this.#clock.now();
    await this.#store.write(async (tx) => {
      const row = first(
        await tx
          .select()
          .from(supportTickets)
          .where(and(eq(supportTickets.id, id), eq(supportTickets.licenseId, licenseId)))
          .limit(1),
      );
      if (!row) throw ticketNotFound(id);
      if (row.status === 'closed')
        throw new ApiError('conflict', 'This ticket is closed; open a new one.');
      await tx.insert(supportMessages).values({
        id: generateId('msg'),
        ticketId: id,
        licenseId,
        author: 'customer',
        authorName,
        body,
        createdAt: now,
      });
      await tx
        .update(supportTickets)
        .set({ status: 'open', updatedAt: now })
        .where(eq(supportTickets.id, id));
    });
    return this.#get(id, licenseId, true);
  }

  /** Every license's tickets for the operator; breached ones can be asked for alone. */
  async operatorList(query: TicketListQuery = {}): Promise<TicketView[]> {
    const now = this.#clock.now();
    const t = supportTickets;
    const filters: SQL[] = [];
    if (query.status) filters.push(eq(t.status, query.status));
    if (query.license) filters.push(eq(t.licenseId, query.license));
    if (query.breached) {
      filters.push(
        or(
          and(isNull(t.firstRespondedAt), lt(t.firstResponseDueAt, now)),
          and(isNotNull(t.firstRespondedAt), gt(t.firstRespondedAt, t.firstResponseDueAt)),
          and(isNull(t.closedAt), lt(t.resolutionDueAt, now)),
          and(isNotNull(t.closedAt), gt(t.closedAt, t.resolutionDueAt)),
        )!,
      );
    }
    const rows = await this.#store.db
      .select()
      .from(t)
      .where(filters.length ? and(...filters) : undefined)
      .orderBy(asc(t.createdAt), asc(t.id));
    const views = rows.map((row) => this.#view(row));
    return query.breached === false ? views.filter((v) => !v.sla.breached) : views;
  }

  operatorGet(id: string): Promise<TicketView> {
    return this.#get(id, null, true);
  }

  /** The operator's answer; the first one stops the first-response clock. */
  async operatorReply(id: string, input: OperatorReplyInput): Promise<TicketView> {
    const now = this.#clock.now();
    const licenseId = await this.#store.write(async (tx) => {
      const row = first(
        await tx.select().from(supportTickets).where(eq(supportTickets.id, id)).limit(1),
      );
      if (!row) throw ticketNotFound(id);
      if (row.status === 'closed') throw new ApiError('conflict', 'This ticket is closed.');
      await tx.insert(supportMessages).values({
        id: generateId('msg'),
        ticketId: id,
        licenseId: row.licenseId,
        author: 'operator',
        authorName: input.author,
        body: input.body,
        createdAt: now,
      });
      await tx
        .update(supportTickets)
        .set({ status: 'answered', firstRespondedAt: row.firstRespondedAt ?? now, updatedAt: now })
        .where(eq(supportTickets.id, id));
      return row.licenseId;
    });
    return this.#get(id, licenseId, true);
  }

  async close(id: string, input: OperatorCloseInput): Promise<TicketView> {
    const now = this.#clock.now();
    await this.#store.write(async (tx) => {
      const row = first(
        await tx.select().from(supportTickets).where(eq(supportTickets.id, id)).limit(1),
      );
      if (!row) throw ticketNotFound(id);
      if (row.status === 'closed') throw new ApiError('conflict', 'This ticket is already closed.');
      if (input.body) {
        await tx.insert(supportMessages).values({
          id: generateId('msg'),
          ticketId: id,
          licenseId: row.licenseId,
          author: 'operator',
          authorName: input.author,
          body: input.body,
          createdAt: now,
        });
      }
      await tx
        .update(supportTickets)
        .set({
          status: 'closed',
          closedAt: now,
          firstRespondedAt: input.body ? (row.firstRespondedAt ?? now) : row.firstRespondedAt,
          updatedAt: now,
        })
        .where(eq(supportTickets.id, id));
    });
    return this.#get(id, null, true);
  }

  async #get(id: string, licenseId: string | null, withMessages: boolean): Promise<TicketView> {
    const row = first(
      await this.#store.db
        .select()
        .from(supportTickets)
        .where(
          and(
            eq(supportTickets.id, id),
            licenseId ? eq(supportTickets.licenseId, licenseId) : undefined,
          ),
        )
        .limit(1),
    );
    if (!row) throw ticketNotFound(id);
    const view = this.#view(row);
    if (withMessages) {
      const messages: MessageRow[] = await this.#store.db
        .select()
        .from(supportMessages)
        .where(eq(supportMessages.ticketId, id))
        .orderBy(asc(supportMessages.createdAt), asc(supportMessages.id));
      view.messages = messages.map((m) => ({
        id: m.id,
        author: m.author,
        authorName: m.authorName,
        body: m.body,
        createdAt: m.createdAt.toISOString(),
      }));
    }
    return view;
  }

  #view(row: TicketRow): TicketView {
    const now = this.#clock.now().getTime();
    const late = (due: Date | null, done: Date | null) =>
      due ? (done?.getTime() ?? now) > due.getTime() : false;
    const firstResponseBreached = late(row.firstResponseDueAt, row.firstRespondedAt);
    const resolutionBreached = late(row.resolutionDueAt, row.closedAt);
    return {
      id: row.id,
      licenseId: row.licenseId,
      subject: row.subject,
      priority: row.priority,
      status: row.status,
      openedBy: row.openedBy,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      firstRespondedAt: iso(row.firstRespondedAt),
      closedAt: iso(row.closedAt),
      sla: {
        policy: slaById(row.slaPolicy).id,
        firstResponseDueAt: iso(row.firstResponseDueAt),
        resolutionDueAt: iso(row.resolutionDueAt),
        firstResponseBreached,
        resolutionBreached,
        breached: firstResponseBreached || resolutionBreached,
      },
    };
  }
}

function ticketNotFound(id: string): ApiError {
  return new ApiError('not_found', `No ticket ${JSON.stringify(id)} for this license.`);
}
