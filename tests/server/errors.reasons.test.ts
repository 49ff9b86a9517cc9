import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ApiError, errorCatalogEntries, type ErrorCode } from '../../server/errors.js';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * `reason:` members in server/ that are data, not problem reasons. Each is named so that a new
 * free-form reason cannot slip in unnoticed.
 */
const notProblemReasons: Record<string, string> = {
  expired: 'the ledger entry written when tokens expire',
  format: 'why a key failed to parse (answered as license_malformed)',
  checksum: 'why a key failed to parse (answered as license_malformed)',
  '--reason': 'the operator CLI flag a validation error names',
  'migrations pending': 'the /readyz body',
  'database unreachable': 'the /readyz body',
};

const declared = new Map(
  errorCatalogEntries().map(([code, entry]) => [code, new Set(Object.keys(entry.reasons ?? {}))]),
);
const anyDeclared = new Set([...declared.values()].flatMap((reasons) => [...reasons]));

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
}

/** Every string literal an expression can evaluate to (through `?:`, `??`, `||`, parentheses). */
function literals(node: ts.Expression): string[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isParenthesizedExpression(node)) return literals(node.expression);
  if (ts.isConditionalExpression(node))
    return [...literals(node.whenTrue), ...literals(node.whenFalse)];
  if (ts.isBinaryExpression(node)) return [...literals(node.left), ...literals(node.right)];
  return [];
}

const propertyName = (node: ts.PropertyAssignment) =>
  ts.isIdentifier(node.name) || ts.isStringLiteral(node.name) ? node.name.text : undefined;

interface Found {
  where: string;
  reason: string;
  /** The code of the enclosing `new ApiError(…)`, when it is a literal. */
  code?: string;
  inApiError: boolean;
}

/** Every string literal given to a `reason:` member in the files. */
function reasonLiterals(files: string[]): Found[] {
  const found: Found[] = [];
  for (const file of files) {
    const source = parse(file);
    const visit = (node: ts.Node, apiError: { code?: string } | undefined) => {
      if (
        ts.isNewExpression(node) &&
        ts.isIdentifier(node.expression) &&
        node.expression.text === 'ApiError'
      ) {
        const first = node.arguments?.[0];
        apiError = first && ts.isStringLiteral(first) ? { code: first.text } : {};
      }
      if (ts.isPropertyAssignment(node) && propertyName(node) === 'reason') {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart());
        for (const reason of literals(node.initializer)) {
          found.push({
            where: `${path.relative(root, file)}:${line + 1}`,
            reason,
            ...(apiError?.code ? { code: apiError.code } : {}),
            inApiError: apiError !== undefined,
          });
        }
      }
      ts.forEachChild(node, (child) => visit(child, apiError));
    };
    visit(source, undefined);
  }
  return found;
}

const serverReasons = reasonLiterals(sourceFiles(path.join(root, 'server')));

describe('problem reasons form a closed, documented set per code', () => {
  it('finds the reasons it checks', () => {
    expect(serverReasons).toContainEqual(
      expect.objectContaining({ reason: 'insufficient_balance', code: 'conflict' }),
    );
    expect(serverReasons.filter((f) => f.inApiError).length).toBeGreaterThanOrEqual(15);
  });

  it('every reason thrown in server/ is declared for its code', () => {
    const offenders = serverReasons
      .filter((f) => f.inApiError)
      .filter((f) =>
        f.code ? !declared.get(f.code as ErrorCode)?.has(f.reason) : !anyDeclared.has(f.reason),
      )
      .map((f) => `${f.where}: ${f.code ?? '?'} / ${f.reason}`);
    expect(offenders).toEqual([]);
  });

  it('every other `reason:` literal in server/ is a declared reason or named data', () => {
    const offenders = serverReasons
      .filter((f) => !f.inApiError)
      .filter((f) => !anyDeclared.has(f.reason) && !(f.reason in notProblemReasons))
      .map((f) => `${f.where}: ${f.reason}`);
    expect(offenders).toEqual([]);
  });

  it('every declared reason is thrown somewhere, with its code', () => {
    const thrown = new Set(serverReasons.map((f) => `${f.code ?? '?'}/${f.reason}`));
    const unused = [...declared].flatMap(([code, reasons]) =>
      [...reasons].filter((r) => !thrown.has(`${code}/${r}`)).map((r) => `${code}/${r}`),
    );
    expect(unused).toEqual([]);
  });

  it('no reason is declared for two codes, and each has a one-line description', () => {
    const seen = new Map<string, string>();
    for (const [code, entry] of errorCatalogEntries()) {
      expect(entry.description, code).toMatch(/\w/);
      expect(entry.description, code).not.toContain('\n');
      for (const [reason, description] of Object.entries(entry.reasons ?? {})) {
        expect(reason).toMatch(/^[a-z]+(_[a-z]+)*$/);
        expect(seen.get(reason), reason).toBeUndefined();
        seen.set(reason, code);
        expect(description, reason).toMatch(/\w/);
        expect(description, reason).not.toContain('\n');
      }
    }
  });

  it('the reasons widgets compare against are declared', () => {
    const compared: string[] = [];
    for (const file of sourceFiles(path.join(root, 'widgets'))) {
      const visit = (node: ts.Node) => {
        if (
          ts.isBinaryExpression(node) &&
          [
            ts.SyntaxKind.EqualsEqualsEqualsToken,
            ts.SyntaxKind.ExclamationEqualsEqualsToken,
          ].includes(node.operatorToken.kind) &&
          ts.isPropertyAccessExpression(node.left) &&
          node.left.name.text === 'reason'
        ) {
          compared.push(...literals(node.right));
        }
        ts.forEachChild(node, visit);
      };
      visit(parse(file));
    }
    expect(compared).toContain('contrast_below_aa');
    expect(compared.filter((r) => !anyDeclared.has(r))).toEqual([]);
  });

  it('types a reason by its code', () => {
    const error = new ApiError('conflict', 'Out.', { extensions: { reason: 'out_of_stock' } });
    expect(error.toProblem(undefined, '/x')).toMatchObject({
      code: 'conflict',
      reason: 'out_of_stock',
    });
    // @ts-expect-error: a reason outside the code's declared set does not compile
    void new ApiError('conflict', 'x', { extensions: { reason: 'sold_out' } });
    // @ts-expect-error: a code without reasons carries none
    void new ApiError('not_found', 'x', { extensions: { reason: 'out_of_stock' } });
  });
});
