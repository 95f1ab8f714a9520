import * as ts from 'typescript';

/**
 * Reading a typed data file: parse with the TypeScript compiler API, find `export const <name> = {...}`
 * and evaluate the literal as plain data (anything else is a DataFileError naming file and line).
 */

/**
 * Plain data as a typed data file holds it: string, number, boolean and null literals, array
 * literals and object literals of those. No `undefined`, functions, class instances or references.
 */
export type DataValue = string | number | boolean | null | DataValue[] | { [key: string]: DataValue };

/** An object of plain data (the shape of every exported data file value). */
export type DataObject = { [key: string]: DataValue };

/** The result of an edit: the new source text and whether it differs from the input. */
export interface EditResult {
  /** The new source text (identical to the input when `changed` is false). */
  text: string;
  /** True when `text` differs from the input. */
  changed: boolean;
}

/** Options shared by the editing functions. */
export interface EditOptions {
  /** The file name used in error messages (and by the parser); defaults to `<data file>`. */
  fileName?: string;
}

/**
 * The one error type of this module: the file, the 1-based line and a one-line reason, e.g.
 * `envs/releases.ts:12: echo.dev: a call is not allowed in a data file (...)`.
 */
export class DataFileError extends Error {
  /** The file the error is about (as given by the caller; `<data file>` when none was given). */
  public readonly file: string;
  /** 1-based line of the offending node (1 when the error concerns the whole file). */
  public readonly line: number;
  /** Dotted path of the value inside the export (e.g. `echo.dev.tag`); empty when not about a value. */
  public readonly field: string;
  /** What is wrong (one line). */
  public readonly reason: string;

  /** Builds the error; the message is `file:line: field: reason` on one line. */
  constructor(file: string, line: number, reason: string, field = '') {
    const oneLine = reason.replace(/\s*\r?\n\s*/g, ' ');
    super(`${file}:${line}: ${field ? `${field}: ` : ''}${oneLine}`);
    this.name = 'DataFileError';
    this.file = file;
    this.line = line;
    this.field = field;
    this.reason = oneLine;
  }
}

export const DEFAULT_FILE = '<data file>';
export const MAX_WIDTH = 120;

// ---------------------------------------------------------------------------------------------
// Parsing and reading

/** A parsed data file: the source file and the object literal of the export. */
export interface Doc {
  text: string;
  file: string;
  sf: ts.SourceFile;
  root: ts.ObjectLiteralExpression;
}

/** Strips `satisfies X`, `as X`, `as const`, `<X>expr` and parentheses around an expression. */
export function unwrap(e: ts.Expression): ts.Expression {
  for (;;) {
    if (ts.isSatisfiesExpression(e) || ts.isAsExpression(e) || ts.isParenthesizedExpression(e) || ts.isTypeAssertionExpression(e)) {
      e = e.expression;
    } else {
      return e;
    }
  }
}

/** 1-based line of a position. */
export function lineOf(sf: ts.SourceFile, pos: number): number {
  return sf.getLineAndCharacterOfPosition(pos).line + 1;
}

/** 1-based line where a node starts (after its leading trivia). */
export function nodeLine(sf: ts.SourceFile, node: ts.Node): number {
  return lineOf(sf, node.getStart(sf));
}

/** Renders a path for messages: `echo.dev.tag`, `items[0]` (keys already written `[i]` stay so). */
export function fieldOf(p: readonly string[]): string {
  return p.map((k, i) => (k.startsWith('[') || i === 0 ? k : `.${k}`)).join('');
}

/** A short human description of a node kind, for error messages. */
export function describe(node: ts.Node): string {
  if (ts.isSpreadAssignment(node) || ts.isSpreadElement(node)) return 'a spread (...)';
  if (ts.isCallExpression(node) || ts.isNewExpression(node)) return 'a call';
  if (ts.isIdentifier(node)) return `an identifier (${node.text})`;
  if (ts.isShorthandPropertyAssignment(node)) return `a shorthand property (${node.name.text})`;
  if (ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node)) return 'a method or accessor';
  if (ts.isComputedPropertyName(node)) return 'a computed key';
  if (ts.isTemplateExpression(node)) return 'a template literal with substitutions';
  if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) return 'a function';
  if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) return 'a property access';
  if (ts.isBinaryExpression(node)) return 'an operator expression';
  if (ts.isOmittedExpression(node)) return 'an empty array slot';
  if (node.kind === ts.SyntaxKind.BigIntLiteral) return 'a bigint';
  if (ts.isRegularExpressionLiteral(node)) return 'a regular expression';
  return `a ${ts.SyntaxKind[node.kind]}`;
}

export const ALLOWED = 'only string, number, boolean, null, array and object literals are allowed in a data file';

