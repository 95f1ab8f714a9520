import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import * as ts from 'typescript';

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

const DEFAULT_FILE = '<data file>';
const MAX_WIDTH = 120;

// ---------------------------------------------------------------------------------------------
// Parsing and reading

/** A parsed data file: the source file and the object literal of the export. */
interface Doc {
  text: string;
  file: string;
  sf: ts.SourceFile;
  root: ts.ObjectLiteralExpression;
}

/** Strips `satisfies X`, `as X`, `as const`, `<X>expr` and parentheses around an expression. */
function unwrap(e: ts.Expression): ts.Expression {
  for (;;) {
    if (ts.isSatisfiesExpression(e) || ts.isAsExpression(e) || ts.isParenthesizedExpression(e) || ts.isTypeAssertionExpression(e)) {
      e = e.expression;
    } else {
      return e;
    }
  }
}

/** 1-based line of a position. */
function lineOf(sf: ts.SourceFile, pos: number): number {
  return sf.getLineAndCharacterOfPosition(pos).line + 1;
}

/** 1-based line where a node starts (after its leading trivia). */
function nodeLine(sf: ts.SourceFile, node: ts.Node): number {
  return lineOf(sf, node.getStart(sf));
}

/** Renders a path for messages: `echo.dev.tag`, `items[0]` (keys already written `[i]` stay so). */
function fieldOf(p: readonly string[]): string {
  return p.map((k, i) => (k.startsWith('[') || i === 0 ? k : `.${k}`)).join('');
}

