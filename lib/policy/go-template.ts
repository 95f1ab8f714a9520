/**
 * A deliberately tiny evaluator of Go `text/template` (+ the two Sprig functions we use), for the
 * offline ApplicationSet expansion check. It evaluates exactly this subset and refuses the rest:
 *
 *   text {{ action }} text          actions may use the trim markers `{{- ` and ` -}}`
 *   action   := command
 *   command  := operand | "index" operand int... | "get" operand operand | "dict" operand...
 *   operand  := field chain (.a.b.c) | "string" | `raw string` | int | ( command )
 *
 * - Field chains walk maps (plain objects). With `missingkey=error` (what our ApplicationSets set
 *   and Argo CD passes to `template.Option`) a missing key throws, like Go's
 *   `map has no entry for key "x"`; with the default option it yields no value, printed as
 *   `<no value>` (Go prints that for a missing key of a `map[string]any`).
 * - `index x i j...`: Go's builtin on arrays (int indexes; out of range throws) and maps
 *   (a missing key gives no value, even with missingkey=error, as in Go).
 * - Sprig `dict k1 v1 k2 v2...` builds a map (odd count: the last key maps to ""), Sprig
 *   `get map key` returns the value or "" when the key is missing.
 * - Printing: strings as is, numbers and booleans as Go prints them; printing a map or an array is
 *   refused (Go would print `map[...]` / `[...]`, never what a Kubernetes field wants).
 *
 * Anything else (pipes `|`, variables, `if`/`range`/`with`/`define`/`template`/`block`, comments,
 * any other function, a literal `{{` with no closing `}}`) throws
 * {@link UnsupportedTemplateError} "unsupported template action: ...", so a check built on this
 * never passes on something it could not evaluate.
 */

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

export class UnsupportedTemplateError extends TemplateError {
  constructor(detail: string) {
    super(`unsupported template action: ${detail}`);
    this.name = 'UnsupportedTemplateError';
  }
}

export interface GoTemplateOptions {
  /** Go's `missingkey` option: `error` throws on a missing map key; `default` prints `<no value>`. */
  missingKey?: 'error' | 'default';
}

