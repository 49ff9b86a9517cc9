import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { messageCatalog } from '../../server/modules/themes/catalog.js';

const widgets = path.resolve(import.meta.dirname, '../../widgets');

/** Every `export const …Messages = {` in the widgets, found by reading the sources. */
async function declaredCatalogs(): Promise<[string, Record<string, string>][]> {
  const found: [string, Record<string, string>][] = [];
  for (const file of fs.readdirSync(widgets, { recursive: true }) as string[]) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts') || file.includes('locales')) continue;
    const source = fs.readFileSync(path.join(widgets, file), 'utf8');
    for (const [, name] of source.matchAll(/export const (\w*[mM]essages) = \{/g)) {
      const module = (await import(path.join(widgets, file))) as Record<string, unknown>;
      found.push([`${file} ${name}`, module[name!] as Record<string, string>]);
    }
  }
  return found;
}

describe('the white-label message catalog', () => {
  it('holds every key of every widget catalog, so a license can override any message', async () => {
    const catalogs = await declaredCatalogs();
    expect(catalogs.length).toBeGreaterThan(5);
    for (const [where, messages] of catalogs) {
      const missing = Object.keys(messages).filter((key) => messageCatalog[key] === undefined);
      expect(missing, `${where} is not in server/modules/themes/catalog.ts`).toEqual([]);
    }
  });
});
