import type { RateLimitInfo } from 'hono-rate-limiter';
import type { Learner } from './modules/learners/service.js';
import type { License } from './modules/licenses/schema.js';
import type { Services } from './services.js';

/**
 * Hono environment shared by every route: what the app-wide middleware puts on the context.
 * What authentication adds is declared by the middleware that adds it (the envs below), so a
 * route that declares `requireLearner()` reads `c.var.learner` with no `!` and a route that
 * does not cannot read it at all.
 */
export interface AppEnv {
  Variables: {
    services: Services;
    requestId: string;
    /** The license, once a key has been validated; for logs, which run on every route. */
    license?: License;
    /** The client's address as far as it can be trusted (see `TRUSTED_PROXIES`). */
    clientAddress?: string;
    /** Set by the rate limiter. */
    rateLimit?: RateLimitInfo;
  };
}

/** A request admitted with the license's publishable (`pk`) or secret (`sk`) key. */
export interface LicensedEnv {
  Variables: AppEnv['Variables'] & {
    license: License;
    credential: 'pk' | 'sk';
    /** Present when a learner token was given and verified. */
    learner?: Learner;
  };
}

/** A request with the publishable key and a verified learner token. */
export interface LearnerEnv {
  Variables: LicensedEnv['Variables'] & { learner: Learner };
}
