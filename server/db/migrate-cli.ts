/**
 * `npm run migrate`: applies the committed migrations to the configured store (PostgreSQL
 * with DATABASE_URL, else the SQLite file in DATA_DIR / DATABASE_FILE) and exits, so a
 * deployment can migrate once before it starts its processes. The server migrates at start
 * as well. Runs take a lock (an advisory lock on PostgreSQL, the write lock on SQLite), so
 * several at once are safe: one applies, the others find nothing left to do.
 */
import { readEnvOrExit } from '../start.js';
import { openStore } from './store.js';

const env = readEnvOrExit();
let store;
try {
  store = await openStore({ url: env.databaseUrl, file: env.databaseFile });
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
try {
  const before = await store.appliedMigrations();
  await store.migrate();
  const after = await store.appliedMigrations();
  console.log(
    `${store.location}: ${after - before} migration(s) applied, ${after} in all, up to date.`,
  );
} finally {
  await store.close();
}
