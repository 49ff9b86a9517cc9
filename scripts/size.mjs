// Reports the gzip size of every built file and checks the budgets:
//   loader (kit.js, kit.classic.js) ≤ 3 KB; each widget with Lit and the base ≤ 12 KB;
//   every widget together, with Lit, ≤ 40 KB.
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = path.resolve('dist');
const KB = 1024;
const budgets = { loader: 3 * KB, widget: 12 * KB, all: 40 * KB };

if (!fs.existsSync(path.join(dist, 'kit.js'))) {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(1);
}

const files = [];
(function walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full);
    else if (entry.name.endsWith('.js')) files.push(path.relative(dist, full));
  }
})(dist);

const gz = new Map(
  files.map((f) => [f, gzipSync(fs.readFileSync(path.join(dist, f)), { level: 9 }).length]),
);
const raw = new Map(files.map((f) => [f, fs.statSync(path.join(dist, f)).size]));

/** A file plus everything it imports statically (what a browser fetches before it runs). */
function closure(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const source = fs.readFileSync(path.join(dist, file), 'utf8');
  for (const match of source.matchAll(
    /(?:import|export)\s*(?:[\w*{}\s,$]*from\s*)?["'](\.\.?\/[^"']+)["']/g,
  )) {
    closure(path.posix.normalize(path.posix.join(path.posix.dirname(file), match[1])), seen);
  }
  return seen;
}

const fmt = (n) => `${(n / KB).toFixed(2)} KB`;
const rows = [];
let failed = false;
const check = (label, size, budget) => {
  const ok = size <= budget;
  if (!ok) failed = true;
  rows.push([label, fmt(size), fmt(budget), ok ? 'ok' : 'OVER']);
};

console.log('\nEvery built file (gzip -9):');
for (const f of [...files].sort())
  console.log(
    `  ${f.padEnd(40)} ${fmt(raw.get(f)).padStart(10)} raw ${fmt(gz.get(f)).padStart(10)} gzip`,
  );

for (const loader of ['kit.js', 'kit.classic.js'])
  check(`loader ${loader}`, gz.get(loader) ?? Infinity, budgets.loader);
const widgets = files.filter((f) => /^lx-[\w-]+\.js$/.test(f));
const everything = new Set();
for (const widget of widgets) {
  const deps = closure(widget);
  for (const d of deps) everything.add(d);
  check(
    `${widget} + Lit + base`,
    [...deps].reduce((sum, f) => sum + gz.get(f), 0),
    budgets.widget,
  );
}
check(
  `all ${widgets.length} widget(s) + Lit`,
  [...everything].reduce((sum, f) => sum + gz.get(f), 0),
  budgets.all,
);

console.log('\nBudgets:');
console.log(`  ${'what'.padEnd(44)} ${'gzip'.padStart(10)} ${'budget'.padStart(10)}  result`);
for (const [label, size, budget, result] of rows) {
  console.log(`  ${label.padEnd(44)} ${size.padStart(10)} ${budget.padStart(10)}  ${result}`);
}
console.log('');
process.exit(failed ? 1 : 0);
