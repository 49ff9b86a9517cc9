import { defined, onlyArgument, UsageError, type CommandOutput } from '../../cli/command.js';
import { parseInput } from '../../router.js';
import type { Services } from '../../services.js';
import {
  LicenseCreateInput,
  LicenseListQuery,
  LicenseUpdateInput,
  RotateInput,
  StatusChangeInput,
  type AdminLicense,
} from './contract.js';

export const LICENSES_USAGE = `  license create --name <name> --plan <free|pro|enterprise|custom> [--origin <origin>]...
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
`;

export interface LicenseFlags {
  name?: string | undefined;
  plan?: string | undefined;
  mode?: string | undefined;
  origin?: string[] | undefined;
  'add-origin'?: string[] | undefined;
  'remove-origin'?: string[] | undefined;
  feature?: string[] | undefined;
  'add-feature'?: string[] | undefined;
  'remove-feature'?: string[] | undefined;
  limit?: string[] | undefined;
  enforce?: string[] | undefined;
  'rate-limit'?: string | undefined;
  expires?: string | undefined;
  locale?: string | undefined;
  currency?: string | undefined;
  'jwks-url'?: string | undefined;
  alg?: string[] | undefined;
  'signing-secret'?: boolean | undefined;
  status?: string | undefined;
  reason?: string | undefined;
  key?: string | undefined;
  overlap?: string | undefined;
}

/** Which flag a field of the license input comes from, so messages speak the CLI's language. */
export const licenseFlagOf: Record<string, string> = {
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

function learnerTokens(flags: LicenseFlags): unknown {
  if (flags['jwks-url'] !== undefined || flags.alg !== undefined) {
    return { kind: 'jwks', jwksUrl: flags['jwks-url'], algorithms: flags.alg };
  }
  return flags['signing-secret'] ? { kind: 'secret' } : undefined;
}

const fmt = (n: number | null) => (n === null ? 'unlimited' : n.toLocaleString('en-US'));

function licenseText(view: AdminLicense): string {
  const { usage } = view;
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
    `  limits (${usage.period.month}, resets ${usage.period.resetsAt})`,
  ];
  for (const [metric, rule] of Object.entries(view.limits)) {
    const used = usage.metrics.find((m) => m.metric === metric);
    const share = used?.percent !== null && used?.percent !== undefined ? ` ${used.percent}%` : '';
    lines.push(
      `    ${metric.padEnd(16)}${used ? `${fmt(used.used)} / ` : ''}${fmt(rule.max)} ${rule.enforcement}${share}${
        rule.source === 'license' ? ' (override)' : ''
      }`,
    );
  }
  return lines.join('\n');
}

/** `npm run admin -- license …`: the same service calls as the admin API. */
export async function licenseCommand(
  services: Services,
  command: string,
  positionals: string[],
  flags: LicenseFlags,
): Promise<CommandOutput> {
  const admin = services.licenseAdmin;
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
      const created = await admin.create(input);
      return {
        json: created,
        text: [
          licenseText(created.license),
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
      const views = await admin.list(query);
      return {
        json: { licenses: views },
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
      const view = await admin.view(onlyArgument(positionals, 'license id'));
      return { json: view, text: licenseText(view) };
    }
    case 'update': {
      const id = onlyArgument(positionals, 'license id');
      const current = await admin.view(id);
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
      const result = await admin.update(id, patch);
      return {
        json: result,
        text:
          licenseText(result.license) +
          (result.signingSecret
            ? `\n\nNew signing secret (shown once): ${result.signingSecret}`
            : ''),
      };
    }
    case 'suspend':
    case 'resume':
    case 'revoke': {
      const id = onlyArgument(positionals, 'license id');
      const input = parseInput(StatusChangeInput, defined({ reason: flags.reason }));
      const view = await (command === 'suspend'
        ? admin.suspend(id, input)
        : command === 'resume'
          ? admin.resume(id)
          : admin.revoke(id, input));
      return { json: view, text: licenseText(view) };
    }
    case 'rotate': {
      const id = onlyArgument(positionals, 'license id');
      const key = { secret: 'secret_key', signing: 'signing_secret' }[flags.key ?? ''] ?? flags.key;
      const input = parseInput(
        RotateInput,
        defined({
          key,
          overlapSeconds: flags.overlap === undefined ? undefined : duration(flags.overlap),
        }),
      );
      const result = await admin.rotate(id, input);
      const secret = result.secretKey ?? result.signingSecret;
      return {
        json: result,
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
