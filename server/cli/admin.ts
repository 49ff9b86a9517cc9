/**
 * The operator CLI: `npm run admin -- <license|ticket|rewards> <command> [options]`.
 *
 * It opens the same database as the server (DATA_DIR / DATABASE_FILE) and calls the same
 * services as the admin API, so both accept, refuse and record exactly the same. A running
 * server sees changes made here once its license cache expires (LICENSE_CACHE_TTL_MS).
 */
import type { ParseArgsConfig } from 'node:util';
import { billingCommand, BILLING_USAGE } from '../modules/billing/cli.js';
import { licenseCommand, licenseFlagOf, LICENSES_USAGE } from '../modules/licenses/cli.js';
import { marketplaceCommand, MARKETPLACE_USAGE } from '../modules/marketplace/cli.js';
import { paymentGroups, paymentsCli, PAYMENTS_USAGE } from '../modules/payments/cli.js';
import { rewardsCommand, REWARDS_USAGE } from '../modules/rewards/cli.js';
import { parseCommandLine, runCommand } from './run.js';
import { ticketCommand, TICKETS_USAGE } from '../modules/support/cli.js';

const USAGE = `Usage: npm run admin -- <group> <command> [options]   (add --json for machine-readable output)

${LICENSES_USAGE}
${TICKETS_USAGE}
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

/** Which flag a validation error's path came from, so messages speak the CLI's language. */
const flagOf: Record<string, string> = {
  ...licenseFlagOf,
  body: '--body',
  author: '--author',
};

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
