import * as ts from 'typescript';
import { DataFileError } from './read';

/**
 * Adds a definition to a registry file such as apps/index.ts (`export const apps = registerApps(a, b, ...)`), with
 * the TypeScript compiler API like the data-file editor: one `import { <identifier> } from '<module>';` after the
 * last import, and the identifier as the last argument of the registry call. Everything else keeps its bytes.
 */
export function addToRegistry(text: string, opts: { readonly file: string; readonly call: string; readonly identifier: string; readonly module: string }): string {
  const sf = ts.createSourceFile(opts.file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const fail = (why: string, line = 1): never => {
    throw new DataFileError(opts.file, line, why);
  };
  const imports = sf.statements.filter(ts.isImportDeclaration);
  for (const i of imports) {
    const names = i.importClause?.namedBindings;
    if (names && ts.isNamedImports(names) && names.elements.some((e) => e.name.text === opts.identifier)) fail(`"${opts.identifier}" is already imported`);
  }
  let call: ts.CallExpression | undefined;
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === opts.call) call = n;
    else ts.forEachChild(n, visit);
  };
  visit(sf);
  if (!call) return fail(`no ${opts.call}(...) call to add "${opts.identifier}" to`);
  if (call.arguments.some((a) => ts.isIdentifier(a) && a.text === opts.identifier)) fail(`"${opts.identifier}" is already registered`);
  const edits: { pos: number; text: string }[] = [];
  const last = call.arguments[call.arguments.length - 1];
  edits.push(last ? { pos: last.getEnd(), text: `, ${opts.identifier}` } : { pos: call.arguments.pos, text: opts.identifier });
  const importLine = `import { ${opts.identifier} } from '${opts.module}';`;
  const after = imports[imports.length - 1];
  edits.push(after ? { pos: after.getEnd(), text: `\n${importLine}` } : { pos: 0, text: `${importLine}\n` });
  let out = text;
  for (const e of edits.sort((a, b) => b.pos - a.pos)) out = out.slice(0, e.pos) + e.text + out.slice(e.pos);
  return out;
}
