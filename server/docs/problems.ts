import { createHash } from 'node:crypto';
import { errorCatalogEntries } from '../errors.js';
import { escapeHtml, page } from './html.js';

/** Escaped text, with `backticked` spans shown as code. */
const prose = (s: string) => escapeHtml(s).replace(/`([^`]+)`/g, '<code>$1</code>');

const style = `body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem}
table{border-collapse:collapse;width:100%}th,td{border-top:1px solid #ccc;padding:.5rem;text-align:left;vertical-align:top}
dl{margin:0}dt{font-family:monospace;margin-top:.25rem}dd{margin:0 0 0 1rem}:target{background:#fff6c4}`;

/** The page allows exactly its own stylesheet and nothing else. */
export const problemsCsp =
  `default-src 'none'; style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'; ` +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function reasonList(code: string, reasons: Readonly<Record<string, string>> | undefined): string {
  const entries = Object.entries(reasons ?? {});
  if (entries.length === 0) return '—';
  const items = entries
    .map(
      ([reason, description]) =>
        `<dt id="${escapeHtml(`${code}.${reason}`)}"><code>${escapeHtml(reason)}</code></dt><dd>${prose(description)}</dd>`,
    )
    .join('');
  return `<dl>${items}</dl>`;
}

function render(): string {
  const rows = errorCatalogEntries()
    .map(
      ([code, { status, title, description, reasons }]) =>
        `<tr id="${escapeHtml(code)}"><td><code>${escapeHtml(code)}</code></td><td>${status}</td>` +
        `<td><strong>${escapeHtml(title)}</strong><br>${prose(description)}</td>` +
        `<td>${reasonList(code, reasons)}</td></tr>`,
    )
    .join('\n');
  return page(
    'Liberation Kit error codes',
    `<style>${style}</style>`,
    `<h1>Error codes</h1>
<p>Every error is <code>application/problem+json</code> (RFC 9457) with one of these codes in
<code>code</code>; its <code>type</code> links here. Branch on <code>code</code>, and where a code
lists reasons, on <code>reason</code>: both sets are closed, and the values below are all there are.
<code>detail</code> is for people; <code>requestId</code> is what to quote when reporting a problem.
See also the <a href="/docs">API reference</a>.</p>
<table><thead><tr><th>code</th><th>status</th><th>meaning</th><th>reasons</th></tr></thead><tbody>
${rows}
</tbody></table>`,
  );
}

/** The catalog never changes while the process runs, so the page is built once. */
export const problemsPage = render();
