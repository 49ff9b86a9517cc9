import { SharedStateUnavailableError } from '../lib/redis.js';
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
 * Whether the request carries the publishable key without an Origin header: not from a page
 * (browsers always send Origin on the API's cross-origin requests; a foreign one is refused
 * before this), so a script, anyone's, since the key is public.
 */
export function isOriginless<E extends LicensedEnv>(c: Context<E>): boolean {
  return c.get('credential') === 'pk' && c.req.header('origin') === undefined;
}

/**
 * Admits a request for the license on the context: the rate limit first, then the monthly
 * request allowance. A publishable-key request without an Origin is limited per client address
 * (`ORIGINLESS_REQUESTS_PER_MINUTE`) and not counted against the license's monthly allowance,
 * so a copied key cannot drain it; it is still refused once the license has used that up.
 * The usage warning header is written again after the handler, so an allowance the handler
 * used (a course published) shows in its answer.
 */
export async function admit<E extends LicensedEnv>(
  c: Context<E>,
  next: Next,
  mode: AdmissionMode = 'enforce',
): Promise<void> {
  const services = servicesOf(c);
  const originless = isOriginless(c);
  await services.rateLimits.check(
    c,
    async () => {
      const license = c.get('license');
      const { refusal, warnings } = await services.usage
        .admitRequest(license, { count: !originless })
        .catch((error: unknown) => {
          // Redis did not answer: reads go on uncounted (logged); writes are refused (503).
          if (!(error instanceof SharedStateUnavailableError)) throw error;
          if (c.req.method !== 'GET' && c.req.method !== 'HEAD') throw error;
          services.logger.warn({ err: error }, 'usage not counted: Redis unavailable');
          return { refusal: undefined, warnings: [] };
        });
      setUsageWarnings(c, warnings);
      if (refusal && mode === 'enforce') throw refusal;
      await next();
      setUsageWarnings(c, await services.usage.warnings(license));
    },
    originless ? 'originless' : 'key',
  );
}

/** The credential in `Authorization: Bearer …`, if any. */
export function bearer<E extends AppEnv>(c: Context<E>): string | undefined {
  const header = c.req.header('authorization');
  if (!header) return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match ? match[1] : undefined;
}
