import { createMiddleware } from 'hono/factory';
import { ApiError } from '../errors.js';
import type { AppEnv } from '../types.js';

/** Deeper JSON than any request schema of the API accepts; refused before any recursive work. */
export const MAX_JSON_DEPTH = 32;

/**
 * The deepest nesting of arrays and objects in a JSON text, counted without parsing (strings
 * are skipped, escapes honoured), and stopping as soon as `limit` is passed.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c /* \ */) i++;
      else if (ch === 0x22 /* " */) inString = false;
    } else if (ch === 0x22) {
      inString = true;
    } else if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) {
      if (++depth > limit) return true;
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) {
      depth--;
    }
  }
  return false;
}

const isJson = (type: string | undefined) =>
  type !== undefined && /^application\/(?:[\w.+-]+\+)?json\b/i.test(type);

/**
 * Refuses JSON bodies nested deeper than {@link MAX_JSON_DEPTH} with 400 before validation
 * (which walks the value recursively) can overflow the stack. Hono keeps the text it read,
 * so the route's validator does not read the body a second time.
 */
export const limitJsonDepth = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || !isJson(c.req.header('content-type'))) {
    return next();
  }
  const text = await c.req.text();
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
    throw new ApiError(
      'bad_request',
      `JSON bodies may nest arrays and objects at most ${MAX_JSON_DEPTH} levels deep.`,
    );
  }
  return next();
});
