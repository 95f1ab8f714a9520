import * as ts from 'typescript';
import { DataValue, Doc, lineOf, MAX_WIDTH } from './read';

// ---------------------------------------------------------------------------------------------
// Source style and rendering

/** How the file writes things; detected once from the original text. */
export interface Style {
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
export function lineIndent(text: string, pos: number): string {
  const start = lineStart(text, pos);
  let end = start;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  return text.slice(start, end);
}

/** Offset of the first character of the line containing `pos`. */
export function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

/** Offset of the end of the line containing `pos` (the `\r` of a CRLF, the `\n`, or the text end). */
export function lineContentEnd(text: string, pos: number): number {
  let nl = text.indexOf('\n', pos);
  if (nl < 0) return text.length;
  if (nl > 0 && text[nl - 1] === '\r') nl--;
  return nl;
}

/** Offset just after the line break of the line containing `pos` (or the text end). */
export function lineNext(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  return nl < 0 ? text.length : nl + 1;
}

/** True when only spaces/tabs are between the start of `pos`'s line and `pos`. */
export function firstOnLine(text: string, pos: number): boolean {
  return text.slice(lineStart(text, pos), pos).trim() === '';
}

/** Detects quote style, indentation unit, line ending and trailing-comma style from the export. */
export function detectStyle(doc: Doc): Style {
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
export function renderKey(key: string, style: Style): string {
  return isIdentifierName(key) ? key : renderString(key, style.quote);
}

/** True when `key` can be written as a bare property name (reserved words included). */
export function isIdentifierName(key: string): boolean {
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
export function renderNumber(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n);
}

/** Plain data on one line: `{ tag: 'a', n: 1 }`, `['x', 'y']`, `{}`. */
export function renderInline(v: DataValue, style: Style): string {
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
export function render(v: DataValue, style: Style, indent: string, column: number, tail: number): string {
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
