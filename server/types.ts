import type { RateLimitInfo } from 'hono-rate-limiter';
import type { Learner } from './modules/learners/service.js';
import type { License } from './modules/licenses/schema.js';
import type { Services } from './services.js';

/** Hono environment shared by every route: what middleware puts on the context. */
export interface AppEnv {
  Variables: {
    services: Services;
    requestId: string;
    /** Set once the request's publishable or secret key has been validated. */
    license?: License;
    /** Which kind of key authenticated the request. */
    credential?: 'pk' | 'sk';
    /** Set by `requireLearner()` once the learner token has been verified. */
    learner?: Learner;
    /** The client's address as far as it can be trusted (see `TRUSTED_PROXIES`). */
    clientAddress?: string;
    /** Set by the rate limiter. */
    rateLimit?: RateLimitInfo;
  };
}