/** A short human description of a node kind, for error messages. */
function describe(node: ts.Node): string {
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

const ALLOWED = 'only string, number, boolean, null, array and object literals are allowed in a data file';

/** The syntax errors of a parsed file (the parser keeps them on the source file). */
function syntaxErrors(sf: ts.SourceFile): readonly ts.DiagnosticWithLocation[] {
  return (sf as unknown as { parseDiagnostics?: readonly ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
}

/** Parses `text` and finds `export const <exportName> = <object literal>`; throws DataFileError otherwise. */
function parseDoc(text: string, exportName: string, file: string): Doc {
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
function propKey(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  if (ts.isNumericLiteral(name)) return String(Number(name.text));
  return undefined;
}

/** Sets a key on a plain object without ever touching its prototype (`__proto__` is data). */
function defineKey(obj: DataObject, key: string, value: DataValue): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/**
 * Evaluates a literal expression to plain data; throws DataFileError naming the line of anything
 * else. `at` is the path of `node` (used for messages; pushed and popped, not copied, for speed).
 */
function evaluate(doc: Doc, node: ts.Expression, at: string[]): DataValue {
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

// ---------------------------------------------------------------------------------------------
// Plain-data helpers

/** True for a non-array object (a DataObject). */
function isObject(v: DataValue | undefined): v is DataObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep equality of plain data (key order does not matter). */
function deepEqual(a: DataValue, b: DataValue): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Why `v` is not plain data, or undefined when it is. */
function notPlainData(v: unknown, seen: Set<unknown> = new Set()): string | undefined {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return undefined;
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : `the number ${v} cannot be written as a literal`;
  if (typeof v !== 'object') return `a value of type ${typeof v} is not plain data`;
  if (seen.has(v)) return 'the value is cyclic';
  seen.add(v);
  try {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        if (!(i in v)) return 'arrays must not have holes';
        const r = notPlainData(v[i], seen);
        if (r) return r;
      }
      return undefined;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return 'only plain objects are plain data (not class instances)';
    for (const k of Object.keys(v)) {
      const r = notPlainData((v as Record<string, unknown>)[k], seen);
      if (r) return `${k}: ${r}`;
    }
    return undefined;
  } finally {
    seen.delete(v);
  }
}

/** A deep copy of plain data. */
function clone(v: DataValue): DataValue {
  if (Array.isArray(v)) return v.map(clone);
  if (isObject(v)) {
    const out: DataObject = {};
    for (const k of Object.keys(v)) defineKey(out, k, clone(v[k]));
    return out;
  }
  return v;
}

/** `value` wrapped in objects for the keys of `rest`: (['a', 'b'], 1) -> { a: { b: 1 } }. */
function nest(rest: readonly string[], value: DataValue): DataValue {
  let v = value;
  for (let i = rest.length - 1; i >= 0; i--) {
    const o: DataObject = {};
    defineKey(o, rest[i], v);
    v = o;
  }
  return v;
}

/** True when `key` is a canonical array index (`0`, `1`, ... no leading zeros). */
function isIndex(key: string): boolean {
  return /^(0|[1-9]\d*)$/.test(key);
}

/** The expected data after setting `value` at `p` (mirrors setValue; the caller checked the path). */
function dataWithSet(data: DataValue, p: readonly string[], value: DataValue): DataValue {
  if (p.length === 0) return clone(value);
  const out = clone(data);
  let cur: DataValue = out;
  for (let i = 0; i < p.length - 1; i++) {
    const k = p[i];
    if (Array.isArray(cur)) {
      cur = cur[Number(k)];
    } else if (isObject(cur)) {
      if (!Object.prototype.hasOwnProperty.call(cur, k)) {
        defineKey(cur, k, nest(p.slice(i + 1), clone(value)));
        return out;
      }
      cur = cur[k];
    }
  }
  const last = p[p.length - 1];
  if (Array.isArray(cur)) cur[Number(last)] = clone(value);
  else if (isObject(cur)) defineKey(cur, last, clone(value));
  return out;
}

/** The expected data after deleting the property at `p` (the caller checked it exists). */
function dataWithDelete(data: DataValue, p: readonly string[]): DataValue {
  const out = clone(data);
  let cur: DataValue = out;
  for (let i = 0; i < p.length - 1; i++) cur = Array.isArray(cur) ? cur[Number(p[i])] : (cur as DataObject)[p[i]];
  delete (cur as DataObject)[p[p.length - 1]];
  return out;
}

// ---------------------------------------------------------------------------------------------
// Source style and rendering

/** How the file writes things; detected once from the original text. */
interface Style {
  quote: "'" | '"';
  indentUnit: string;
  eol: string;
  trailingComma: boolean;
  /**
   * Widest line a value is written on before it is split over several lines: MAX_WIDTH, or the
   * widest line that holds a one-line object in the file (release entries with a digest are ~130
   * columns), so inserted entries look like their siblings and stay one line per value.
   */
  width: number;
}

/** Leading whitespace of the line containing `pos`. */
function lineIndent(text: string, pos: number): string {
  const start = lineStart(text, pos);
  let end = start;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  return text.slice(start, end);
}

/** Offset of the first character of the line containing `pos`. */
function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

/** Offset of the end of the line containing `pos` (the `\r` of a CRLF, the `\n`, or the text end). */
function lineContentEnd(text: string, pos: number): number {
  let nl = text.indexOf('\n', pos);
  if (nl < 0) return text.length;
  if (nl > 0 && text[nl - 1] === '\r') nl--;
  return nl;
}

/** Offset just after the line break of the line containing `pos` (or the text end). */
function lineNext(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  return nl < 0 ? text.length : nl + 1;
}

/** True when only spaces/tabs are between the start of `pos`'s line and `pos`. */
function firstOnLine(text: string, pos: number): boolean {
  return text.slice(lineStart(text, pos), pos).trim() === '';
}

/** Detects quote style, indentation unit, line ending and trailing-comma style from the export. */
function detectStyle(doc: Doc): Style {
  const { text, sf } = doc;
  let single = 0;
  let double = 0;
  let indentUnit: string | undefined;
  let trailingComma: boolean | undefined;
  let width = MAX_WIDTH;
  let inlineObjects = 0;
  // Enough evidence is a few dozen strings, one multi-line object and a few one-line objects: stop there (large files).
  const visit = (n: ts.Node): boolean | undefined => {
    if (single + double >= 50 && indentUnit !== undefined && trailingComma !== undefined && inlineObjects >= 20) return true;
    if (ts.isObjectLiteralExpression(n) && n.properties.length > 1 && lineOf(sf, n.getStart(sf)) === lineOf(sf, n.end - 1)) {
      inlineObjects++;
      const start = n.getStart(sf);
      width = Math.max(width, lineContentEnd(text, start) - lineStart(text, start));
    }
    if (ts.isStringLiteral(n)) {
      const c = text[n.getStart(sf)];
      if (c === "'") single++;
      else if (c === '"') double++;
    } else if (ts.isObjectLiteralExpression(n) && n.properties.length > 0) {
      const open = n.getStart(sf);
      const first = n.properties[0].getStart(sf);
      if (lineOf(sf, open) !== lineOf(sf, n.end - 1) && firstOnLine(text, first)) {
        const outer = lineIndent(text, open);
        const inner = lineIndent(text, first);
        if (indentUnit === undefined && inner.length > outer.length && inner.startsWith(outer)) indentUnit = inner.slice(outer.length);
        if (trailingComma === undefined && firstOnLine(text, n.end - 1)) trailingComma = n.properties.hasTrailingComma;
      }
    }
    return ts.forEachChild(n, visit);
  };
  visit(doc.root);
  return {
    quote: double > single ? '"' : "'",
    indentUnit: indentUnit ?? '  ',
    eol: text.includes('\r\n') ? '\r\n' : '\n',
    trailingComma: trailingComma ?? true,
    width,
  };
}

/** A string literal in the given quote style, escaping quotes, backslashes and non-printable characters. */
export function renderString(s: string, quote: "'" | '"' = "'"): string {
  let out = quote;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const code = s.charCodeAt(i);
    if (c === quote || c === '\\') out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      out += c + s[i + 1]; // a well-formed surrogate pair (emoji etc.) stays literal
      i++;
    } else if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029 || code === 0xfeff || (code >= 0xd800 && code <= 0xdfff)) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else out += c;
  }
  return out + quote;
}

/** A property key: bare when it is an identifier, else a quoted string. */
function renderKey(key: string, style: Style): string {
  return isIdentifierName(key) ? key : renderString(key, style.quote);
}

/** True when `key` can be written as a bare property name (reserved words included). */
function isIdentifierName(key: string): boolean {
  if (key === '') return false;
  let first = true;
  for (const ch of key) {
    const cp = ch.codePointAt(0) as number;
    if (first ? !ts.isIdentifierStart(cp, ts.ScriptTarget.Latest) : !ts.isIdentifierPart(cp, ts.ScriptTarget.Latest)) return false;
    first = false;
  }
  return true;
}

/** A number literal (`-0` keeps its sign). */
function renderNumber(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n);
}

