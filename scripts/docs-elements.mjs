// Writes docs/elements.md, the element reference, from dist/custom-elements.json (which
// `npm run build` generates from the components' JSDoc). Only the widgets the kit ships (those
// in widgets/registry.ts) are documented.
//   node scripts/docs-elements.mjs           write docs/elements.md
//   node scripts/docs-elements.mjs --check   exit 1 if docs/elements.md is out of date
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifestPath = path.join(root, 'dist', 'custom-elements.json');
const out = path.join(root, 'docs', 'elements.md');

if (!fs.existsSync(manifestPath)) {
  console.error('dist/custom-elements.json is missing: run `npm run build` first.');
  process.exit(1);
}
const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
const registry = fs.readFileSync(path.join(root, 'widgets', 'registry.ts'), 'utf8');
const shipped = [...registry.matchAll(/'(lx-[a-z-]+)':/g)].map((m) => m[1]);

const declarations = manifest.modules.flatMap((m) =>
  (m.declarations ?? []).map((d) => ({ ...d, module: m.path })),
);

/** Markdown table cell: one line, pipes escaped. */
const cell = (text) =>
  String(text ?? '')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();
const code = (text) =>
  text ? `\`${String(text).replace(/\s+/g, ' ').replace(/`/g, '').trim()}\`` : '';

function table(headers, rows) {
  if (rows.length === 0) return '';
  return [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
    '',
  ].join('\n');
}

function section(d) {
  // The settings every element inherits are documented once, at the top.
  const publicFields = (d.members ?? []).filter(
    (m) =>
      m.kind === 'field' && !m.static && (m.privacy ?? 'public') === 'public' && !m.inheritedFrom,
  );
  const publicNames = new Set(publicFields.map((m) => m.name));
  // Reactive state is declared like properties; only public fields are the element's API.
  const attributes = (d.attributes ?? []).filter((a) => publicNames.has(a.fieldName));
  const withAttribute = new Set(attributes.map((a) => a.fieldName));
  const propertiesOnly = publicFields.filter((m) => !withAttribute.has(m.name));
  const methods = (d.members ?? []).filter(
    (m) =>
      m.kind === 'method' &&
      !m.static &&
      (m.privacy ?? 'public') === 'public' &&
      m.description &&
      !m.name.startsWith('render') &&
      !['connectedCallback', 'disconnectedCallback', 'updated', 'willUpdate'].includes(m.name),
  );
  const describe = (name) => publicFields.find((m) => m.name === name)?.description;
  const lines = [`## \`<${d.tagName}>\``, ''];
  if (d.summary) lines.push(cell(d.summary), '');
  if (d.description && d.description !== d.summary) lines.push(d.description.trim(), '');
  lines.push(
    table(
      ['attribute', 'property', 'type', 'default', 'description'],
      attributes.map((a) => [
        code(a.name),
        code(a.fieldName),
        code(a.type?.text),
        code(a.default),
        a.description ?? describe(a.fieldName) ?? '',
      ]),
    ),
  );
  if (propertiesOnly.length) {
    lines.push(
      'Properties without an attribute (set them from script):',
      '',
      table(
        ['property', 'type', 'description'],
        propertiesOnly.map((m) => [code(m.name), code(m.type?.text), m.description ?? '']),
      ),
    );
  }
  if (methods.length) {
    lines.push(
      '**Methods**',
      '',
      table(
        ['method', 'description'],
        methods.map((m) => [code(`${m.name}()`), m.description]),
      ),
    );
  }
  const events = (d.events ?? []).filter((e) => e.name);
  if (events.length) {
    lines.push(
      '**Events** (all bubble and are composed)',
      '',
      table(
        ['event', 'description'],
        events.map((e) => [code(e.name), e.description ?? '']),
      ),
    );
  }
  if (d.slots?.length) {
    lines.push(
      '**Slots**',
      '',
      table(
        ['slot', 'description'],
        d.slots.map((s) => [s.name ? code(s.name) : '(default)', s.description ?? '']),
      ),
    );
  }
  if (d.cssParts?.length) {
    lines.push(
      '**Parts** (style with `::part(name)`)',
      '',
      table(
        ['part', 'description'],
        d.cssParts.map((p) => [code(p.name), p.description ?? '']),
      ),
    );
  }
  if (d.cssProperties?.length) {
    lines.push(
      '**CSS custom properties** (besides the theme tokens, see theming.md)',
      '',
      table(
        ['property', 'description'],
        d.cssProperties.map((p) => [code(p.name), p.description ?? '']),
      ),
    );
  }
  return lines.join('\n');
}

const elements = shipped.map((tag) => declarations.find((d) => d.tagName === tag)).filter(Boolean);
const missing = shipped.filter((tag) => !declarations.some((d) => d.tagName === tag));
if (missing.length) {
  console.error(`custom-elements.json has no entry for ${missing.join(', ')}: rebuild the kit.`);
  process.exit(1);
}

const text = `# Element reference

<!-- Generated by \`node scripts/docs-elements.mjs\` from dist/custom-elements.json (the
components' JSDoc). Do not edit by hand: change the JSDoc, run \`npm run build\`, then the script. -->

Every element also takes the common settings below; the embedding guide
([embedding.md](embedding.md)) shows how to put them in a page.

| attribute | property | description |
| --- | --- | --- |
| \`license\` | \`license\` | Publishable key; defaults to the kit script's \`data-license\`. |
| \`api\` | \`api\` | API origin; defaults to the kit script's \`data-api\`, else the origin \`kit.js\` came from. |
| \`locale\` | \`locale\` | BCP 47 locale for copy, money and dates; defaults to the license's locale, then the browser's. |
| \`user-token\` | \`userToken\` | The learner token (a short-lived JWT your backend signs). |
| — | \`tokenProvider\` | Instead of \`user-token\`: a function returning the token (or a promise of it), called before requests that need the learner. |
| — | \`theme\` | A theme to show instead of the license's published one (previews). |

Every element fires \`lx-error\` (\`detail: { code, status, message, requestId }\`) when it cannot
work, and renders a themed state (part \`state\`, with \`data-code\` set to the error code)
instead of breaking the page.

${elements.map(section).join('\n')}`.replace(/\n{3,}/g, '\n\n');

if (process.argv.includes('--check')) {
  const current = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
  if (current !== text) {
    console.error('docs/elements.md is out of date: run `node scripts/docs-elements.mjs`.');
    process.exit(1);
  }
  console.log('docs/elements.md is up to date.');
} else {
  fs.writeFileSync(out, text);
  console.log(`wrote ${path.relative(root, out)} (${elements.length} elements)`);
}
