import {
  OperatorCloseInput,
  OperatorReplyInput,
  TicketListQuery,
  type TicketView,
} from './contract.js';
import { parseInput } from '../../router.js';
import type { Services } from '../../services.js';
import { defined, onlyArgument, UsageError, type CommandOutput } from '../../cli/command.js';

export const TICKETS_USAGE = `  ticket list [--status open|answered|closed] [--breached] [--license <id>]
  ticket show <id>
  ticket reply <id> --body <text> [--author <name>]
  ticket close <id> [--body <text>] [--author <name>]
`;

export interface TicketFlags {
  status?: string | undefined;
  breached?: boolean | undefined;
  license?: string | undefined;
  body?: string | undefined;
  author?: string | undefined;
}

function ticketLine(t: TicketView): string {
  const due = t.sla.firstResponseDueAt ?? 'best effort';
  const flag = t.sla.breached ? ' BREACHED' : '';
  return `${t.id}  ${t.status.padEnd(8)} ${t.priority.padEnd(6)} ${t.licenseId}  "${t.subject}"  first response due ${due}, resolution due ${t.sla.resolutionDueAt ?? 'best effort'}${flag}`;
}

function ticketText(t: TicketView): string {
  const lines = [
    ticketLine(t),
    `  opened by ${t.openedBy.name} (${t.openedBy.kind}) at ${t.createdAt}; SLA ${t.sla.policy}` +
      (t.sla.firstResponseBreached ? '; first response late' : '') +
      (t.sla.resolutionBreached ? '; resolution late' : ''),
  ];
  for (const m of t.messages ?? []) {
    lines.push(
      '',
      `  [${m.createdAt}] ${m.authorName} (${m.author}):`,
      ...m.body.split('\n').map((l) => `    ${l}`),
    );
  }
  return lines.join('\n');
}

/** `npm run admin -- ticket …`: the support desk's operator side, as in the admin API. */
export async function ticketCommand(
  services: Services,
  command: string,
  positionals: string[],
  flags: TicketFlags,
): Promise<CommandOutput> {
  const support = services.support;
  switch (command) {
    case 'list': {
      if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
      const query = parseInput(
        TicketListQuery,
        defined({
          status: flags.status,
          license: flags.license,
          breached: flags.breached ? 'true' : undefined,
        }),
        'query',
      );
      const tickets = await support.operatorList(query);
      return {
        json: { tickets },
        text: tickets.length ? tickets.map(ticketLine).join('\n') : 'No tickets.',
      };
    }
    case 'show': {
      const ticket = await support.operatorGet(onlyArgument(positionals, 'ticket id'));
      return { json: ticket, text: ticketText(ticket) };
    }
    case 'reply': {
      const id = onlyArgument(positionals, 'ticket id');
      const ticket = await support.operatorReply(
        id,
        parseInput(OperatorReplyInput, defined({ body: flags.body, author: flags.author })),
      );
      return { json: ticket, text: ticketText(ticket) };
    }
    case 'close': {
      const id = onlyArgument(positionals, 'ticket id');
      const ticket = await support.close(
        id,
        parseInput(OperatorCloseInput, defined({ body: flags.body, author: flags.author })),
      );
      return { json: ticket, text: ticketText(ticket) };
    }
    default:
      throw new UsageError(`unknown ticket command "${command}"`);
  }
}
