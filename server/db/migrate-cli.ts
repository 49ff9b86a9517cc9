/**
 * `npm run migrate`: applies the committed migrations to the configured SQLite file
 * (DATA_DIR / DATABASE_FILE) and exits, so a deployment can migrate once before it starts its
 * processes. The server migrates at start as well; both apply each migration once, inside a
 * transaction, and SQLite lets one writer in at a time.
 */
import { readEnvOrExit } from '../start.js';
import { appliedMigrationCount, applyMigrations, openDatabase } from './client.js';

const env = readEnvOrExit();
const database = openDatabase(env.databaseFile);
try {
  const before = appliedMigrationCount(database);
  applyMigrations(database);
  const after = appliedMigrationCount(database);
  console.log(
    `${env.databaseFile}: ${after - before} migration(s) applied, ${after} in all, up to date.`,
  );
} finally {
  database.close();
}
