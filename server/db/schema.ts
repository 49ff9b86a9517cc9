// Every table the server owns, module by module. drizzle-kit reads this file to generate
// migrations; the application imports it to type queries.
export * from '../modules/licenses/schema.js';
export * from '../modules/learners/schema.js';
export * from '../modules/usage/schema.js';
export * from '../modules/outbox/schema.js';
export * from '../modules/support/schema.js';
export * from '../modules/rewards/schema.js';
export * from '../modules/themes/schema.js';
export * from '../modules/payments/schema.js';
export * from '../modules/marketplace/schema.js';
export * from '../modules/billing/schema.js';
export * from '../modules/webhooks/schema.js';
