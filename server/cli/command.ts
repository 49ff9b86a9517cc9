import { ApiError } from '../errors.js';
import type { Services } from '../services.js';

/** What an operator CLI command prints: `json` with --json, `text` otherwise. */
export interface CommandOutput {
  json: unknown;
  text: string;
}

/** A command line that names no known command: the usage is printed, exit code 2. */
export class UsageError extends Error {}

/** The value of a required flag or argument; without it, `validation_failed` naming `flag`. */
export function required(value: string | undefined, flag: string): string {
  if (!value) {
    throw new ApiError('validation_failed', `${flag} is required.`, {
      errors: [{ path: `flags.${flag}`, message: 'Required' }],
    });
  }
  return value;
}

/** The license `--license` names, which must exist. */
export async function licenseFlag(services: Services, value: string | undefined): Promise<string> {
  const id = required(value, '--license');
  if (!(await services.licenses.getById(id)))
    throw new ApiError('not_found', `No license has the id ${id}.`);
  return id;
}

/** The given fields only, so a schema's defaults apply to the flags left out. */
export function defined(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}

/** The one positional argument a command takes, named `what` in the usage error. */
export function onlyArgument(positionals: string[], what: string): string {
  const [id, extra] = positionals;
  if (!id) throw new UsageError(`missing <${what}>`);
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  return id;
}
