import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { output, ZodError, ZodType } from 'zod';
import { ApiError, type FieldError } from './errors.js';
import type { AppEnv } from './types.js';

const targetNames: Record<string, string> = {
  json: 'body',
  form: 'body',
  query: 'query',
  param: 'path',
  header: 'header',
  cookie: 'cookie',
};

export function fieldErrors(target: string, error: ZodError): FieldError[] {
  const root = targetNames[target] ?? target;
  return error.issues.map((issue) => ({
    path: [root, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

/**
 * A module's sub-app. Request validation failures become one `validation_failed` problem
 * listing every offending field, before the handler runs.
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const errors = fieldErrors(result.target, result.error);
        throw new ApiError('validation_failed', `${errors.length} field(s) failed validation.`, {
          errors,
        });
      }
    },
  });
}

/**
 * Validates input that did not arrive through a route (the operator CLI) exactly as a route
 * would, throwing the same `validation_failed` problem.
 */
export function parseInput<T extends ZodType>(
  schema: T,
  value: unknown,
  target = 'json',
): output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = fieldErrors(target, result.error);
  throw new ApiError('validation_failed', `${errors.length} field(s) failed validation.`, {
    errors,
  });
}

/**
 * A route's middleware as a mutable tuple, so `createRoute` infers the variables each one
 * declares (a route behind `requireLearner()` reads `c.var.learner` with no `!`) even when the
 * route shares its settings through an object: `middleware: chain(requireLearner())`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any env: each handler keeps its own
export const chain = <T extends MiddlewareHandler<any>[]>(...handlers: T): T => handlers;
