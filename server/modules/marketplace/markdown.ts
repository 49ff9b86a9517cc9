/**
 * Course descriptions as structured blocks. Instructors write plain text or a small Markdown
 * subset (paragraphs, `##`/`###` headings, `-`/`1.` lists, `**strong**`, `*em*`, `` `code` ``,
 * `[text](https://…)`); the server parses it into data and never produces HTML, so whatever
 * an instructor types (tags, entities, scripts) reaches a page as visible characters.
 */

import type {
  CourseDescription,
  DescriptionBlock,
  DescriptionFormat,
  DescriptionInline,
} from './contract.js';

// The shapes are the API's (contract.ts). Only http and https links survive; others keep
// their text and lose the link.
type Inline = DescriptionInline;
type Block = DescriptionBlock;

type Style = Omit<Inline, 'text'>;

/** An absolute http(s) URL, normalised, or null for anything else (javascript:, data:, relative…). */
export function safeHref(raw: string): string | null {
  const value = raw.trim();
  if (!/^https?:\/\//i.test(value)) return null;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (url.username || url.password) return null;
    return url.href;
  } catch {
    return null;
  }
}

function push(out: Inline[], text: string, style: Style): void {
  if (!text) return;
  const last = out.at(-1);
  if (
    last &&
    last.strong === style.strong &&
    last.em === style.em &&
    last.code === style.code &&
    last.href === style.href
  ) {
    last.text += text;
    return;
  }
  out.push({ text, ...style });
}

function clean(style: Style): Style {
  const out: Style = {};
  if (style.strong) out.strong = true;
  if (style.em) out.em = true;
  if (style.code) out.code = true;
  if (style.href) out.href = style.href;
  return out;
}

function parseInline(src: string, style: Style, out: Inline[], depth = 0): void {
  let text = '';
  const flush = () => {
    push(out, text, clean(style));
    text = '';
  };
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '\\' && i + 1 < src.length && /[\\`*_[\]()#\-.!]/.test(src[i + 1]!)) {
      text += src[i + 1];
      i += 2;
      continue;
    }
    if (ch === '`') {
      const end = src.indexOf('`', i + 1);
      if (end > i + 1) {
        flush();
        push(out, src.slice(i + 1, end), clean({ ...style, code: true }));
        i = end + 1;
        continue;
      }
    }
    if (depth < 4 && src.startsWith('**', i)) {
      const end = src.indexOf('**', i + 2);
      if (end > i + 2) {
        flush();
        parseInline(src.slice(i + 2, end), { ...style, strong: true }, out, depth + 1);
        i = end + 2;
        continue;
      }
    }
    if (depth < 4 && (ch === '*' || ch === '_') && src[i + 1] !== ch && src[i + 1] !== ' ') {
      const end = src.indexOf(ch, i + 1);
      if (end > i + 1 && src[end - 1] !== ' ') {
        flush();
        parseInline(src.slice(i + 1, end), { ...style, em: true }, out, depth + 1);
        i = end + 1;
        continue;
      }
    }
    if (ch === '[' && !style.href) {
      const close = src.indexOf('](', i + 1);
      const end = close === -1 ? -1 : src.indexOf(')', close + 2);
      if (close > i && end > close) {
        flush();
        const label = src.slice(i + 1, close);
        const href = safeHref(src.slice(close + 2, end));
        parseInline(label, href ? { ...style, href } : style, out, depth + 1);
        i = end + 1;
        continue;
      }
    }
    text += ch;
    i += 1;
  }
  flush();
}

export function inline(src: string): Inline[] {
  const out: Inline[] = [];
  parseInline(src, {}, out);
  return out;
}

const LIST_ITEM = /^\s{0,3}(?:([-*+])|(\d{1,9})[.)])\s+(.*)$/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;

/** Parses the Markdown subset into blocks; anything else is read as paragraph text. */
export function parseMarkdown(src: string): Block[] {
  const blocks: Block[] = [];
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  let paragraph: string[] = [];
  let list: { ordered: boolean; items: string[] } | null = null;
  const endParagraph = () => {
    if (paragraph.length) blocks.push({ type: 'paragraph', inline: inline(paragraph.join('\n')) });
    paragraph = [];
  };
  const endList = () => {
    if (list) blocks.push({ type: 'list', ordered: list.ordered, items: list.items.map(inline) });
    list = null;
  };
  for (const line of lines) {
    if (!line.trim()) {
      endParagraph();
      endList();
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      endParagraph();
      endList();
      blocks.push({
        type: 'heading',
        level: heading[1]!.length <= 2 ? 2 : 3,
        inline: inline(heading[2]!),
      });
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      endParagraph();
      const ordered = item[2] !== undefined;
      if (list && list.ordered !== ordered) endList();
      list ??= { ordered, items: [] };
      list.items.push(item[3]!);
      continue;
    }
    if (list && /^\s+\S/.test(line)) {
      // A continuation line of the last item.
      list.items[list.items.length - 1] += ` ${line.trim()}`;
      continue;
    }
    endList();
    paragraph.push(line.trim());
  }
  endParagraph();
  endList();
  return blocks;
}

/** Plain text: paragraphs split at blank lines, every character kept as text. */
export function parsePlainText(src: string): Block[] {
  return src
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => ({ type: 'paragraph' as const, inline: [{ text: p }] }));
}

export function describe(format: DescriptionFormat, src: string): CourseDescription {
  return { format, blocks: format === 'markdown' ? parseMarkdown(src) : parsePlainText(src) };
}
