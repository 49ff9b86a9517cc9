/**
 * The operator CLI's money groups: `npm run admin -- payment|refund|receipt|stripe|webhook …`.
 * They run asynchronously (a refund waits for Stripe), so server/cli/admin.ts hands them here
 * whole. They open the same database and call the same services as the admin API.
 */
import { randomUUID } from 'node:crypto';
import type { ParseArgsConfig } from 'node:util';
import Stripe from 'stripe';
import { licenseFlag, required, UsageError, type CommandOutput } from '../../cli/command.js';
import { parseCommandLine, runCommand, type CommandLine } from '../../cli/run.js';
import { ApiError } from '../../errors.js';
import { findNotedStripeEndpoint, TEST_ENDPOINT_KEY } from '../../lib/stripe-endpoint.js';
import type { Services } from '../../services.js';
import { WEBHOOKS_USAGE, webhooksCommand } from '../webhooks/cli.js';
import { refundReasons, type PaymentDetail, type RefundReason } from './contract.js';

export const PAYMENTS_USAGE = `  payment list --license <id> [--status succeeded|requires_payment_method|…] [--limit <n>]
  payment show <payment id> --license <id>     (with its receipt and refunds)
  refund create <payment id> --license <id> [--amount <minor units>] [--reason duplicate|fraudulent|requested_by_customer]
                [--key <idempotency key>]       (no amount: all that is left; repeat with the printed key to retry safely)
  receipt show <receipt id> --license <id> [--link]   (--link: a signed page link for the learner, valid 1 hour)
  stripe reconcile --since <ISO time>          (applies the Stripe events of the last 30 days no webhook brought, once)
${WEBHOOKS_USAGE}`;

/** Groups this module runs. */
export const paymentGroups = new Set(['payment', 'refund', 'receipt', 'stripe', 'webhook']);

const options = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  license: { type: 'string' },
  status: { type: 'string' },
  limit: { type: 'string' },
  amount: { type: 'string' },
  reason: { type: 'string' },
  key: { type: 'string' },
  link: { type: 'boolean' },
  url: { type: 'string' },
  event: { type: 'string', multiple: true },
  description: { type: 'string' },
  since: { type: 'string' },
} satisfies ParseArgsConfig['options'];

type Flags = CommandLine<typeof options>['flags'];

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new ApiError('validation_failed', `${flag} must be a positive whole number.`, {
      errors: [{ path: `flags.${flag}`, message: 'A positive integer' }],
    });
  }
  return Number(value);
}

/** A time given as ISO 8601 (`2026-03-01`, `2026-03-01T12:00:00Z`). */
function isoFlag(value: string, flag: string): Date {
  const date = /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) {
    throw new ApiError('validation_failed', `${flag} must be an ISO 8601 time.`, {
      errors: [
        { path: `flags.${flag}`, message: 'An ISO 8601 time, such as 2026-03-01T00:00:00Z' },
      ],
    });
  }
  return date;
}

const paymentLine = (p: PaymentDetail) =>
  `${p.paymentId}  ${p.status.padEnd(10)}  ${String(p.amount).padStart(8)} ${p.currency}` +
  (p.amountRefunded ? `  refunded ${p.amountRefunded}` : '') +
  `  ${p.kind}:${p.item}  learner ${p.learnerId}` +
  (p.receiptNumber !== null ? `  receipt ${p.receiptNumber}` : '') +
  `  ${p.createdAt}`;

