/**
 * The operator CLI: `npm run admin -- <license|ticket|rewards> <command> [options]`.
 *
 * It opens the same database as the server (DATA_DIR / DATABASE_FILE) and calls the same
 * services as the admin API, so both accept, refuse and record exactly the same. A running
 * server sees changes made here once its license cache expires (LICENSE_CACHE_TTL_MS).
 */
import type { ParseArgsConfig } from 'node:util';
import type { LicenseView } from '../modules/licenses/admin.js';
import {
  LicenseCreateInput,
  LicenseListQuery,
  LicenseUpdateInput,
  RotateInput,
  StatusChangeInput,
} from '../modules/licenses/inputs.js';
import { billingCommand, BILLING_USAGE } from '../modules/billing/cli.js';
import { marketplaceCommand, MARKETPLACE_USAGE } from '../modules/marketplace/cli.js';
import { rewardsCommand, REWARDS_USAGE } from '../modules/rewards/cli.js';
import { paymentGroups, paymentsCli, PAYMENTS_USAGE } from '../modules/payments/cli.js';
import type { UsageSnapshot } from '../modules/usage/meter.js';
import {
  OperatorCloseInput,
  OperatorReplyInput,
  TicketListQuery,
  type TicketView,
} from '../modules/support/contract.js';
import { parseInput } from '../router.js';
import type { Services } from '../services.js';
import { UsageError, type CommandOutput } from './command.js';
import { parseCommandLine, runCommand, type CommandLine } from './run.js';

const USAGE = `Usage: npm run admin -- <group> <command> [options]   (add --json for machine-readable output)

  license create --name <name> --plan <free|pro|enterprise|custom> [--origin <origin>]...
                 [--mode test|live] [--feature <key>]... [--limit <metric>=<n|unlimited>]...
                 [--enforce <metric>=hard|soft]... [--rate-limit <per minute>] [--expires <ISO date>]
                 [--locale <tag>] [--currency <ISO 4217>] [--jwks-url <url> --alg RS256|ES256]
  license list [--status active|suspended|revoked] [--plan <plan>]
  license show <id>
  license update <id> [--name] [--plan] [--origin (replaces)] [--add-origin] [--remove-origin]
                 [--feature (replaces)] [--add-feature] [--remove-feature]
                 [--limit <metric>=<n|unlimited|default>] [--enforce <metric>=hard|soft|default]
                 [--rate-limit <n|default>] [--expires <ISO date|never>] [--locale] [--currency]
                 [--jwks-url <url> --alg <alg>] [--signing-secret (verify with HS256 again)]
  license suspend <id> [--reason <text>]
  license resume <id>
  license revoke <id> [--reason <text>]
  license rotate <id> --key secret|signing [--overlap <0|90s|30m|24h|7d>]

  ticket list [--status open|answered|closed] [--breached] [--license <id>]
  ticket show <id>
  ticket reply <id> --body <text> [--author <name>]
  ticket close <id> [--body <text>] [--author <name>]

${REWARDS_USAGE}
${PAYMENTS_USAGE}
${BILLING_USAGE}
${MARKETPLACE_USAGE}`;

const options = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  name: { type: 'string' },
  plan: { type: 'string' },
  mode: { type: 'string' },
  origin: { type: 'string', multiple: true },
  'add-origin': { type: 'string', multiple: true },
  'remove-origin': { type: 'string', multiple: true },
  feature: { type: 'string', multiple: true },
  'add-feature': { type: 'string', multiple: true },
  'remove-feature': { type: 'string', multiple: true },
  limit: { type: 'string', multiple: true },
  enforce: { type: 'string', multiple: true },
  'rate-limit': { type: 'string' },
  expires: { type: 'string' },
  locale: { type: 'string' },
  currency: { type: 'string' },
  'jwks-url': { type: 'string' },
  alg: { type: 'string', multiple: true },
  'signing-secret': { type: 'boolean' },
  status: { type: 'string' },
  reason: { type: 'string' },
  key: { type: 'string' },
  overlap: { type: 'string' },
  breached: { type: 'boolean' },
  license: { type: 'string' },
  body: { type: 'string' },
  author: { type: 'string' },
  note: { type: 'string' },
  learner: { type: 'string' },
  amount: { type: 'string' },
  file: { type: 'string' },
  subject: { type: 'string' },
  enterprise: { type: 'boolean' },
  'share-bps': { type: 'string' },
  'enterprise-share-bps': { type: 'string' },
  instructor: { type: 'string' },
  title: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
} satisfies ParseArgsConfig['options'];