/** Plain data on one line: `{ tag: 'a', n: 1 }`, `['x', 'y']`, `{}`. */
function renderInline(v: DataValue, style: Style): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return renderString(v, style.quote);
  if (typeof v === 'number') return renderNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => renderInline(x, style)).join(', ')}]`;
  const keys = Object.keys(v);
  if (keys.length === 0) return '{}';
  return `{ ${keys.map((k) => `${renderKey(k, style)}: ${renderInline(v[k], style)}`).join(', ')} }`;
}

/**
 * Plain data as source: on one line when `column + length + tail` fits in the style's width, otherwise
 * objects and arrays span lines, their entries indented one unit deeper than `indent`.
 *
 * @param column the column (0-based) the value starts at
 * @param tail characters that follow the value on its line (e.g. a comma)
 */
function render(v: DataValue, style: Style, indent: string, column: number, tail: number): string {
  const inline = renderInline(v, style);
  if (v === null || typeof v !== 'object' || column + inline.length + tail <= style.width) return inline;
  const inner = indent + style.indentUnit;
  const comma = (last: boolean) => (last && !style.trailingComma ? '' : ',');
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    const lines = v.map((x, i) => `${inner}${render(x, style, inner, inner.length, 1)}${comma(i === v.length - 1)}`);
    return `[${style.eol}${lines.join(style.eol)}${style.eol}${indent}]`;
  }
  const keys = Object.keys(v);
  if (keys.length === 0) return '{}';
  const lines = keys.map((k, i) => {
    const head = `${inner}${renderKey(k, style)}: `;
    return `${head}${render(v[k], style, inner, head.length, 1)}${comma(i === keys.length - 1)}`;
  });
  return `{${style.eol}${lines.join(style.eol)}${style.eol}${indent}}`;
}

// ---------------------------------------------------------------------------------------------
// Locating and editing

/** One text replacement on the original text. */
interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Applies non-overlapping edits (any order). */
function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** Where a path leads: the node of the full path, or the deepest existing object literal. */
interface Location {
  /** How many path keys exist (path.length when the whole path exists). */
  depth: number;
  /** The (unwrapped) value node at `path[0..depth)`. */
  node: ts.Expression;
  /** The property of the last existing key (undefined for the root or array elements). */
  prop?: ts.PropertyAssignment;
  /** The object literal containing `prop`. */
  parent?: ts.ObjectLiteralExpression;
}

/** The property named `key` in an object literal (the file was validated: all are PropertyAssignments). */
function findProp(obj: ts.ObjectLiteralExpression, key: string): ts.PropertyAssignment | undefined {
  for (const p of obj.properties) if (ts.isPropertyAssignment(p) && propKey(p.name) === key) return p;
  return undefined;
}

/** A short name for the kind of value a node holds, for messages. */
function kindName(node: ts.Expression): string {
  if (ts.isArrayLiteralExpression(node)) return 'an array';
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return 'a string';
  if (ts.isNumericLiteral(node) || ts.isPrefixUnaryExpression(node)) return 'a number';
  if (node.kind === ts.SyntaxKind.NullKeyword) return 'null';
  return 'a boolean';
}

/** Walks `p` from the root as far as it exists; throws when it runs into a scalar or past an array. */
function locate(doc: Doc, p: readonly string[]): Location {
  let loc: Location = { depth: 0, node: doc.root };
  for (let i = 0; i < p.length; i++) {
    const node = loc.node;
    const key = p[i];
    if (ts.isObjectLiteralExpression(node)) {
      const prop = findProp(node, key);
      if (!prop) return loc;
      loc = { depth: i + 1, node: unwrap(prop.initializer), prop, parent: node };
    } else if (ts.isArrayLiteralExpression(node)) {
      if (!isIndex(key) || Number(key) >= node.elements.length) {
        const reason = `${fieldOf(p.slice(0, i))} is an array without element ${key}; arrays can only be edited at existing indexes`;
        throw new DataFileError(doc.file, nodeLine(doc.sf, node), reason, fieldOf(p.slice(0, i + 1)));
      }
      loc = { depth: i + 1, node: unwrap(node.elements[Number(key)]) };
    } else {
      const reason = `${fieldOf(p.slice(0, i))} is ${kindName(node)}, not an object; cannot set ${key} inside it`;
      throw new DataFileError(doc.file, nodeLine(doc.sf, node), reason, fieldOf(p.slice(0, i + 1)));
    }
  }
  return loc;
}

/** Skips whitespace and comments from `pos`; returns the offset of the next token. */
function skipTrivia(text: string, pos: number): number {
  let i = pos;
  for (;;) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v' || c === '\ufeff') {
      i++;
    } else if (c === '/' && text[i + 1] === '/') {
      i = lineContentEnd(text, i);
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 2;
    } else {
      return i;
    }
  }
}

/** The offset of the comma after `node`, or undefined when none follows. */
function commaAfter(text: string, node: ts.Node): number | undefined {
  const i = skipTrivia(text, node.end);
  return text[i] === ',' ? i : undefined;
}

/** True when the source range holds a comment (strings that contain `//` do not count). */
function hasComments(text: string, start: number, end: number): boolean {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text, undefined, start, end - start);
  for (let k = scanner.scan(); k !== ts.SyntaxKind.EndOfFileToken; k = scanner.scan()) {
    if (k === ts.SyntaxKind.SingleLineCommentTrivia || k === ts.SyntaxKind.MultiLineCommentTrivia) return true;
  }
  return false;
}