/** The syntax errors of a parsed file (the parser keeps them on the source file). */
export function syntaxErrors(sf: ts.SourceFile): readonly ts.DiagnosticWithLocation[] {
  return (sf as unknown as { parseDiagnostics?: readonly ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
}

/** Parses `text` and finds `export const <exportName> = <object literal>`; throws DataFileError otherwise. */
export function parseDoc(text: string, exportName: string, file: string): Doc {
  // No parent pointers: nothing here walks upwards, and setting them costs a third of the parse.
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const diag = syntaxErrors(sf)[0];
  if (diag) {
    const msg = ts.flattenDiagnosticMessageText(diag.messageText, ' ');
    throw new DataFileError(file, lineOf(sf, diag.start), `syntax error: ${msg}`);
  }
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st)) continue;
    const exported = st.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false;
    for (const decl of st.declarationList.declarations) {
      if (!ts.isIdentifier(decl.name) || decl.name.text !== exportName) continue;
      const line = nodeLine(sf, decl);
      if (!exported) throw new DataFileError(file, line, `"${exportName}" is declared but not exported (expected "export const ${exportName} = { ... }")`);
      if (!(st.declarationList.flags & ts.NodeFlags.Const)) {
        throw new DataFileError(file, line, `"${exportName}" must be declared with const (expected "export const ${exportName} = { ... }")`);
      }
      if (!decl.initializer) throw new DataFileError(file, line, `"export const ${exportName}" has no value`);
      const init = unwrap(decl.initializer);
      if (!ts.isObjectLiteralExpression(init)) {
        throw new DataFileError(file, nodeLine(sf, init), `"export const ${exportName}" must be an object literal, found ${describe(init)}`);
      }
      return { text, file, sf, root: init };
    }
  }
  throw new DataFileError(file, 1, `no "export const ${exportName} = { ... }" in the file`);
}

/** The key of a property name node, or undefined for computed/private names. */
export function propKey(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  if (ts.isNumericLiteral(name)) return String(Number(name.text));
  return undefined;
}

/** Sets a key on a plain object without ever touching its prototype (`__proto__` is data). */
export function defineKey(obj: DataObject, key: string, value: DataValue): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/**
 * Evaluates a literal expression to plain data; throws DataFileError naming the line of anything
 * else. `at` is the path of `node` (used for messages; pushed and popped, not copied, for speed).
 */
export function evaluate(doc: Doc, node: ts.Expression, at: string[]): DataValue {
  const e = unwrap(node);
  const fail = (n: ts.Node, what = describe(n)): never => {
    throw new DataFileError(doc.file, nodeLine(doc.sf, n), `${what} is not allowed: ${ALLOWED}`, fieldOf(at));
  };
  switch (e.kind) {
    case ts.SyntaxKind.StringLiteral:
    case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
      return (e as ts.StringLiteral).text;
    case ts.SyntaxKind.NumericLiteral:
      return Number((e as ts.NumericLiteral).text);
    case ts.SyntaxKind.TrueKeyword:
      return true;
    case ts.SyntaxKind.FalseKeyword:
      return false;
    case ts.SyntaxKind.NullKeyword:
      return null;
    case ts.SyntaxKind.PrefixUnaryExpression: {
      const u = e as ts.PrefixUnaryExpression;
      const operand = unwrap(u.operand);
      if (u.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(operand)) return -Number(operand.text);
      return fail(e, 'an operator expression');
    }
    case ts.SyntaxKind.ArrayLiteralExpression: {
      const out: DataValue[] = [];
      const elements = (e as ts.ArrayLiteralExpression).elements;
      for (let i = 0; i < elements.length; i++) {
        const el = elements[i];
        at.push(`[${i}]`);
        if (ts.isSpreadElement(el) || ts.isOmittedExpression(el)) fail(el);
        out.push(evaluate(doc, el, at));
        at.pop();
      }
      return out;
    }
    case ts.SyntaxKind.ObjectLiteralExpression: {
      const out: DataObject = {};
      for (const p of (e as ts.ObjectLiteralExpression).properties) {
        if (!ts.isPropertyAssignment(p)) fail(p);
        const pa = p as ts.PropertyAssignment;
        const key = propKey(pa.name);
        if (key === undefined) fail(pa.name);
        const k = key as string;
        at.push(k);
        if (Object.prototype.hasOwnProperty.call(out, k)) {
          throw new DataFileError(doc.file, nodeLine(doc.sf, pa), `duplicate key "${k}"`, fieldOf(at));
        }
        defineKey(out, k, evaluate(doc, pa.initializer, at));
        at.pop();
      }
      return out;
    }
    default:
      return fail(e);
  }
}

/**
 * Reads the value of `export const <exportName> = { ... }` (optionally wrapped in `satisfies X`,
 * `as const`, `as X` or parentheses) as plain data.
 *
 * @param text the source text of the data file
 * @param exportName the exported constant, e.g. `releases`
 * @param fileName used in error messages
 * @throws DataFileError (with the 1-based line) when the file does not parse, the export is
 *   missing or not an object literal, or the literal contains anything but plain data (spreads,
 *   calls, identifiers, computed keys, duplicate keys...).
 */
export function readDataFile(text: string, exportName: string, fileName?: string): DataValue {
  const doc = parseDoc(text, exportName, fileName ?? DEFAULT_FILE);
  return evaluate(doc, doc.root, []);
}