type Flags = CommandLine<typeof options>['flags'];

/** Which flag a validation error's path came from, so messages speak the CLI's language. */
const flagOf: Record<string, string> = {
  name: '--name',
  plan: '--plan',
  mode: '--mode',
  origins: '--origin',
  features: '--feature',
  limits: '--limit',
  limitEnforcement: '--enforce',
  rateLimitPerMinute: '--rate-limit',
  expiresAt: '--expires',
  locale: '--locale',
  currency: '--currency',
  learnerTokens: '--jwks-url / --alg',
  overlapSeconds: '--overlap',
  key: '--key',
  reason: '--reason',
  body: '--body',
  author: '--author',
  status: '--status',
};

function pairs(
  list: string[] | undefined,
  flag: string,
): Record<string, string | number> | undefined {
  if (!list) return undefined;
  const out: Record<string, string | number> = {};
  for (const item of list) {
    const match = /^([^=]+)=(.+)$/.exec(item);
    if (!match) throw new UsageError(`${flag} takes <metric>=<value>, got "${item}"`);
    out[match[1]!] = /^\d+$/.test(match[2]!) ? Number(match[2]) : match[2]!;
  }
  return out;
}

function duration(value: string): number | string {
  const match = /^(\d+)(s|m|h|d)?$/.exec(value);
  if (!match) return value;
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

function expires(value: string | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'never') return null;
  // A bare date means the start of that day, UTC.
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
}

function numberOrKeep(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  return /^\d+$/.test(value) ? Number(value) : value;
}

function learnerTokens(flags: Flags): unknown {
  if (flags['jwks-url'] !== undefined || flags.alg !== undefined) {
    return { kind: 'jwks', jwksUrl: flags['jwks-url'], algorithms: flags.alg };
  }
  return flags['signing-secret'] ? { kind: 'secret' } : undefined;
}

function defined(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}

function one(positionals: string[], what: string): string {
  const [id, extra] = positionals;
  if (!id) throw new UsageError(`missing <${what}>`);
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  return id;
}

// ---------------------------------------------------------------------------------------
// Human output

const fmt = (n: number | null) => (n === null ? 'unlimited' : n.toLocaleString('en-US'));

