// Widget tests in real headless Chromium (the system browser), against a real API server.
// Run through `npm run test:widgets`, which loads tsx so this file can import the server.
import net from 'node:net';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { chromiumArgs, chromiumPath } from './scripts/chromium.mjs';
import { countingReporter } from './scripts/wtr-counting-reporter.mjs';
import { startWidgetApi } from './tests/widgets/api-fixture.ts';

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const port = await freePort();
let api;

/** Starts the API with the test page's origin allowed, and tells pages where it is. */
const widgetApiPlugin = {
  name: 'liberation-kit-widget-api',
  async serverStart() {
    api = await startWidgetApi(`http://127.0.0.1:${port}`);
  },
  async serverStop() {
    await api?.stop();
  },
  serve(context) {
    if (context.path === '/__lx/fixtures') {
      return { body: JSON.stringify(api.fixtures), type: 'application/json' };
    }
    return undefined;
  },
};

export default {
  files: ['widgets/**/*.test.ts'],
  hostname: '127.0.0.1',
  port,
  nodeResolve: { exportConditions: ['production'] },
  concurrency: 2,
  testFramework: { config: { timeout: 10000 } },
  plugins: [
    esbuildPlugin({ ts: true, tsconfig: 'tsconfig.json', target: 'es2022' }),
    widgetApiPlugin,
  ],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: { executablePath: chromiumPath(), headless: true, args: chromiumArgs },
    }),
  ],
  reporters: countingReporter(),
};
