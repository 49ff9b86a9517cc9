import { html, nothing, type TemplateResult } from 'lit';
import { safeUrl } from '../internal/urls.js';
import type { Block, Inline } from './types.js';

/*
 * A course description as the server delivers it: paragraphs, headings and lists of text
 * runs. Everything is rendered as text by Lit's templates; a run's link is kept only when it
 * is an absolute http(s) URL, checked here again whatever the server accepted.
 */

function run(part: Inline): TemplateResult | string {
  let content: TemplateResult | string = String(part.text ?? '');
  if (part.code) content = html`<code>${content}</code>`;
  if (part.em) content = html`<em>${content}</em>`;
  if (part.strong) content = html`<strong>${content}</strong>`;
  const href = safeUrl(part.href);
  return href
    ? html`<a href=${href} rel="noopener noreferrer" target="_blank">${content}</a>`
    : content;
}

const runs = (parts: unknown) => (Array.isArray(parts) ? (parts as Inline[]).map(run) : nothing);

/** Renders description blocks; the course title is the page's h2, so headings start at h3. */
export function renderBlocks(blocks: unknown): TemplateResult[] {
  if (!Array.isArray(blocks)) return [];
  return (blocks as Block[]).map((block) => {
    switch (block?.type) {
      case 'paragraph':
        return html`<p dir="auto">${runs(block.inline)}</p>`;
      case 'heading':
        return block.level === 2
          ? html`<h3 dir="auto">${runs(block.inline)}</h3>`
          : html`<h4 dir="auto">${runs(block.inline)}</h4>`;
      case 'list': {
        const items = Array.isArray(block.items)
          ? block.items.map((item) => html`<li dir="auto">${runs(item)}</li>`)
          : nothing;
        return block.ordered
          ? html`<ol>
              ${items}
            </ol>`
          : html`<ul>
              ${items}
            </ul>`;
      }
      default:
        return html``;
    }
  });
}