function licenseText(view: LicenseView, usage?: UsageSnapshot): string {
  const lines = [
    `${view.name} (${view.id})`,
    `  status        ${view.status}${view.statusReason ? ` — ${view.statusReason}` : ''}`,
    `  plan          ${view.plan}${view.customPlan ? ' (custom, enterprise defaults)' : ''}`,
    `  mode          ${view.mode}`,
    `  publishable   ${view.publishableKey}`,
    `  secret keys   ${view.secretKeys.map((k) => `…${k.hint}${k.expiresAt ? ` (until ${k.expiresAt})` : ''}`).join(', ') || 'none'}`,
    `  origins       ${view.allowedOrigins.join(', ') || 'none'}`,
    `  expires       ${view.expiresAt ?? 'never'}`,
    `  locale        ${view.locale}, ${view.currency}`,
    `  learner auth  ${
      view.learnerTokens.kind === 'jwks'
        ? `JWKS ${view.learnerTokens.jwksUrl} (${view.learnerTokens.algorithms.join(', ')})`
        : `HS256, signing secret ${view.learnerTokens.signingSecrets.map((s) => `…${s.hint}${s.expiresAt ? ` (until ${s.expiresAt})` : ''}`).join(', ') || 'none'}`
    }; aud "${view.learnerTokens.audience}", iss "${view.learnerTokens.issuer}"`,
    `  rate limit    ${fmt(view.rateLimit.perMinute)}/min per key and client (${view.rateLimit.source})`,
    `  features      ${view.features.join(', ') || 'none'}`,
    `  limits${usage ? ` (${usage.period.month}, resets ${usage.period.resetsAt.toISOString()})` : ''}`,
  ];
  for (const [metric, rule] of Object.entries(view.limits)) {
    const used = usage?.metrics.find((m) => m.metric === metric);
    const share = used?.percent !== null && used?.percent !== undefined ? ` ${used.percent}%` : '';
    lines.push(
      `    ${metric.padEnd(16)}${used ? `${fmt(used.used)} / ` : ''}${fmt(rule.max)} ${rule.enforcement}${share}${
        rule.source === 'license' ? ' (override)' : ''
      }`,
    );
  }
  return lines.join('\n');
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

// ---------------------------------------------------------------------------------------

function licenseCommand(
  services: Services,
  command: string,
  positionals: string[],
  flags: Flags,
): CommandOutput {
  const admin = services.licenseAdmin;
  const withUsage = (view: LicenseView) => {
    const usage = services.usage.snapshot(services.licenses.getById(view.id)!);
    return {
      json: {
        ...view,
        usage: {
          period: {
            month: usage.period.month,
            start: usage.period.start.toISOString(),
            resetsAt: usage.period.resetsAt.toISOString(),
          },
          metrics: usage.metrics,
        },
      },
      usage,
    };
  };
  switch (command) {
    case 'create': {
      if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
      const input = parseInput(
        LicenseCreateInput,
        defined({
          name: flags.name,
          plan: flags.plan,
          mode: flags.mode,
          origins: flags.origin,
          features: flags.feature,
          limits: pairs(flags.limit, '--limit'),
          limitEnforcement: pairs(flags.enforce, '--enforce'),
          rateLimitPerMinute: numberOrKeep(flags['rate-limit']),
          expiresAt: expires(flags.expires),
          locale: flags.locale,
          currency: flags.currency,
          learnerTokens: learnerTokens(flags),
        }),
      );
      const created = admin.create(input);
      const { json, usage } = withUsage(created.license);
      return {
        json: { license: json, secretKey: created.secretKey, signingSecret: created.signingSecret },
        text: [
          licenseText(created.license, usage),
          '',
          'Shown once — store these now:',
          `  secret key      ${created.secretKey}`,
          created.signingSecret ? `  signing secret  ${created.signingSecret}` : '',
        ]
          .filter((l) => l !== '')
          .join('\n'),
      };
    }
    case 'list': {
      if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
      const query = parseInput(
        LicenseListQuery,
        defined({ status: flags.status, plan: flags.plan }),
        'query',
      );
      const views = admin.list(query);
      return {
        json: { licenses: views.map((v) => withUsage(v).json) },
        text: views.length
          ? views
              .map(
                (v) =>
                  `${v.id}  ${v.status.padEnd(9)} ${v.plan.padEnd(10)} ${v.mode.padEnd(4)} ${v.name}`,
              )
              .join('\n')
          : 'No licenses.',
      };
    }
    case 'show': {
      const view = admin.view(one(positionals, 'license id'));
      const { json, usage } = withUsage(view);
      return { json, text: licenseText(view, usage) };
    }
    case 'update': {
      const id = one(positionals, 'license id');
      const current = admin.view(id);
      const edit = (list: string[], add?: string[], remove?: string[]) =>
        add || remove
          ? [
              ...list.filter((x) => !remove?.includes(x)),
              ...(add ?? []).filter((x) => !list.includes(x)),
            ]
          : undefined;
      const patch = parseInput(
        LicenseUpdateInput,
        defined({
          name: flags.name,
          plan: flags.plan,
          origins:
            flags.origin ??
            edit(current.allowedOrigins, flags['add-origin'], flags['remove-origin']),
          features:
            flags.feature ?? edit(current.features, flags['add-feature'], flags['remove-feature']),
          limits: pairs(flags.limit, '--limit'),
          limitEnforcement: pairs(flags.enforce, '--enforce'),
          rateLimitPerMinute: numberOrKeep(flags['rate-limit']),
          expiresAt: expires(flags.expires),
          locale: flags.locale,
          currency: flags.currency,
          learnerTokens: learnerTokens(flags),
        }),
      );
      const result = admin.update(id, patch);
      const { json, usage } = withUsage(result.license);
      return {
        json: { license: json, signingSecret: result.signingSecret },
        text:
          licenseText(result.license, usage) +
          (result.signingSecret
            ? `\n\nNew signing secret (shown once): ${result.signingSecret}`
            : ''),
      };
    }
    case 'suspend':
    case 'resume':
    case 'revoke': {
      const id = one(positionals, 'license id');
      const input = parseInput(StatusChangeInput, defined({ reason: flags.reason }));
      const view =
        command === 'suspend'
          ? admin.suspend(id, input)
          : command === 'resume'
            ? admin.resume(id)
            : admin.revoke(id, input);
      const { json, usage } = withUsage(view);
      return { json, text: licenseText(view, usage) };
    }
    case 'rotate': {
      const id = one(positionals, 'license id');
      const key = { secret: 'secret_key', signing: 'signing_secret' }[flags.key ?? ''] ?? flags.key;
      const input = parseInput(
        RotateInput,
        defined({
          key,
          overlapSeconds: flags.overlap === undefined ? undefined : duration(flags.overlap),
        }),
      );
      const result = admin.rotate(id, input);
      const { json } = withUsage(result.license);
      const secret = result.secretKey ?? result.signingSecret;
      return {
        json: { ...result, license: json },
        text: [
          `New ${input.key === 'secret_key' ? 'secret key' : 'signing secret'} for ${id} (shown once):`,
          `  ${secret}`,
          result.previousValidUntil
            ? `The previous one keeps working until ${result.previousValidUntil}.`
            : 'There was no previous one.',
        ].join('\n'),
      };
    }
    default:
      throw new UsageError(`unknown license command "${command}"`);
  }
}

function ticketCommand(
  services: Services,
  command: string,
  positionals: string[],
  flags: Flags,
): CommandOutput {
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
      const tickets = support.operatorList(query);
      return {
        json: { tickets },
        text: tickets.length ? tickets.map(ticketLine).join('\n') : 'No tickets.',
      };
    }
    case 'show': {
      const ticket = support.operatorGet(one(positionals, 'ticket id'));
      return { json: ticket, text: ticketText(ticket) };
    }
    case 'reply': {
      const id = one(positionals, 'ticket id');
      const ticket = support.operatorReply(
        id,
        parseInput(OperatorReplyInput, defined({ body: flags.body, author: flags.author })),
      );
      return { json: ticket, text: ticketText(ticket) };
    }
    case 'close': {
      const id = one(positionals, 'ticket id');
      const ticket = support.close(
        id,
        parseInput(OperatorCloseInput, defined({ body: flags.body, author: flags.author })),
      );
      return { json: ticket, text: ticketText(ticket) };
    }
    default:
      throw new UsageError(`unknown ticket command "${command}"`);
  }
}

