import { pino, type DestinationStream, type Logger } from 'pino';
import type { Env } from './env.js';

/** Structured JSON logs, one object per line. */
export function createLogger(level: Env['logLevel'], destination?: DestinationStream): Logger {
  return pino(
    { level, base: { service: 'liberation-kit' }, timestamp: pino.stdTimeFunctions.isoTime },
    destination,
  );
}
