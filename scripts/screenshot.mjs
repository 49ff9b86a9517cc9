// Takes a full-page screenshot of a URL with the system Chromium:
//   node scripts/screenshot.mjs <url> <out.png> [width] [colorScheme]
import { chromium } from 'playwright-core';
import { chromiumPath, chromiumArgs } from './chromium.mjs';

const [url, out, width = '1280', colorScheme = 'light'] = process.argv.slice(2);
if (!url || !out) {
  console.error('usage: node scripts/screenshot.mjs <url> <out.png> [width] [light|dark]');
  process.exit(2);
}
const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
try {
  const page = await browser.newPage({
    viewport: { width: Number(width), height: 900 },
    colorScheme,
  });
  page.on('console', (msg) => console.log(`[page ${msg.type()}] ${msg.text()}`));
  await page.goto(url, { waitUntil: 'networkidle' });
  await page.screenshot({ path: out, fullPage: true });
  console.log(`saved ${out}`);
} finally {
  await browser.close();
}