async function main(argv: string[]): Promise<number> {
  const line = parseCommandLine(argv, options, USAGE);
  if (typeof line === 'number') return line;
  const { flags, positionals } = line;
  const [group, command, ...rest] = positionals;
  if (flags.help || !group) {
    console.log(USAGE);
    return flags.help ? 0 : 2;
  }
  const marketplaceGroups = ['instructor', 'course', 'review', 'earnings'] as const;
  const groups = ['license', 'ticket', 'rewards', 'plan', 'subscription', ...marketplaceGroups];
  if (!groups.includes(group)) {
    console.error(`unknown group "${group}"\n\n${USAGE}`);
    return 2;
  }
  if (!command) {
    console.error(`missing ${group} command\n\n${USAGE}`);
    return 2;
  }

  return runCommand({
    usage: USAGE,
    json: flags.json,
    fieldLabel: (path) => flagOf[path.split('.')[1] ?? path] ?? path,
    command: (services) =>
      group === 'license'
        ? licenseCommand(services, command, rest, flags)
        : group === 'plan' || group === 'subscription'
          ? billingCommand(services, group, command, flags)
          : group === 'rewards'
            ? rewardsCommand(services, command, rest, flags)
            : (marketplaceGroups as readonly string[]).includes(group)
              ? marketplaceCommand(
                  services,
                  group as (typeof marketplaceGroups)[number],
                  command,
                  rest,
                  flags,
                )
              : ticketCommand(services, command, rest, flags),
  });
}

const argv = process.argv.slice(2);
// Payments, refunds, receipts and partner webhooks wait on Stripe or the network: run apart.
const run = paymentGroups.has(argv.find((a) => !a.startsWith('-')) ?? '')
  ? paymentsCli(argv, USAGE)
  : main(argv);
void run.then((code) => (process.exitCode = code));
