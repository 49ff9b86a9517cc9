import type { Context, Next } from 'hono';
import { usageWarningHeader, type UsageWarning } from '../modules/usage/meter.js';
import type { AppEnv, LicensedEnv } from '../types.js';
import { servicesOf } from '../context.js';

export const USAGE_WARNING_HEADER = 'Liberation-Usage-Warning';

export function setUsageWarnings<E extends AppEnv>(
  c: Context<E>,
  warnings: readonly UsageWarning[],
): void {
  const header = usageWarningHeader(warnings);
  if (header) c.header(USAGE_WARNING_HEADER, header);
}

/**
 * How a request meets a used-up monthly request allowance: `enforce` refuses it; `observe`
 * answers it (uncounted, since a hard limit never overshoots) and leaves the verdict to the
 * handler: the validate endpoint says "over limit" in its answer, the usage report shows why.
 */
export type AdmissionMode = 'enforce' | 'observe';

/**
 * Admits a request for the license on the context: the rate limit per key and client
 * first, then the monthly request allowance. The usage warning header is written again after
 * the handler, so an allowance the handler used (a course published) shows in its answer.
 */
export async function admit<E extends LicensedEnv>(
  c: Context<E>,
  next: Next,
  mode: AdmissionMode = 'enforce',
): Promise<void> {
  const services = servicesOf(c);
  await services.rateLimits.check(c, async () => {
    const license = c.get('license');
    const { refusal, warnings } = services.usage.admitRequest(license);
    setUsageWarnings(c, warnings);
    if (refusal && mode === 'enforce') throw refusal;
    await next();
    setUsageWarnings(c, services.usage.warnings(license));
  });
}

/** The credential in `Authorization: Bearer …`, if any. */
export function bearer<E extends AppEnv>(c: Context<E>): string | undefined {
  const header = c.req.header('authorization');
  if (!header) return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match ? match[1] : undefined;
}
