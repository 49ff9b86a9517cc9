import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * Tables another module owns that `file` imports as values (type imports and a schema's own
 * foreign keys aside): each one is a read or write of that module's data from outside it.
 */
function foreignTables(file: string, ownModule: string | null): string[] {
  const source = fs.readFileSync(path.join(root, file), 'utf8');
  const found: string[] = [];
  for (const match of source.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'([^']+)';/gms)) {
    const [, typeOnly, specifier] = match;
    if (typeOnly || !specifier) continue;
    const target = path.relative(
      root,
      path.resolve(path.dirname(path.join(root, file)), specifier),
    );
    const owner = /^server\/modules\/([^/]+)\/schema\.js$/.exec(target)?.[1];
    if (target === 'server/db/schema.js' || (owner && owner !== ownModule)) found.push(target);
  }
  return found;
}

describe('modules read each other through services, not tables', () => {
  it('server/services.ts wires services together and reads no table itself', () => {
    expect(foreignTables('server/services.ts', null)).toEqual([]);
  });

  it('the marketplace reads no other module’s tables (learners come through an interface)', () => {
    const dir = 'server/modules/marketplace';
    const offenders = fs
      .readdirSync(path.join(root, dir))
      .filter((name) => name.endsWith('.ts') && name !== 'schema.ts')
      .flatMap((name) =>
        foreignTables(`${dir}/${name}`, 'marketplace').map((t) => `${name} → ${t}`),
      );
    expect(offenders).toEqual([]);
  });
});
