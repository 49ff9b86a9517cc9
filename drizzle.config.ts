import { defineConfig } from 'drizzle-kit';
import { dialectFromEnv } from './server/db/kit.js';

// One schema description, two dialects: `npm run db:generate` runs drizzle-kit once per
// dialect (LX_DB_DIALECT picks which tables server/db/kit.ts builds) and writes each one's
// migrations to its own folder.
const dialect = dialectFromEnv();

export default defineConfig({
  dialect: dialect === 'postgres' ? 'postgresql' : 'sqlite',
  schema: './server/db/schema.ts',
  out: `./server/db/migrations/${dialect}`,
  casing: 'snake_case',
});
