import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { first } from '../../server/db/store.js';
import { courses } from '../../server/modules/marketplace/schema.js';
import { parseMarkdown, safeHref } from '../../server/modules/marketplace/markdown.js';
import { expectProblem, jsonInit } from '../fixtures/harness.js';
import { courseInput, startMarket, tenantOf, type MarketHarness, type Tenant } from './helpers.js';

const HOSTILE = [
  '## Welcome <script>alert(1)</script>',
  '',
  'Read [the notes](javascript:alert(document.cookie)) and [this](JaVaScRiPt:alert(1)) or',
  '[data](data:text/html;base64,PHNjcmlwdD4=) but [the site](https://example.com/a?b=1) is fine.',
  '<img src=x onerror="alert(1)"> **bold <b>tag</b>** and `<code>`',
  '',
  '- item with [a relative link](/admin)',
  '- <iframe src="https://evil.test"></iframe>',
].join('\n');

describe('hostile course text', () => {
  it('parses Markdown into text runs; only http(s) links survive', () => {
    const blocks = parseMarkdown(HOSTILE);
    const runs = blocks.flatMap((b) => (b.type === 'list' ? b.items.flat() : b.inline));
    const hrefs = runs.flatMap((r) => (r.href ? [r.href] : []));
    expect(hrefs).toEqual(['https://example.com/a?b=1']);
    const text = runs.map((r) => r.text).join('');
    // Markup stays as visible characters, the link text of dropped links stays too.
    expect(text).toContain('<script>alert(1)</script>');
    expect(text).toContain('<img src=x onerror="alert(1)">');
    expect(text).toContain('the notes');
    expect(blocks[0]).toEqual({
      type: 'heading',
      level: 2,
      inline: [{ text: 'Welcome <script>alert(1)</script>' }],
    });
    expect(runs).toContainEqual({ text: 'bold <b>tag</b>', strong: true });
    expect(runs).toContainEqual({ text: '<code>', code: true });
    for (const r of runs) {
      expect(
        Object.keys(r).every((k) => ['text', 'strong', 'em', 'code', 'href'].includes(k)),
      ).toBe(true);
    }
  });

  it('accepts only absolute http(s) URLs without credentials', () => {
    expect(safeHref('https://example.com')).toBe('https://example.com/');
    expect(safeHref(' http://example.com/x ')).toBe('http://example.com/x');
    for (const bad of [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      'java\nscript:alert(1)',
      'data:text/html,x',
      'vbscript:x',
      '//evil.test',
      '/relative',
      'https://user:pass@example.com',
      'https://',
    ]) {
      expect(safeHref(bad)).toBeNull();
    }
  });

  describe('through the API', () => {
    let h: MarketHarness;
    let acme: Tenant;

    beforeAll(async () => {
      h = await startMarket();
      acme = await tenantOf(h, 'Acme University', 'https://portal.acme.test');
    });
    afterAll(() => h.close());

    it('returns titles as typed and descriptions as blocks, never HTML', async () => {
      const instructor = await (
        await h.fetch(
          '/v1/authoring/instructors',
          jsonInit('POST', { name: '<b>Mallory</b>' }, acme.server),
        )
      ).json();
      const created = await h.fetch(
        '/v1/authoring/courses',
        jsonInit(
          'POST',
          {
            ...courseInput({
              title: '<script>alert("title")</script>',
              subtitle: '"><img src=x onerror=alert(1)>',
              description: HOSTILE,
              descriptionFormat: 'markdown',
            }),
            instructorId: instructor.id,
          },
          acme.server,
        ),
      );
      expect(created.status).toBe(201);
      const { id } = await created.json();
      const res = await h.fetch(`/v1/courses/${id}`, {
        headers: { 'Liberation-Key': acme.publishableKey, Origin: acme.origin },
      });
      expect(res.headers.get('content-type')).toContain('application/json');
      const detail = await res.json();
      expect(detail.title).toBe('<script>alert("title")</script>');
      expect(detail.instructor.name).toBe('<b>Mallory</b>');
      expect(detail.description.format).toBe('markdown');
      expect(JSON.stringify(detail.description)).not.toContain('javascript:');
      expect(JSON.stringify(detail.description)).not.toContain('data:text');

      const plain = await h.fetch(
        `/v1/authoring/courses/${id}`,
        jsonInit('PATCH', { descriptionFormat: 'text' }, acme.server),
      );
      expect(plain.status).toBe(200);
      const asText = await (
        await h.fetch(`/v1/courses/${id}`, {
          headers: { 'Liberation-Key': acme.publishableKey, Origin: acme.origin },
        })
      ).json();
      expect(asText.description.format).toBe('text');
      expect(asText.description.blocks[0]).toEqual({
        type: 'paragraph',
        inline: [{ text: '## Welcome <script>alert(1)</script>' }],
      });
      expect(asText.description.blocks[1].inline[0].text).toContain(
        '[the notes](javascript:alert(document.cookie))',
      );
    });

    it('refuses secret keys from browsers and unknown keys, changing nothing', async () => {
      await expectProblem(
        await h.fetch(
          '/v1/authoring/courses',
          jsonInit('POST', courseInput(), { ...acme.server, Origin: acme.origin }),
        ),
        'forbidden',
      );
      await expectProblem(
        await h.fetch(
          '/v1/authoring/courses',
          jsonInit('POST', courseInput(), { Authorization: 'Bearer sk_test_nope' }),
        ),
        'license_malformed',
      );
      const stored = first(await h.store.db.select({ n: count() }).from(courses));
      expect(stored?.n).toBe(1);
    });
  });
});
