/**
 * The operator CLI's money groups: `npm run admin -- payment|refund|receipt|webhook …`. They
 * run asynchronously (a refund waits for Stripe), so server/cli/admin.ts hands them here
 * whole. They open the same database and call the same services as the admin API.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { pino } from 'pino';
import Stripe from 'stripe';
import { applyMigrations, openDatabase } from '../../db/client.js';
import { EnvError, loadEnv } from '../../env.js';
import { ApiError } from '../../errors.js';
import { createLogger } from '../../logger.js';
import { createServices, type Services } from '../../services.js';
import {
  EMULATOR_SECRET_KEY,
  findRunningEmulator,
} from '../../../demo/stripe-emulator/discovery.js';
import { loadSecretBox } from '../licenses/secrets.js';
import { CommandUsageError, WEBHOOKS_USAGE, webhooksCommand } from '../webhooks/cli.js';
import { refundReasons, type PaymentDetail, type RefundReason } from './service.js';

export const PAYMENTS_USAGE = `  payment list --license <id> [--status succeeded|requires_payment_method|…] [--limit <n>]
  payment show <payment id> --license <id>     (with its receipt and refunds)
  refund create <payment id> --license <id> [--amount <minor units>] [--reason duplicate|fraudulent|requested_by_customer]
                [--key <idempotency key>]       (no amount: all that is left; repeat with the printed key to retry safely)
  receipt show <receipt id> --license <id> [--link]   (--link: a signed page link for the learner, valid 1 hour)
${WEBHOOKS_USAGE}`;

/** Groups this module runs. */
export const paymentGroups = new Set(['payment', 'refund', 'receipt', 'webhook']);

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

type Flags = ReturnType<
  typeof parseArgs<{ options: typeof options; allowPositionals: true }>
>['values'];

interface Output {
  json: unknown;
  text: string;
}

function need(value: string | undefined, flag: string): string {
  if (!value) {
    throw new ApiError('validation_failed', `${flag} is required.`, {
      errors: [{ path: `flags.${flag}`, message: 'Required' }],
    });
  }
  return value;
}

function license(services: Services, flags: Flags): string {
  const id = need(flags.license, '--license');
  if (!services.licenses.getById(id))
    throw new ApiError('not_found', `No license has the id ${id}.`);
  return id;
}

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new ApiError('validation_failed', `${flag} must be a positive whole number.`, {
      errors: [{ path: `flags.${flag}`, message: 'A positive integer' }],
    });
  }
  return Number(value);
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
): Promise<Output> {
  const id = (what: string) => need(positionals[0], what);
  switch (`${group} ${name}`) {
    case 'payment list': {
      const items = services.payments.list(license(services, flags), {
        status: flags.status,
        limit: positiveInt(flags.limit, '--limit') ?? 100,
      });
      return {
        json: { items },
        text: items.length ? items.map(paymentLine).join('\n') : 'No payments.',
      };
    }
    case 'payment show': {
      const p = services.payments.detail(license(services, flags), id('<payment id>'));
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
      const refund = await services.payments.refund(license(services, flags), id('<payment id>'), {
        amount: positiveInt(flags.amount, '--amount'),
        reason,
        idempotencyKey: key,
      });
      return {
        json: { ...refund, idempotencyKey: key },
        text: `Refunded ${refund.amount} ${refund.currency} (${refund.id}); idempotency key ${key}.`,
      };
    }
    case 'receipt show': {
      const licenseId = license(services, flags);
      const receipt = services.payments.receipts.ofLicense(licenseId, id('<receipt id>'));
      const link = flags.link
        ? services.payments.receipts.link({
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
    default:
      if (group === 'webhook') return webhooksCommand(services, name, positionals, flags);
      throw new CommandUsageError(`unknown ${group} command "${name}"`);
  }
}

/** Runs one `payment|refund|receipt|webhook` command line; resolves to the exit code. */
export async function paymentsCli(argv: string[], usage: string): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const { values: flags, positionals } = parsed;
  const [group = '', name, ...rest] = positionals;
  if (flags.help) {
    console.log(usage);
    return 0;
  }
  if (!name) {
    console.error(`missing ${group} command\n\n${usage}`);
    return 2;
  }
  let env;
  try {
    env = loadEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  const database = openDatabase(env.databaseFile);
  let services: Services | undefined;
  try {
    applyMigrations(database);
    // Without Stripe keys, the Stripe of a running `npm start` is its emulator: use that one.
    const emulator = env.stripeSecretKey ? null : findRunningEmulator(env.dataDir);
    services = createServices({
      config: env,
      database,
      logger: createLogger('warn', pino.destination(2)),
      secrets: loadSecretBox(env),
      ...(emulator ? { stripe: new Stripe(EMULATOR_SECRET_KEY, emulator) } : {}),
    });
    const output = await command(services, group, name, rest, flags);
    console.log(flags.json ? JSON.stringify(output.json, null, 2) : output.text);
    return 0;
  } catch (error) {
    if (error instanceof CommandUsageError) {
      console.error(`${error.message}\n\n${usage}`);
      return 2;
    }
    if (error instanceof ApiError) {
      if (flags.json) {
        console.log(
          JSON.stringify(
            {
              error: {
                code: error.code,
                detail: error.message,
                errors: error.errors,
                ...error.extensions,
              },
            },
            null,
            2,
          ),
        );
      } else {
        console.error(`error (${error.code}): ${error.message}`);
        for (const e of error.errors ?? [])
          console.error(`  ${e.path.replace(/^flags\./, '')}: ${e.message}`);
      }
      return 1;
    }
    throw error;
  } finally {
    services?.close();
    database.close();
  }
}
