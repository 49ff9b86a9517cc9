import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(c|m)?(t|j)sx?$/.test(entry.name) ? [full] : [];
  });
}

/** Every module specifier a file imports or re-exports, statically or dynamically. */
function specifiers(source: string): string[] {
  const found: string[] = [];
  const pattern =
    /\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|\bimport\s+['"]([^'"]+)['"]|\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const match of source.matchAll(pattern)) {
    found.push((match[1] ?? match[2] ?? match[3] ?? match[4])!);
  }
  return found;
}

describe('layout: dependencies run one way, demo → server → server/lib', () => {
  it('reads the imports it checks', () => {
    const main = fs.readFileSync(path.join(root, 'server/main.ts'), 'utf8');
    expect(specifiers(main)).toContain('./start.js');
    expect(specifiers("export { a } from '../x.js';\nawait import('./y.js');")).toEqual([
      '../x.js',
      './y.js',
    ]);
  });

  it('no file under server/ imports from demo/', () => {
    const demo = path.join(root, 'demo') + path.sep;
    const offenders = sourceFiles(path.join(root, 'server')).flatMap((file) =>
      specifiers(fs.readFileSync(file, 'utf8'))
        .filter(
          (spec) => spec.startsWith('.') && path.resolve(path.dirname(file), spec).startsWith(demo),
        )
        .map((spec) => `${path.relative(root, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });
});