async function command(
  services: Services,
  group: string,
  name: string,
  positionals: string[],
  flags: Flags,
): Promise<CommandOutput> {
  const id = (what: string) => required(positionals[0], what);
  switch (`${group} ${name}`) {
    case 'payment list': {
      const items = await services.payments.list(await licenseFlag(services, flags.license), {
        status: flags.status,
        limit: positiveInt(flags.limit, '--limit') ?? 100,
      });
      return {
        json: { items },
        text: items.length ? items.map(paymentLine).join('\n') : 'No payments.',
      };
    }
    case 'payment show': {
      const p = await services.payments.detail(
        await licenseFlag(services, flags.license),
        id('<payment id>'),
      );
      const refunds = p.refunds.map(
        (r) =>
          `  refund ${r.id}  ${r.amount} ${r.currency}  ${r.source}  ${r.reason ?? ''}  ${r.createdAt}`,
      );
      return { json: p, text: [paymentLine(p), ...refunds].join('\n') };
    }
    case 'refund create': {
      const reason = flags.reason as RefundReason | undefined;
      if (reason !== undefined && !refundReasons.includes(reason)) {
        throw new ApiError('validation_failed', `Unknown reason "${reason}".`, {
          errors: [{ path: 'flags.--reason', message: refundReasons.join(', ') }],
        });
      }
      const key = flags.key ?? `cli_${randomUUID()}`;
      const refund = await services.payments.refund(
        await licenseFlag(services, flags.license),
        id('<payment id>'),
        {
          amount: positiveInt(flags.amount, '--amount'),
          reason,
          idempotencyKey: key,
        },
      );
      return {
        json: { ...refund, idempotencyKey: key },
        text: `Refunded ${refund.amount} ${refund.currency} (${refund.id}); idempotency key ${key}.`,
      };
    }
    case 'receipt show': {
      const licenseId = await licenseFlag(services, flags.license);
      const receipt = await services.payments.receipts.ofLicense(licenseId, id('<receipt id>'));
      const link = flags.link
        ? await services.payments.receipts.link({
            id: receipt.id,
            licenseId,
            learnerId: receipt.learner.id,
          })
        : undefined;
      return {
        json: { ...receipt, ...(link ? { link } : {}) },
        text:
          `Receipt ${receipt.number} (${receipt.id})  ${receipt.amount} ${receipt.currency}  ${receipt.description}` +
          `\n  paid ${receipt.paidAt} by ${receipt.learner.name} (${receipt.learner.subject})` +
          (receipt.amountRefunded ? `\n  refunded ${receipt.amountRefunded}` : '') +
          (link ? `\n  ${link}` : ''),
      };
    }
    case 'stripe reconcile': {
      const since = isoFlag(required(flags.since, '--since'), '--since');
      const report = await services.payments.reconcile({ since });
      const failed = report.failed.map((f) => `  failed ${f.eventId} ${f.type}: ${f.error}`);
      return {
        json: report,
        text: [
          `Stripe events from ${report.since} to ${report.until}: listed ${report.listed}, ` +
            `applied ${report.applied}, already applied ${report.alreadyApplied}` +
            (failed.length ? `, failed ${failed.length}` : '') +
            '.',
          ...failed,
        ].join('\n'),
      };
    }
    default:
      if (group === 'webhook') return webhooksCommand(services, name, positionals, flags);
      throw new UsageError(`unknown ${group} command "${name}"`);
  }
}

/** Runs one `payment|refund|receipt|webhook` command line; resolves to the exit code. */
export async function paymentsCli(argv: string[], usage: string): Promise<number> {
  const line = parseCommandLine(argv, options, usage);
  if (typeof line === 'number') return line;
  const { flags, positionals } = line;
  const [group = '', name, ...rest] = positionals;
  if (flags.help) {
    console.log(usage);
    return 0;
  }
  if (!name) {
    console.error(`missing ${group} command\n\n${usage}`);
    return 2;
  }
  return runCommand({
    usage,
    json: flags.json,
    fieldLabel: (path) => path.replace(/^flags\./, ''),
    errorExtensions: true,
    // With keys, the environment's Stripe (at STRIPE_API_URL when set). Without them, the
    // endpoint a running `npm start` noted for its emulator, so refunds reach the same Stripe.
    stripe: (env) => {
      const noted = env.stripeSecretKey ? null : findNotedStripeEndpoint(env.dataDir);
      return noted ? new Stripe(TEST_ENDPOINT_KEY, noted) : undefined;
    },
    command: (services) => command(services, group, name, rest, flags),
  });
}
