/**
 * The production entry (`npm run serve`): one API process. It migrates, serves the API and the
 * built kit, runs the partner-webhook worker and drains on Ctrl-C or SIGTERM. It knows nothing
 * of the demo: `npm start` runs demo/main.ts, which adds the emulator, the portal and the seed.
 */
import { loadEnv, requireStripeInProduction } from './env.js';
import { createLogger } from './logger.js';
import { exitOnSignals, readEnvOrExit, startServer } from './start.js';

const env = readEnvOrExit(() => requireStripeInProduction(loadEnv()));
const logger = createLogger(env.logLevel);
const server = await startServer({ env, logger });
exitOnSignals(logger, () => server.stop());
