// Makes sure a Chromium for the widget tests exists. Installs Debian's `chromium` when this
// process may (root with apt-get); otherwise says exactly what to run. Installs nothing else.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { chromiumPath } from './chromium.mjs';

const found = chromiumPath();
if (found && fs.existsSync(found)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = fs.existsSync('/usr/bin/apt-get');
if (!isRoot || !hasApt) {
  console.error(
    'Chromium is needed for the widget tests and was not found.\n' +
      (hasApt
        ? '  Run: sudo apt-get update && sudo apt-get install -y chromium\n'
        : '  Install Chromium with your package manager, then ') +
      '  or point CHROMIUM_PATH at an existing Chromium or Chrome binary.',
  );
  process.exit(1);
}
console.log('Chromium not found: installing Debian package "chromium" …');
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
  stdio: 'inherit',
  env,
});
if (!chromiumPath()) {
  console.error('apt-get finished but no Chromium binary was found; set CHROMIUM_PATH.');
  process.exit(1);
}
