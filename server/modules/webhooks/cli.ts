import { licenseFlag, required, UsageError, type CommandOutput } from '../../cli/command.js';
import { ApiError } from '../../errors.js';
import type { Services } from '../../services.js';
import type { WebhookDelivery } from './contract.js';

export const WEBHOOKS_USAGE = `  webhook endpoints --license <id>
  webhook add --license <id> --url <https URL> [--event <type or family.*>]... [--description <text>]
                                                (prints the signing secret once)
  webhook remove <endpoint id> --license <id>
  webhook deliveries [--license <id>] [--status pending|succeeded|failed] [--since <ISO time>] [--limit <n>]
  webhook show <delivery id> [--license <id>]   (with every attempt: status, duration, error)
  webhook replay <delivery id> [--license <id>]
  webhook replay-failed --since <ISO time> [--license <id>]   (every delivery given up since then)
                                                (a running server's worker sends what is replayed)
`;

export interface WebhookFlags {
  license?: string | undefined;
  url?: string | undefined;
  event?: string[] | undefined;
  description?: string | undefined;
  status?: string | undefined;
  since?: string | undefined;
  limit?: string | undefined;
}

/** The license `--license` names; where it may be left out, none (every license). */
async function licenseOf(
  services: Services,
  flags: WebhookFlags,
  needed: boolean,
): Promise<string | undefined> {
  if (!needed && !flags.license) return undefined;
  return licenseFlag(services, flags.license);
}

function time(value: string | undefined, flag: string): Date | undefined {
  if (value === undefined) return undefined;
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) {
    throw new ApiError('validation_failed', `${flag} must be an ISO date or time.`, {
      errors: [{ path: `flags.${flag}`, message: 'Not a date' }],
    });
  }
  return at;
}

const line = (d: WebhookDelivery) =>
  `${d.id}  ${d.status.padEnd(9)}  ${d.eventType.padEnd(22)}  attempts ${d.attempts}` +
  (d.lastStatusCode !== null ? `  last ${d.lastStatusCode}` : '') +
  (d.lastError ? `  (${d.lastError})` : '') +
  (d.status === 'pending' && d.nextAttemptAt ? `  next ${d.nextAttemptAt}` : '') +
  `  endpoint ${d.endpointId}  ${d.createdAt}`;

/** `npm run admin -- webhook …`: the same service calls as the admin API. */
export async function webhooksCommand(
  services: Services,
  command: string,
  positionals: string[],
  flags: WebhookFlags,
): Promise<CommandOutput> {
  const { webhooks } = services;
  const one = (what: string) => required(positionals[0], what);
  switch (command) {
    case 'endpoints': {
      const items = await webhooks.endpoints.list((await licenseOf(services, flags, true))!);
      return {
        json: { items },
        text: items.length
          ? items
              .map(
                (e) =>
                  `${e.id}  ${e.status.padEnd(8)}  ${e.url}  [${e.eventTypes.join(', ') || 'all events'}]`,
              )
              .join('\n')
          : 'No endpoints.',
      };
    }
    case 'add': {
      const created = await webhooks.endpoints.create((await licenseOf(services, flags, true))!, {
        url: required(flags.url, '--url'),
        description: flags.description,
        eventTypes: flags.event,
      });
      return {
        json: created,
        text: `Endpoint ${created.endpoint.id} → ${created.endpoint.url}\nSigning secret (shown only now): ${created.secret}`,
      };
    }
    case 'remove': {
      const id = one('<endpoint id>');
      await webhooks.endpoints.delete((await licenseOf(services, flags, true))!, id);
      return { json: { removed: id }, text: `Removed ${id}.` };
    }
    case 'deliveries': {
      const limit = flags.limit === undefined ? 100 : Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
        throw new ApiError('validation_failed', '--limit must be a whole number from 1 to 1000.', {
          errors: [{ path: 'flags.--limit', message: '1 to 1000' }],
        });
      }
      const items = await webhooks.deliveries.list(await licenseOf(services, flags, false), {
        status: flags.status,
        since: time(flags.since, '--since'),
        limit,
      });
      return {
        json: { items },
        text: items.length ? items.map(line).join('\n') : 'No deliveries.',
      };
    }
    case 'show': {
      const d = await webhooks.deliveries.get(
        await licenseOf(services, flags, false),
        one('<delivery id>'),
      );
      const log = (d.log ?? []).map(
        (a, i) =>
          `  #${i + 1}  ${a.startedAt}  ${a.statusCode ?? '—'}  ${a.durationMs} ms` +
          (a.error ? `  ${a.error}` : '') +
          (a.nextAttemptAt ? `  next ${a.nextAttemptAt}` : ''),
      );
      return { json: d, text: [line(d), ...log].join('\n') };
    }
    case 'replay': {
      const d = await webhooks.deliveries.replay(
        await licenseOf(services, flags, false),
        one('<delivery id>'),
      );
      return { json: d, text: `Replaying ${d.id}: due now.` };
    }
    case 'replay-failed': {
      const since = time(required(flags.since, '--since'), '--since')!;
      const replayed = await webhooks.deliveries.replayFailed(
        await licenseOf(services, flags, false),
        since,
      );
      return {
        json: { replayed },
        text: `${replayed} failed deliver${replayed === 1 ? 'y is' : 'ies are'} due again.`,
      };
    }
    default:
      throw new UsageError(`unknown webhook command "${command}"`);
  }
}
