// Every table the server owns, module by module. drizzle-kit reads this file to generate
// migrations; the application imports it to type queries.
export * from '../modules/licenses/schema.js';
