import fs from 'node:fs';

/** Flags for headless Chromium on a machine without network access or a GPU. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Chromium binary to drive: CHROMIUM_PATH, else the first system browser found. */
export function chromiumPath() {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) return configured;
  return candidates.find((p) => fs.existsSync(p));
}
