import type { Logger } from 'pino';
import type { Database_, Db } from './db/client.js';
import type { Env } from './env.js';
import { LicenseService } from './modules/licenses/service.js';
import { EmbedConfigService } from './modules/embed/service.js';

/** The only source of "now" on the server; tests hand in a fixed or steppable clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The slice of configuration request handling needs. */
export type AppConfig = Pick<Env, 'bodyLimitBytes' | 'licenseCacheTtlMs' | 'stripePublishableKey'>;

/**
 * Everything a request handler may use, built once per process and read from the Hono
 * context with `c.get('services')`. Nothing in a module reaches for a global instead.
 */
export interface Services {
  config: AppConfig;
  database: Database_;
  db: Db;
  clock: Clock;
  logger: Logger;
  licenses: LicenseService;
  embed: EmbedConfigService;
}

export function createServices(options: {
  config: AppConfig;
  database: Database_;
  logger: Logger;
  clock?: Clock;
}): Services {
  const clock = options.clock ?? systemClock;
  const { db } = options.database;
  const licenses = new LicenseService(db, clock, options.config.licenseCacheTtlMs);
  return {
    config: options.config,
    database: options.database,
    db,
    clock,
    logger: options.logger,
    licenses,
    embed: new EmbedConfigService(options.config),
  };
}
