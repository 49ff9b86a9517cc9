import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../types.js';

/** One structured line per request: method, path, status, duration, request id, license. */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  try {
    await next();
  } finally {
    c.get('services').logger.info(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        requestId: c.get('requestId'),
        licenseId: c.get('license')?.id,
      },
      'request',
    );
  }
});