/** Edits that insert `key: value` into the object literal `obj`, in the file's style. */
function insertEdits(doc: Doc, style: Style, obj: ts.ObjectLiteralExpression, key: string, value: DataValue): Edit[] {
  const { text, sf } = doc;
  const open = obj.getStart(sf);
  const close = obj.end - 1; // the `}`
  const props = obj.properties;
  const last = props.length > 0 ? props[props.length - 1] : undefined;
  const keyText = renderKey(key, style);
  const multiLine = lineOf(sf, open) !== lineOf(sf, close);

  if (!multiLine) {
    let edit: Edit;
    if (!last) {
      const head = `{ ${keyText}: `;
      const col = open - lineStart(text, open) + head.length;
      const rest = lineContentEnd(text, close) - close + 1;
      const v = render(value, style, lineIndent(text, open), col, rest);
      edit = { start: open, end: close + 1, text: `${head}${v} }` };
    } else {
      const comma = commaAfter(text, last);
      const at = comma !== undefined ? comma + 1 : last.end;
      const head = comma !== undefined ? ` ${keyText}: ` : `, ${keyText}: `;
      const col = at - lineStart(text, at) + head.length;
      const rest = lineContentEnd(text, at) - at + (comma !== undefined ? 1 : 0);
      const v = render(value, style, lineIndent(text, at), col, rest);
      edit = { start: at, end: at, text: `${head}${v}${comma !== undefined ? ',' : ''}` };
    }
    // A value too long for the line would start a multi-line block in the middle of a one-line
    // object: write the object on several lines instead (existing properties kept verbatim).
    if (!edit.text.includes('\n') || hasComments(text, open, obj.end)) return [edit];
    const base = lineIndent(text, open);
    const inner = base + style.indentUnit;
    const head = `${inner}${keyText}: `;
    const entries = props.map((p) => `${inner}${text.slice(p.getStart(sf), p.end)},`);
    entries.push(`${head}${render(value, style, inner, head.length, 1)}${style.trailingComma ? ',' : ''}`);
    return [{ start: open, end: obj.end, text: `{${style.eol}${entries.join(style.eol)}${style.eol}${base}}` }];
  }

  // Multi-line: a new line before the closing brace, indented like the existing properties.
  let indent: string | undefined;
  for (const p of last ? [last, props[0]] : []) {
    const s = p.getStart(sf);
    if (firstOnLine(text, s)) {
      indent = lineIndent(text, s);
      break;
    }
  }
  indent ??= lineIndent(text, open) + style.indentUnit;
  const trailing = last ? props.hasTrailingComma : style.trailingComma;
  const head = `${indent}${keyText}: `;
  const v = render(value, style, indent, head.length, trailing ? 1 : 0);
  const entry = `${head}${v}${trailing ? ',' : ''}`;
  if (firstOnLine(text, close)) {
    const at = lineStart(text, close);
    const edits: Edit[] = [{ start: at, end: at, text: `${entry}${style.eol}` }];
    if (last && !props.hasTrailingComma) edits.push({ start: last.end, end: last.end, text: ',' });
    return edits;
  }
  if (last) {
    // `  b: 2 }`: the new property goes on a new line after the last one, the brace stays put.
    const comma = commaAfter(text, last);
    const at = comma !== undefined ? comma + 1 : last.end;
    return [{ start: at, end: at, text: `${comma === undefined ? ',' : ''}${style.eol}${entry}` }];
  }
  return [{ start: close, end: close, text: `${style.eol}${entry}${style.eol}${lineIndent(text, open)}` }];
}

