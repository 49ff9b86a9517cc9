/** The `aud` every learner token must carry: tokens minted for other services are refused. */
export const LEARNER_TOKEN_AUDIENCE = 'liberation-kit';

/** Longest lifetime (`exp` − `iat`, or `exp` − now) a learner token may have. */
export const MAX_TOKEN_LIFETIME_SECONDS = 24 * 3600;

/** Tolerated clock difference between the customer's backend and this server. */
export const CLOCK_TOLERANCE_SECONDS = 30;
