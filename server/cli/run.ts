import { parseArgs, type ParseArgsConfig } from 'node:util';
import { pino } from 'pino';
import type Stripe from 'stripe';
import { applyMigrations, openDatabase } from '../db/client.js';
import { EnvError, loadEnv, type Env } from '../env.js';
import { ApiError } from '../errors.js';
import { createLogger } from '../logger.js';
import { loadSecretBox } from '../modules/licenses/secrets.js';
import { createServices, type Services } from '../services.js';
import { UsageError, type CommandOutput } from './command.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandLine<O extends Options> {
  flags: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>['values'];
  positionals: string[];
}

/**
 * `argv` read strictly against `options`; an unknown or malformed flag prints its message and
 * the usage and gives exit code 2 instead.
 */
export function parseCommandLine<O extends Options>(
  argv: string[],
  options: O,
  usage: string,
): CommandLine<O> | number {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options,
      allowPositionals: true,
      strict: true,
    });
    return { flags: values, positionals };
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
}

export interface RunOptions {
  usage: string;
  /** `--json`: print the result, or the error, as JSON on stdout. */
  json: boolean | undefined;
  /** How a field error's path is named in text output. */
  fieldLabel: (path: string) => string;
  /** Whether an error's extensions join its JSON output. */
  errorExtensions?: boolean;
  /** A Stripe client other than the one the environment's keys describe. */
  stripe?: (env: Env) => Stripe | undefined;
  command: (services: Services) => CommandOutput | Promise<CommandOutput>;
}

/**
 * Runs one command on the database the server uses (DATA_DIR / DATABASE_FILE, migrated first)
 * with the same services as the admin API, and prints what it returns. Resolves to the exit
 * code: 0 done, 1 refused (an API error, or an environment that does not load), 2 a usage error.
 */
export async function runCommand(options: RunOptions): Promise<number> {
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
    const stripe = options.stripe?.(env);
    services = createServices({
      config: env,
      database,
      // Logs go to stderr so that stdout stays parseable with --json.
      logger: createLogger('warn', pino.destination(2)),
      secrets: loadSecretBox(env),
      ...(stripe ? { stripe } : {}),
    });
    const output = await options.command(services);
    console.log(options.json ? JSON.stringify(output.json, null, 2) : output.text);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${options.usage}`);
      return 2;
    }
    if (error instanceof ApiError) {
      printApiError(error, options);
      return 1;
    }
    throw error;
  } finally {
    await services?.close();
    database.close();
  }
}

function printApiError(error: ApiError, options: RunOptions): void {
  if (options.json) {
    const problem = { code: error.code, detail: error.message, errors: error.errors };
    const body = options.errorExtensions ? { ...problem, ...error.extensions } : problem;
    console.log(JSON.stringify({ error: body }, null, 2));
    return;
  }
  console.error(`error (${error.code}): ${error.message}`);
  for (const e of error.errors ?? [])
    console.error(`  ${options.fieldLabel(e.path)}: ${e.message}`);
}