/** Turns ApplicationSet `goTemplateOptions` into options; only `missingkey=...` is understood. */
export function parseGoTemplateOptions(options: readonly string[] | undefined): GoTemplateOptions {
  const result: GoTemplateOptions = { missingKey: 'default' };
  for (const option of options ?? []) {
    const m = /^missingkey=(.*)$/.exec(option);
    if (!m) throw new UnsupportedTemplateError(`goTemplateOptions entry ${JSON.stringify(option)} (only missingkey=... is supported)`);
    // Go: "default"/"invalid" print "<no value>"; "zero" gives the zero value, which for the
    // map[string]any parameters Argo CD passes is nil and prints "<no value>" as well.
    if (m[1] === 'error') result.missingKey = 'error';
    else if (m[1] === 'default' || m[1] === 'invalid' || m[1] === 'zero') result.missingKey = 'default';
    else throw new TemplateError(`unrecognized option missingkey=${m[1]}`);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Lexing
// ---------------------------------------------------------------------------------------------

type Token =
  | { t: 'field'; path: string[]; src: string }
  | { t: 'string'; value: string; src: string }
  | { t: 'number'; value: number; src: string }
  | { t: 'ident'; name: string; src: string }
  | { t: 'lparen'; src: string }
  | { t: 'rparen'; src: string };

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isIdentStart = (c: string | undefined): boolean => c !== undefined && /[A-Za-z_]/.test(c);
const isIdentChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_]/.test(c);

interface Action {
  tokens: Token[];
  src: string;
}

type Piece = { kind: 'text'; text: string } | { kind: 'action'; action: Action };

/** Splits a template into text and lexed actions, applying the trim markers. */
function lex(template: string): Piece[] {
  const pieces: Piece[] = [];
  let i = 0;
  let trimNextText = false;
  while (i <= template.length) {
    const open = template.indexOf('{{', i);
    let text = open < 0 ? template.slice(i) : template.slice(i, open);
    if (trimNextText) text = text.replace(/^[ \t\r\n]+/, '');
    trimNextText = false;
    if (open < 0) {
      if (text !== '') pieces.push({ kind: 'text', text });
      break;
    }
    // "{{- " (dash followed by white space) trims the white space before the action.
    let j = open + 2;
    if (template[j] === '-' && isSpace(template[j + 1])) {
      text = text.replace(/[ \t\r\n]+$/, '');
      j += 2;
    }
    if (text !== '') pieces.push({ kind: 'text', text });
    const { tokens, end, trimRight } = lexAction(template, j, open);
    pieces.push({ kind: 'action', action: { tokens, src: template.slice(open, end) } });
    trimNextText = trimRight;
    i = end;
  }
  return pieces;
}

function lexAction(template: string, start: number, open: number): { tokens: Token[]; end: number; trimRight: boolean } {
  const tokens: Token[] = [];
  let i = start;
  const snippet = (): string => {
    const close = template.indexOf('}}', open);
    return close < 0 ? template.slice(open) : template.slice(open, close + 2);
  };
  for (;;) {
    const before = i;
    while (isSpace(template[i])) i++;
    if (i >= template.length) throw new UnsupportedTemplateError(`unclosed action ${JSON.stringify(template.slice(open))}`);
    // " -}}" (white space, dash) trims the white space after the action.
    if (template.startsWith('-}}', i) && i > before) return { tokens, end: i + 3, trimRight: true };
    if (template.startsWith('}}', i)) return { tokens, end: i + 2, trimRight: false };
    const c = template[i];
    if (c === '.') {
      // Field chain .a.b.c (a lone "." is the whole data: refused, nothing here needs it).
      const path: string[] = [];
      const from = i;
      while (template[i] === '.') {
        i++;
        let name = '';
        while (isIdentChar(template[i])) name += template[i++];
        if (name === '' || !isIdentStart(name[0])) throw new UnsupportedTemplateError(`${JSON.stringify(snippet())} (only field chains like .path.basename are supported)`);
        path.push(name);
      }
      tokens.push({ t: 'field', path, src: template.slice(from, i) });
    } else if (c === '"') {
      const from = i;
      i++;
      let value = '';
      for (;;) {
        const ch = template[i];
        if (ch === undefined || ch === '\n') throw new TemplateError(`unterminated quoted string in ${JSON.stringify(snippet())}`);
        if (ch === '"') {
          i++;
          break;
        }
        if (ch === '\\') {
          const e = template[i + 1];
          const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v' };
          if (e === undefined || !(e in map)) throw new UnsupportedTemplateError(`escape sequence \\${e ?? ''} in ${JSON.stringify(snippet())}`);
          value += map[e];
          i += 2;
          continue;
        }
        value += ch;
        i++;
      }
      tokens.push({ t: 'string', value, src: template.slice(from, i) });
    } else if (c === '`') {
      const close = template.indexOf('`', i + 1);
      if (close < 0) throw new TemplateError(`unterminated raw quoted string in ${JSON.stringify(snippet())}`);
      tokens.push({ t: 'string', value: template.slice(i + 1, close), src: template.slice(i, close + 1) });
      i = close + 1;
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(template[i + 1] ?? ''))) {
      const m = /^-?[0-9]+/.exec(template.slice(i))!;
      const rest = template[i + m[0].length];
      if (rest !== undefined && /[A-Za-z0-9_.xXeEpP]/.test(rest)) {
        throw new UnsupportedTemplateError(`${JSON.stringify(snippet())} (only decimal integers are supported)`);
      }
      tokens.push({ t: 'number', value: Number(m[0]), src: m[0] });
      i += m[0].length;
    } else if (isIdentStart(c)) {
      const from = i;
      while (isIdentChar(template[i])) i++;
      tokens.push({ t: 'ident', name: template.slice(from, i), src: template.slice(from, i) });
    } else if (c === '(') {
      tokens.push({ t: 'lparen', src: c });
      i++;
    } else if (c === ')') {
      tokens.push({ t: 'rparen', src: c });
      i++;
    } else if (c === '|') {
      throw new UnsupportedTemplateError(`${JSON.stringify(snippet())} (pipes are not supported)`);
    } else if (c === '$') {
      throw new UnsupportedTemplateError(`${JSON.stringify(snippet())} (variables are not supported)`);
    } else if (c === '/' && template[i + 1] === '*') {
      throw new UnsupportedTemplateError(`${JSON.stringify(snippet())} (comments are not supported)`);
    } else {
      throw new UnsupportedTemplateError(`${JSON.stringify(snippet())} (unexpected ${JSON.stringify(c)})`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

type Expr =
  | { k: 'field'; path: string[]; src: string }
  | { k: 'literal'; value: string | number; src: string }
  | { k: 'call'; fn: 'index' | 'get' | 'dict'; args: Expr[]; src: string };

const FUNCTIONS = new Set(['index', 'get', 'dict']);
const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil', 'true', 'false']);

function parseAction(action: Action): Expr {
  const toks = action.tokens;
  let pos = 0;
  const unsupported = (why: string): never => {
    throw new UnsupportedTemplateError(`${JSON.stringify(action.src)} (${why})`);
  };

  // command := operand+  (the first one a function name when there are several)
  const parseCommand = (stopAtParen: boolean): Expr => {
    const first = toks[pos];
    if (first === undefined || (first.t === 'rparen' && stopAtParen)) unsupported('empty command');
    if (first.t === 'ident') {
      if (KEYWORDS.has(first.name)) unsupported(`"${first.name}" is not supported`);
      if (!FUNCTIONS.has(first.name)) unsupported(`function "${first.name}" is not supported (only index, get, dict)`);
      pos++;
      const args: Expr[] = [];
      while (pos < toks.length && !(toks[pos].t === 'rparen' && stopAtParen)) args.push(parseOperand());
      return { k: 'call', fn: first.name as 'index' | 'get' | 'dict', args, src: first.name };
    }
    const operand = parseOperand();
    if (pos < toks.length && !(toks[pos].t === 'rparen' && stopAtParen)) unsupported(`can't give argument to non-function ${operand.src}`);
    return operand;
  };

  const parseOperand = (): Expr => {
    const tok = toks[pos];
    if (tok === undefined) return unsupported('missing operand');
    switch (tok.t) {
      case 'field':
        pos++;
        return { k: 'field', path: tok.path, src: tok.src };
      case 'string':
        pos++;
        return { k: 'literal', value: tok.value, src: tok.src };
      case 'number':
        pos++;
        return { k: 'literal', value: tok.value, src: tok.src };
      case 'lparen': {
        pos++;
        const inner = parseCommand(true);
        if (toks[pos]?.t !== 'rparen') unsupported('unclosed parenthesis');
        pos++;
        return inner;
      }
      case 'rparen':
        return unsupported('unexpected ")"');
      case 'ident':
        if (KEYWORDS.has(tok.name)) return unsupported(`"${tok.name}" is not supported`);
        // A bare function name as an argument would call it with no arguments: refuse.
        return unsupported(`function "${tok.name}" as an argument (parenthesize the call)`);
    }
  };

  if (toks.length === 0) unsupported('empty action');
  const expr = parseCommand(false);
  if (pos !== toks.length) unsupported('trailing tokens');
  return expr;
}

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

/** Go's "no value" (a missing key under missingkey=default). */
const NO_VALUE = Symbol('no value');
type Value = unknown;

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const typeName = (v: unknown): string => {
  if (v === NO_VALUE || v === undefined || v === null) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  if (isMap(v)) return 'map[string]interface {}';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
};

/** The value of each `dict` call whose arguments are all literals, once evaluated (parsed templates are cached too). */
const literalDicts = new WeakMap<Expr, Readonly<Record<string, unknown>>>();

function evaluate(expr: Expr, data: unknown, opts: GoTemplateOptions, src: string): Value {
  const fail = (msg: string): never => {
    throw new TemplateError(`template ${JSON.stringify(src)}: ${msg}`);
  };
  switch (expr.k) {
    case 'literal':
      return expr.value;
    case 'field': {
      let cur: unknown = data;
      for (let i = 0; i < expr.path.length; i++) {
        const key = expr.path[i];
        // Go: a missing value (invalid reflect.Value) stays missing down the chain; a present nil
        // is an error.
        if (cur === NO_VALUE) continue;
        if (cur === undefined || cur === null) fail(`nil pointer evaluating interface {}.${key}`);
        if (!isMap(cur)) fail(`can't evaluate field ${key} in type ${typeName(cur)}`);
        const m = cur as Record<string, unknown>;
        if (!Object.prototype.hasOwnProperty.call(m, key)) {
          if (opts.missingKey === 'error') fail(`executing ${expr.src}: map has no entry for key "${key}"`);
          cur = NO_VALUE;
          continue;
        }
        cur = m[key];
      }
      return cur;
    }
    case 'call': {
      // A dict of literals is the same map for every directory: built once per parsed template, not once per
      // Application (the services ApplicationSet looks up each app's team in a dict of every app: quadratic otherwise).
      const constant = expr.fn === 'dict' ? literalDicts.get(expr) : undefined;
      if (constant) return constant;
      const args = expr.args.map((a) => evaluate(a, data, opts, src));
      if (expr.fn === 'dict') {
        const out: Record<string, unknown> = {};
        for (let i = 0; i < args.length; i += 2) {
          const k = args[i];
          if (typeof k !== 'string' && typeof k !== 'number') fail(`dict: key of type ${typeName(k)} is not supported`);
          out[String(k)] = i + 1 < args.length ? args[i + 1] : '';
        }
        if (constant === undefined && expr.args.every((a) => a.k === 'literal')) literalDicts.set(expr, Object.freeze(out));
        return out;
      }
      if (expr.fn === 'get') {
        if (args.length !== 2) fail(`wrong number of args for get: want 2 got ${args.length}`);
        const [m, key] = args;
        if (!isMap(m)) fail(`error calling get: wrong type for value; expected map[string]interface {}; got ${typeName(m)}`);
        if (typeof key !== 'string') fail(`error calling get: wrong type for value; expected string; got ${typeName(key)}`);
        const map = m as Record<string, unknown>;
        return Object.prototype.hasOwnProperty.call(map, key as string) ? map[key as string] : '';
      }
      // index
      if (args.length < 1) fail('wrong number of args for index: want at least 1 got 0');
      let cur = args[0];
      for (const idx of args.slice(1)) {
        if (cur === NO_VALUE || cur === undefined || cur === null) fail('error calling index: index of untyped nil');
        if (Array.isArray(cur)) {
          if (typeof idx !== 'number' || !Number.isInteger(idx)) fail(`error calling index: cannot index slice/array with type ${typeName(idx)}`);
          const n = idx as number;
          if (n < 0 || n >= cur.length) fail(`error calling index: index out of range: ${n}`);
          cur = cur[n];
        } else if (isMap(cur)) {
          if (typeof idx !== 'string') fail(`error calling index: value has type ${typeName(idx)}; should be string`);
          const map = cur as Record<string, unknown>;
          cur = Object.prototype.hasOwnProperty.call(map, idx as string) ? map[idx as string] : NO_VALUE;
        } else {
          fail(`error calling index: can't index item of type ${typeName(cur)}`);
        }
      }
      return cur;
    }
  }
}

function print(value: Value, src: string): string {
  if (value === NO_VALUE || value === undefined || value === null) return '<no value>';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' && Number.isFinite(value) && Number.isInteger(value)) return String(value);
  throw new UnsupportedTemplateError(`${JSON.stringify(src)} prints a value of type ${typeName(value)} (only strings, integers and booleans)`);
}

/**
 * Renders `template` over `data` the way Go's text/template would for the supported subset.
 * Throws {@link UnsupportedTemplateError} for anything outside it and {@link TemplateError} for
 * execution errors (missing key under missingkey=error, index out of range, ...).
 */
export function renderGoTemplate(template: string, data: unknown, options: GoTemplateOptions = {}): string {
  const opts: GoTemplateOptions = { missingKey: options.missingKey ?? 'default' };
  if (!template.includes('{{')) return template;
  // Parse everything first: Go reports a parse error before executing anything. Parsed once per template: an
  // ApplicationSet's template is rendered for every directory it matches.
  let parsed = parsedTemplates.get(template);
  if (!parsed) {
    parsed = lex(template).map((piece) => (piece.kind === 'text' ? piece : { kind: 'action' as const, expr: parseAction(piece.action), src: piece.action.src }));
    if (parsedTemplates.size < 10_000) parsedTemplates.set(template, parsed);
  }
  let out = '';
  for (const piece of parsed) {
    if (piece.kind === 'text') out += piece.text;
    else out += print(evaluate(piece.expr, data, opts, piece.src), piece.src);
  }
  return out;
}

const parsedTemplates = new Map<string, ReadonlyArray<{ kind: 'text'; text: string } | { kind: 'action'; expr: Expr; src: string }>>();

/** True when the string contains a template action (`{{`). */
export const isTemplated = (s: string): boolean => s.includes('{{');