/** Edits that remove property `prop` from `obj` (its whole lines when it is alone on them). */
function deleteEdits(doc: Doc, obj: ts.ObjectLiteralExpression, prop: ts.ObjectLiteralElementLike): Edit[] {
  const { text, sf } = doc;
  const props = obj.properties;
  const idx = props.indexOf(prop);
  if (props.length === 1) return [{ start: obj.getStart(sf), end: obj.end, text: '{}' }];
  const start = prop.getStart(sf);
  const comma = commaAfter(text, prop);
  const after = comma !== undefined ? comma + 1 : prop.end;
  const restOfLine = text.slice(after, lineContentEnd(text, after)).trim();
  const alone = firstOnLine(text, start) && (restOfLine === '' || restOfLine.startsWith('//'));
  const isLast = idx === props.length - 1;
  if (alone) {
    // Also remove full-line comments directly above (no blank line between): they describe this entry.
    let from = lineStart(text, start);
    const leading = ts.getLeadingCommentRanges(text, prop.pos) ?? [];
    for (let i = leading.length - 1; i >= 0; i--) {
      const r = leading[i];
      const endLine = lineOf(sf, r.end);
      if (endLine !== lineOf(sf, from) - 1 || !firstOnLine(text, r.pos) || text.slice(r.end, lineContentEnd(text, r.end)).trim() !== '') break;
      from = lineStart(text, r.pos);
    }
    const edits: Edit[] = [{ start: from, end: lineNext(text, after), text: '' }];
    if (isLast && comma === undefined) {
      const prevComma = commaAfter(text, props[idx - 1]);
      if (prevComma !== undefined) edits.push({ start: prevComma, end: prevComma + 1, text: '' });
    }
    return edits;
  }
  if (idx > 0) {
    const prevComma = commaAfter(text, props[idx - 1]);
    if (prevComma !== undefined) return [{ start: prevComma, end: prop.end, text: '' }];
  }
  return [{ start: start, end: props[idx + 1].getStart(sf), text: '' }];
}

