import * as ts from 'typescript';
import { dataWithDelete, dataWithSet, deepEqual, isIndex, isObject, nest, notPlainData } from './plain-data';
import { DataFileError, DataValue, DEFAULT_FILE, Doc, EditOptions, EditResult, evaluate, fieldOf, lineOf, nodeLine, parseDoc, propKey, readDataFile, unwrap } from './read';
import { detectStyle, firstOnLine, lineContentEnd, lineIndent, lineNext, lineStart, render, renderInline, renderKey, Style } from './style';

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
