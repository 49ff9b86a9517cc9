import type { License } from './modules/licenses/schema.js';
import type { Services } from './services.js';

/** Hono environment shared by every route: what middleware puts on the context. */
export interface AppEnv {
  Variables: {
    services: Services;
    requestId: string;
    /** Set once the request's publishable key has been validated. */
    license?: License;
  };
}