/** Parses with a one-entry cache (recursive edits re-read the same text). */
class Parser {
  private last: Doc | undefined;

  constructor(
    private readonly exportName: string,
    private readonly file: string,
  ) {}

  /** The parsed document for `text`. */
  parse(text: string): Doc {
    if (this.last?.text !== text) this.last = parseDoc(text, this.exportName, this.file);
    return this.last;
  }
}

/** Sets `value` at `p`, recursing into object literals so that only differing leaves change. */
function setAt(parser: Parser, style: Style, text: string, p: readonly string[], value: DataValue): string {
  const doc = parser.parse(text);
  const loc = locate(doc, p);
  if (loc.depth < p.length) {
    const obj = loc.node as ts.ObjectLiteralExpression; // locate only stops early at object literals
    return applyEdits(text, insertEdits(doc, style, obj, p[loc.depth], nest(p.slice(loc.depth + 1), value)));
  }
  const node = loc.node;
  const old = evaluate(doc, node, [...p]);
  if (deepEqual(old, value)) return text;
  if (isObject(value) && isObject(old) && ts.isObjectLiteralExpression(node)) {
    const keys = Object.keys(value);
    if (keys.length > 0 && keys.some((k) => Object.prototype.hasOwnProperty.call(old, k))) {
      let t = text;
      // Children edit disjoint ranges, so `old` stays valid for keys not yet visited: skip equal ones.
      for (const k of keys) {
        const same = Object.prototype.hasOwnProperty.call(old, k) && deepEqual(old[k], value[k]);
        if (!same) t = setAt(parser, style, t, [...p, k], value[k]);
      }
      for (const k of Object.keys(old)) if (!Object.prototype.hasOwnProperty.call(value, k)) t = deleteAt(parser, t, [...p, k]);
      return t;
    }
  }
  if (Array.isArray(value) && Array.isArray(old) && value.length === old.length && ts.isArrayLiteralExpression(node)) {
    let t = text;
    for (let i = 0; i < value.length; i++) if (!deepEqual(old[i], value[i])) t = setAt(parser, style, t, [...p, String(i)], value[i]);
    return t;
  }
  const start = node.getStart(doc.sf);
  const col = start - lineStart(text, start);
  const rest = lineContentEnd(text, node.end) - node.end;
  return applyEdits(text, [{ start, end: node.end, text: render(value, style, lineIndent(text, start), col, rest) }]);
}

