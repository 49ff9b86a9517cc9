import { OpenAPIHono } from '@hono/zod-openapi';
import type { ZodError } from 'zod';
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
