import * as fs from 'node:fs';

/**
 * Finds the line of a field path (e.g. `apps.echo.regions.eu-west-2`) in a TypeScript file that
 * defines the value as an object literal (defineApp/defineEnvironment/releases.ts). Returns the
 * 1-based line of the deepest property found, or undefined. Loads the TypeScript compiler lazily:
 * only errors pay for it.
 */
export function locateField(file: string, field: string): number | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts: typeof import('typescript') = require('typescript');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const parts = field.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '');
  if (parts.length === 0) return undefined;

  let best: { depth: number; pos: number } | undefined;
  const walk = (node: import('typescript').Expression, depth: number) => {
    if (depth >= parts.length) return;
    const key = parts[depth];
    const inner = unwrap(node);
    if (ts.isObjectLiteralExpression(inner)) {
      for (const prop of inner.properties) {
        const name = prop.name && (ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name) || ts.isNumericLiteral(prop.name)) ? prop.name.text : undefined;
        if (name !== key) continue;
        if (!best || depth + 1 > best.depth) best = { depth: depth + 1, pos: prop.getStart(sf) };
        if (ts.isPropertyAssignment(prop)) walk(prop.initializer, depth + 1);
      }
    } else if (ts.isArrayLiteralExpression(inner) && /^\d+$/.test(key)) {
      const el = inner.elements[Number(key)];
      if (el) {
        if (!best || depth + 1 > best.depth) best = { depth: depth + 1, pos: el.getStart(sf) };
        walk(el, depth + 1);
      }
    }
  };
  const unwrap = (e: import('typescript').Expression): import('typescript').Expression => {
    while (ts.isSatisfiesExpression(e) || ts.isAsExpression(e) || ts.isParenthesizedExpression(e)) e = e.expression;
    return e;
  };
  const visit = (node: import('typescript').Node) => {
    if (ts.isObjectLiteralExpression(node) && !ts.isObjectLiteralExpression(node.parent) && !ts.isPropertyAssignment(node.parent)) {
      walk(node, 0);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return best ? sf.getLineAndCharacterOfPosition(best.pos).line + 1 : undefined;
}