/** Deletes the property at `p` (which must exist and be an object property). */
function deleteAt(parser: Parser, text: string, p: readonly string[]): string {
  const doc = parser.parse(text);
  const loc = locate(doc, p);
  if (loc.depth < p.length) return text;
  if (!loc.prop || !loc.parent) {
    throw new DataFileError(doc.file, nodeLine(doc.sf, loc.node), 'only object properties can be deleted (not array elements or the export itself)', fieldOf(p));
  }
  return applyEdits(text, deleteEdits(doc, loc.parent, loc.prop));
}

/** Re-reads the edited text and checks it says exactly `expected`; throws DataFileError if not. */
function verify(result: string, exportName: string, file: string, expected: DataValue, p: readonly string[]): void {
  let actual: DataValue;
  try {
    actual = readDataFile(result, exportName, file);
  } catch (e) {
    const why = e instanceof DataFileError ? e.reason : String(e);
    throw new DataFileError(file, e instanceof DataFileError ? e.line : 1, `internal error: the edited file does not re-read (${why}); nothing was changed`, fieldOf(p));
  }
  if (!deepEqual(actual, expected)) {
    throw new DataFileError(file, 1, 'internal error: the edited file does not hold the requested value; nothing was changed', fieldOf(p));
  }
}

/**
 * Returns `text` with the value at `path` (keys from the exported object) set to `value`, changing
 * as little source as possible:
 * - an equal value (deep) leaves the text untouched (`changed: false`);
 * - an existing value is replaced in its own source range; when both old and new are objects
 *   sharing keys, only differing leaves change (keys missing from `value` are deleted, new ones
 *   appended), so comments, key order and the rest of each line survive;
 * - a missing path is inserted into the deepest existing object literal, creating intermediate
 *   objects, in the file's style (indentation, quotes, trailing commas, one-line vs multi-line).
 *
 * The result is re-read and compared with the expected data before it is returned.
 *
 * @throws DataFileError when the file is not a valid data file, the path runs through a scalar or
 *   past the end of an array, `value` is not plain data, or the edit could not be verified.
 */
export function setValue(text: string, exportName: string, path: readonly string[], value: DataValue, opts: EditOptions = {}): EditResult {
  const file = opts.fileName ?? DEFAULT_FILE;
  const parser = new Parser(exportName, file);
  const doc = parser.parse(text);
  const data = evaluate(doc, doc.root, []);
  const bad = notPlainData(value);
  if (bad !== undefined) throw new DataFileError(file, nodeLine(doc.sf, doc.root), `cannot write the value: ${bad}`, fieldOf(path));
  if (path.length === 0 && !isObject(value)) {
    throw new DataFileError(file, nodeLine(doc.sf, doc.root), `"${exportName}" must stay an object; cannot set it to ${Array.isArray(value) ? 'an array' : typeof value}`);
  }
  locate(doc, path); // throws on paths through scalars
  const result = setAt(parser, detectStyle(doc), text, path, value);
  if (result === text) return { text, changed: false };
  verify(result, exportName, file, dataWithSet(data, path, value), path);
  return { text: result, changed: true };
}

