import type { z } from '@hono/zod-openapi';

/** A required JSON request body of `schema`, for a route's `request`. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});
