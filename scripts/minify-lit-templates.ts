import ts from 'typescript';
import type { Plugin } from 'vite';

/**
 * Minifies the static text of Lit `css` and `html` tagged templates in widget sources. The JS
 * minifier leaves template text alone, and the indentation of styles and markup is a
 * noticeable share of every widget's gzip budget.
 *
 * It only touches the literal parts of those templates, found with the TypeScript parser, so
 * interpolated expressions are never rewritten. CSS: whitespace runs become one space, and
 * spaces next to `{ } ; , :` go, outside quoted strings. HTML: whitespace runs that contain a
 * line break become one space, which renders the same (the widgets use no `<pre>`).
 */
export function minifyLitTemplates(): Plugin {
  return {
    name: 'liberation-kit:minify-lit-templates',
    apply: 'build',
    transform(code, id) {
      if (!/\/widgets\/.*\.ts$/.test(id) || !/\b(css|html)`/.test(code)) return null;
      const edits = templateEdits(code, id);
      if (edits.length === 0) return null;
      let out = code;
      for (const { start, end, text } of edits.sort((a, b) => b.start - a.start)) {
        out = out.slice(0, start) + text + out.slice(end);
      }
      return { code: out, map: null };
    },
  };
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function templateEdits(code: string, file: string): Edit[] {
  const source = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const edits: Edit[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag)) {
      const kind = node.tag.text;
      if (kind === 'css' || kind === 'html') {
        const minify = kind === 'css' ? minifyCss : minifyHtml;
        const template = node.template;
        const parts = ts.isNoSubstitutionTemplateLiteral(template)
          ? [template]
          : [template.head, ...template.templateSpans.map((s) => s.literal)];
        for (const part of parts) {
          // The raw text sits between the delimiters: ` or } before, ` or ${ after.
          const start = part.getStart(source) + 1;
          const end =
            part.getEnd() - (ts.isTemplateHead(part) || ts.isTemplateMiddle(part) ? 2 : 1);
          const raw = code.slice(start, end);
          const text = minify(raw);
          if (text !== raw) edits.push({ start, end, text });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edits;
}

export function minifyCss(text: string): string {
  // Odd-indexed pieces are quoted strings, kept as written.
  return text
    .split(/("[^"]*"|'[^']*')/)
    .map((piece, index) =>
      index % 2 === 1
        ? piece
        : piece
            .replace(/\s+/g, ' ')
            .replace(/ ?([{};,]) ?/g, '$1')
            .replace(/: /g, ':'),
    )
    .join('')
    .replace(/;}/g, '}');
}

export function minifyHtml(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
