import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCatalogEntries } from '../../server/errors.js';
import { startTestServer, type TestServer } from '../fixtures/server.js';

let server: TestServer;
let res: Response;
let html: string;
beforeAll(async () => {
  server = await startTestServer();
  res = await server.fetch('/docs/problems');
  html = await res.text();
});
afterAll(() => server.close());

const escaped = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`).replace(/`([^`]+)`/g, '<code>$1</code>');

describe('GET /docs/problems', () => {
  it('is an HTML page', () => {
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toMatch(/^<!doctype html>/);
  });

  it('lists every code with its status, title and description', () => {
    for (const [code, { status, title, description }] of errorCatalogEntries()) {
      expect(html).toContain(
        `<tr id="${code}"><td><code>${code}</code></td><td>${status}</td>` +
          `<td><strong>${escaped(title)}</strong><br>${escaped(description)}</td>`,
      );
    }
  });

  it('lists each reason under its code, with an anchor and its description', () => {
    const conflict = html.slice(html.indexOf('<tr id="conflict">'));
    const row = conflict.slice(0, conflict.indexOf('</tr>'));
    const reasons = errorCatalogEntries().find(([code]) => code === 'conflict')![1].reasons!;
    expect(Object.keys(reasons)).toContain('insufficient_balance');
    for (const [reason, description] of Object.entries(reasons)) {
      expect(row).toContain(
        `<dt id="conflict.${reason}"><code>${reason}</code></dt><dd>${escaped(description)}</dd>`,
      );
    }
    expect(html).toContain('<tr id="not_found"><td><code>not_found</code></td><td>404</td>');
  });

  it('escapes the text it shows', () => {
    expect(html).toContain('with &#34;override&#34;: true');
    expect(html).toContain('The learner&#39;s plan');
  });
});

describe('GET /docs/problems under its Content-Security-Policy', () => {
  it('allows nothing but its own inline stylesheet', () => {
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/^default-src 'none';/);
    expect(csp).not.toContain('unsafe-inline');
    const style = /<style>([^<]*)<\/style>/.exec(html)![1]!;
    const hash = createHash('sha256').update(style).digest('base64');
    expect(csp).toContain(`style-src 'sha256-${hash}'`);
  });

  it('loads nothing and runs nothing', () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\son\w+=/i);
    const refs = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
    expect(refs).toEqual(['/docs']);
  });

  it('sends the page security headers', () => {
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });
});