/**
 * Returns `text` without the property at `path`: the property's lines when it is alone on them
 * (with its trailing comma, trailing comment and the full-line comments directly above it),
 * otherwise just the property and one separating comma. Removing the last property of an object
 * leaves `{}`. A missing path is not an error (`changed: false`).
 *
 * @throws DataFileError when the file is not a valid data file, the path is empty, runs through a
 *   scalar or names an array element, or the edit could not be verified.
 */
export function deleteValue(text: string, exportName: string, path: readonly string[], opts: EditOptions = {}): EditResult {
  const file = opts.fileName ?? DEFAULT_FILE;
  const parser = new Parser(exportName, file);
  const doc = parser.parse(text);
  const data = evaluate(doc, doc.root, []);
  if (path.length === 0) throw new DataFileError(file, nodeLine(doc.sf, doc.root), `cannot delete "${exportName}" itself; give the path of a property`);
  const result = deleteAt(parser, text, path);
  if (result === text) return { text, changed: false };
  verify(result, exportName, file, dataWithDelete(data, path), path);
  return { text: result, changed: true };
}

/**
 * Rewrites the object literal at `path` on one line when it spans several lines, holds no comment
 * and fits the file's width (e.g. after `release unhold` removed the `hold` that had split a
 * one-line entry). Otherwise `changed: false`. The data is unchanged either way.
 */
export function compactValue(text: string, exportName: string, path: readonly string[], opts: EditOptions = {}): EditResult {
  const file = opts.fileName ?? DEFAULT_FILE;
  const parser = new Parser(exportName, file);
  const doc = parser.parse(text);
  const loc = locate(doc, path);
  const node = loc.node;
  if (loc.depth < path.length || !ts.isObjectLiteralExpression(node)) return { text, changed: false };
  const start = node.getStart(doc.sf);
  const end = node.end;
  if (lineOf(doc.sf, start) === lineOf(doc.sf, end - 1) || hasComments(text, start, end)) return { text, changed: false };
  const style = detectStyle(doc);
  const inline = renderInline(evaluate(doc, node, [...path]), style);
  const column = start - lineStart(text, start);
  const tail = lineContentEnd(text, end) - end;
  if (column + inline.length + tail > style.width) return { text, changed: false };
  const result = text.slice(0, start) + inline + text.slice(end);
  verify(result, exportName, file, evaluate(doc, doc.root, []), path);
  return { text: result, changed: true };
}

// ---------------------------------------------------------------------------------------------
// I/O

/** Reads a data file as UTF-8 text (byte-order mark and line endings kept). */
export function readTextFile(file: string): string {
  return fs.readFileSync(file, 'utf8');
}

/**
 * Writes `text` (UTF-8) to `file` atomically: a temp file `.<name>.tmp-<pid>-<random>` in the same
 * directory is written, fsynced and renamed over the target, so readers see the old or the new
 * content, never a mix. The target's permission bits are kept. On error the temp file is removed.
 */
export function writeFileAtomic(file: string, text: string): void {
  const dir = nodePath.dirname(file);
  const tmp = nodePath.join(dir, `.${nodePath.basename(file)}.tmp-${process.pid}-${crypto.randomBytes(6).toString('hex')}`);
  let mode = 0o666;
  try {
    mode = fs.statSync(file).mode & 0o7777;
  } catch {
    // a new file: default mode (umask applies)
  }
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx', mode);
    fs.writeFileSync(fd, text, 'utf8');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, file);
  } catch (e) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // already failing; the original error is what matters
      }
    }
    try {
      fs.unlinkSync(tmp);
    } catch {
      // not created or already gone
    }
    throw e;
  }
  try {
    const dfd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    // directories cannot be fsynced on every platform; the rename itself is atomic
  }
}
