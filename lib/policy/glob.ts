/**
 * Glob matching exactly as Argo CD does it, for the offline ApplicationSet expansion check.
 *
 * Two different matchers are involved, and they disagree on purpose:
 *
 * 1. `pathMatch`: Go's `path.Match` (golang/go src/path/match.go). Argo CD's git *directories*
 *    generator keeps a repository directory when `path.Match(directories[].path, dir)` is true
 *    (applicationset/generators/git.go `filterApps`). `*` and `?` never match `/`, there is no
 *    `**`, a class is `[...]` / `[^...]` (Go uses `^` only: `!` is a literal), `\` escapes.
 *    Ported byte for byte (Go works on UTF-8 bytes and decodes runes only for `?` and classes),
 *    including the late detection of malformed patterns: a malformed pattern throws
 *    {@link BadPatternError} (Go's `ErrBadPattern`) whenever Go would return it.
 *
 * 2. `compileGobwasGlob` / `globMatch`: github.com/gobwas/glob (argo-cd util/glob/glob.go),
 *    used by argo-cd `util/glob.Match` and by AppProject checks (pkg/apis/application/v1alpha1
 *    `globMatch`): destinations (server, name, namespace) are matched with **no separators**, so
 *    `*` matches any sequence including `/` and `.`; `sourceRepos` are matched with separator `/`
 *    after `git.NormalizeGitURL` on both sides, so there `*` stops at `/` and `**` crosses it.
 *    Syntax: `*`, `**`, `?`, `[abc]`, `[a-z]`, `[!abc]`, `[!a-z]` (one range *or* one set per
 *    class), `{a,b}` alternatives, `\` escape. A pattern that does not compile makes Argo CD's
 *    `glob.Match` log a warning and return false; {@link globMatch} does the same,
 *    {@link compileGobwasGlob} throws {@link GlobSyntaxError}.
 *    `argoGlobMatch` adds the AppProject rules on top: a leading `!` is a deny pattern (negated
 *    match) and the literal pattern `*` matches everything (even the empty string).
 */

// ---------------------------------------------------------------------------------------------
// Go path.Match
// ---------------------------------------------------------------------------------------------

/** Go's `path.ErrBadPattern`: the pattern is malformed. */
export class BadPatternError extends Error {
  constructor(readonly pattern: string) {
    super(`syntax error in pattern: ${JSON.stringify(pattern)}`);
    this.name = 'BadPatternError';
  }
}

const RUNE_ERROR = 0xfffd;
const SLASH = 0x2f;
const STAR = 0x2a;
const QUESTION = 0x3f;
const BACKSLASH = 0x5c;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const CARET = 0x5e;
const DASH = 0x2d;

/** Go's utf8.DecodeRune: [rune, width]; invalid or truncated encodings give [RuneError, 1]. */
function decodeRune(b: Uint8Array, i: number): [number, number] {
  const n = b.length - i;
  if (n < 1) return [RUNE_ERROR, 0];
  const b0 = b[i];
  if (b0 < 0x80) return [b0, 1];
  if (b0 < 0xc2 || b0 > 0xf4) return [RUNE_ERROR, 1];
  let size: number;
  let cp: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b0 < 0xe0) {
    size = 2;
    cp = b0 & 0x1f;
  } else if (b0 < 0xf0) {
    size = 3;
    cp = b0 & 0x0f;
    if (b0 === 0xe0) lo = 0xa0;
    if (b0 === 0xed) hi = 0x9f; // no surrogates
  } else {
    size = 4;
    cp = b0 & 0x07;
    if (b0 === 0xf0) lo = 0x90;
    if (b0 === 0xf4) hi = 0x8f; // <= U+10FFFF
  }
  for (let k = 1; k < size; k++) {
    if (k >= n) return [RUNE_ERROR, 1];
    const c = b[i + k];
    if (c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return [RUNE_ERROR, 1];
    cp = (cp << 6) | (c & 0x3f);
  }
  return [cp, size];
}

const utf8 = (s: string): Uint8Array => Buffer.from(s, 'utf8');

/** scanChunk: the next run of non-star pattern, possibly preceded by stars. */
function scanChunk(pattern: Uint8Array): { star: boolean; chunk: Uint8Array; rest: Uint8Array } {
  let star = false;
  while (pattern.length > 0 && pattern[0] === STAR) {
    pattern = pattern.subarray(1);
    star = true;
  }
  let inrange = false;
  for (let i = 0; i < pattern.length; i++) {
    switch (pattern[i]) {
      case BACKSLASH:
        if (i + 1 < pattern.length) i++; // a trailing backslash is reported by matchChunk
        break;
      case LBRACKET:
        inrange = true;
        break;
      case RBRACKET:
        inrange = false;
        break;
      case STAR:
        if (!inrange) return { star, chunk: pattern.subarray(0, i), rest: pattern.subarray(i) };
        break;
      default:
        break;
    }
  }
  return { star, chunk: pattern, rest: pattern.subarray(pattern.length) };
}

/** getEsc: a possibly escaped character of a class; throws on malformed input. */
function getEsc(chunk: Uint8Array, whole: string): { r: number; rest: Uint8Array } {
  if (chunk.length === 0 || chunk[0] === DASH || chunk[0] === RBRACKET) throw new BadPatternError(whole);
  if (chunk[0] === BACKSLASH) {
    chunk = chunk.subarray(1);
    if (chunk.length === 0) throw new BadPatternError(whole);
  }
  const [r, n] = decodeRune(chunk, 0);
  if (r === RUNE_ERROR && n === 1) throw new BadPatternError(whole);
  const rest = chunk.subarray(n);
  if (rest.length === 0) throw new BadPatternError(whole);
  return { r, rest };
}

/** matchChunk: does chunk match a prefix of s? Returns the rest of s, or null. Throws on bad syntax. */
function matchChunk(chunk: Uint8Array, s: Uint8Array, whole: string): Uint8Array | null {
  // After a mismatch the loop goes on parsing the chunk (so syntax errors are still reported)
  // without reading s any more.
  let failed = false;
  while (chunk.length > 0) {
    if (!failed && s.length === 0) failed = true;
    switch (chunk[0]) {
      case LBRACKET: {
        let r = 0;
        if (!failed) {
          const [rr, n] = decodeRune(s, 0);
          r = rr;
          s = s.subarray(n);
        }
        chunk = chunk.subarray(1);
        let negated = false;
        if (chunk.length > 0 && chunk[0] === CARET) {
          negated = true;
          chunk = chunk.subarray(1);
        }
        let match = false;
        let nrange = 0;
        for (;;) {
          if (chunk.length > 0 && chunk[0] === RBRACKET && nrange > 0) {
            chunk = chunk.subarray(1);
            break;
          }
          const lo = getEsc(chunk, whole);
          chunk = lo.rest;
          let hi = lo.r;
          if (chunk[0] === DASH) {
            const h = getEsc(chunk.subarray(1), whole);
            chunk = h.rest;
            hi = h.r;
          }
          if (lo.r <= r && r <= hi) match = true;
          nrange++;
        }
        if (match === negated) failed = true;
        break;
      }
      case QUESTION: {
        if (!failed) {
          if (s[0] === SLASH) failed = true;
          const [, n] = decodeRune(s, 0);
          s = s.subarray(n);
        }
        chunk = chunk.subarray(1);
        break;
      }
      case BACKSLASH:
        chunk = chunk.subarray(1);
        if (chunk.length === 0) throw new BadPatternError(whole);
        if (!failed) {
          if (chunk[0] !== s[0]) failed = true;
          s = s.subarray(1);
        }
        chunk = chunk.subarray(1);
        break;
      default:
        if (!failed) {
          if (chunk[0] !== s[0]) failed = true;
          s = s.subarray(1);
        }
        chunk = chunk.subarray(1);
        break;
    }
  }
  return failed ? null : s;
}

/**
 * Go's `path.Match(pattern, name)`: true when name matches the whole pattern.
 * Throws {@link BadPatternError} when Go returns `ErrBadPattern`.
 */
export function pathMatch(pattern: string, name: string): boolean {
  let p = utf8(pattern);
  let n = utf8(name);
  outer: while (p.length > 0) {
    const { star, chunk, rest } = scanChunk(p);
    p = rest;
    if (star && chunk.length === 0) {
      // Trailing * matches the rest of the name unless it has a '/'.
      return n.indexOf(SLASH) < 0;
    }
    const t = matchChunk(chunk, n, pattern);
    // The last chunk must exhaust the name (otherwise a star may still help).
    if (t !== null && (t.length === 0 || p.length > 0)) {
      n = t;
      continue;
    }
    if (star) {
      // Try skipping i+1 bytes; a star never skips a '/'.
      for (let i = 0; i < n.length && n[i] !== SLASH; i++) {
        const t2 = matchChunk(chunk, n.subarray(i + 1), pattern);
        if (t2 !== null) {
          if (p.length === 0 && t2.length > 0) continue;
          n = t2;
          continue outer;
        }
      }
    }
    // Before returning false, check the rest of the pattern is well-formed.
    while (p.length > 0) {
      const next = scanChunk(p);
      p = next.rest;
      matchChunk(next.chunk, new Uint8Array(0), pattern);
    }
    return false;
  }
  return n.length === 0;
}

// ---------------------------------------------------------------------------------------------
// gobwas/glob (Argo CD util/glob) and the AppProject rules on top of it
// ---------------------------------------------------------------------------------------------

/** A gobwas/glob pattern that does not compile. */
export class GlobSyntaxError extends Error {
  constructor(
    readonly pattern: string,
    reason: string,
  ) {
    super(`invalid glob ${JSON.stringify(pattern)}: ${reason}`);
    this.name = 'GlobSyntaxError';
  }
}

type GlobNode =
  | { kind: 'text'; text: string }
  | { kind: 'any' }
  | { kind: 'super' }
  | { kind: 'single' }
  | { kind: 'range'; lo: number; hi: number; not: boolean }
  | { kind: 'list'; chars: string; not: boolean }
  | { kind: 'anyOf'; alternatives: GlobNode[][] };

/** Lexer + parser of gobwas/glob (syntax/lexer + syntax/ast/parser.go), producing a small AST. */
function parseGobwas(pattern: string): GlobNode[] {
  const runes = Array.from(pattern);
  let pos = 0;
  const fail = (reason: string): never => {
    throw new GlobSyntaxError(pattern, reason);
  };
  // Stack of open `{` groups: each holds its alternatives; the current sequence is the last one.
  const root: GlobNode[] = [];
  const groups: { node: Extract<GlobNode, { kind: 'anyOf' }>; outer: GlobNode[] }[] = [];
  let seq = root;

  const readText = (breakers: string[]): string => {
    let data = '';
    let escaped = false;
    while (pos < runes.length) {
      const r = runes[pos];
      if (!escaped) {
        if (r === '\\') {
          escaped = true;
          pos++;
          continue;
        }
        if (breakers.includes(r)) break;
      }
      escaped = false;
      data += r;
      pos++;
    }
    if (escaped) fail('trailing backslash');
    return data;
  };

  while (pos < runes.length) {
    const r = runes[pos];
    const inTerms = groups.length > 0;
    if (r === '{') {
      pos++;
      const node: Extract<GlobNode, { kind: 'anyOf' }> = { kind: 'anyOf', alternatives: [[]] };
      seq.push(node);
      groups.push({ node, outer: seq });
      seq = node.alternatives[0];
    } else if (r === ',' && inTerms) {
      pos++;
      const g = groups[groups.length - 1];
      seq = [];
      g.node.alternatives.push(seq);
    } else if (r === '}' && inTerms) {
      pos++;
      const g = groups.pop()!;
      seq = g.outer;
    } else if (r === '[') {
      pos++;
      // fetchRange: [ '!' ] ( lo '-' hi | text ) ']'
      let not = false;
      let lo: string | undefined;
      let hi: string | undefined;
      let chars = '';
      if (pos >= runes.length) fail('unexpected end of input');
      if (runes[pos] === '!') {
        not = true;
        pos++;
      }
      if (pos >= runes.length) fail('unexpected end of input');
      if (runes[pos + 1] === '-') {
        lo = runes[pos];
        pos += 2;
        if (pos >= runes.length) fail('unexpected end of input');
        hi = runes[pos];
        pos++;
      } else {
        chars = readText([']']);
      }
      if (pos >= runes.length) fail('unexpected end of input');
      if (runes[pos] !== ']') fail('expected close range character');
      pos++;
      if (lo !== undefined && hi !== undefined) {
        const l = lo.codePointAt(0)!;
        const h = hi.codePointAt(0)!;
        if (h < l) fail(`hi character '${hi}' should be greater than lo '${lo}'`);
        if (l === 0 || h === 0) fail('could not parse range');
        seq.push({ kind: 'range', lo: l, hi: h, not });
      } else {
        if (chars === '') fail('could not parse range');
        seq.push({ kind: 'list', chars, not });
      }
    } else if (r === '?') {
      pos++;
      seq.push({ kind: 'single' });
    } else if (r === '*') {
      pos++;
      if (runes[pos] === '*') {
        pos++;
        seq.push({ kind: 'super' });
      } else {
        seq.push({ kind: 'any' });
      }
    } else {
      const text = readText(inTerms ? ['?', '*', '[', '{', '}', ','] : ['?', '*', '[', '{']);
      if (text !== '') seq.push({ kind: 'text', text });
    }
  }
  // gobwas/glob v0.2.3's parser silently closed an unclosed `{` at the end; current gobwas/glob
  // (what argo-cd's util/glob compiles with: `*glob.Pattern`) rejects it, and so do we.
  if (groups.length > 0) fail('unclosed `{`');
  return root;
}

const escapeRegexText = (s: string): string => s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
const escapeClassChars = (s: string): string => s.replace(/[\\\]\[^-]/g, '\\$&');

function nodesToRegex(nodes: GlobNode[], separators: string[]): string {
  const notSep = separators.length === 0 ? '[\\s\\S]' : `[^${escapeClassChars(separators.join(''))}]`;
  return nodes
    .map((node) => {
      switch (node.kind) {
        case 'text':
          return escapeRegexText(node.text);
        case 'any':
          return `${notSep}*`;
        case 'super':
          return '[\\s\\S]*';
        case 'single':
          return notSep;
        case 'range': {
          const cls = `${escapeClassChars(String.fromCodePoint(node.lo))}-${escapeClassChars(String.fromCodePoint(node.hi))}`;
          return node.not ? `[^${cls}]` : `[${cls}]`;
        }
        case 'list':
          return node.not ? `[^${escapeClassChars(node.chars)}]` : `[${escapeClassChars(node.chars)}]`;
        case 'anyOf':
          return `(?:${node.alternatives.map((alt) => nodesToRegex(alt, separators)).join('|')})`;
      }
    })
    .join('');
}

/**
 * Compiles a gobwas/glob pattern (with optional single-character separators) into a matcher.
 * Throws {@link GlobSyntaxError} where gobwas' Compile returns an error.
 */
export function compileGobwasGlob(pattern: string, separators: string[] = []): (text: string) => boolean {
  const key = `${separators.join('')}\0${pattern}`;
  let matcher = compiled.get(key);
  if (!matcher) {
    for (const s of separators) {
      if (Array.from(s).length !== 1) throw new Error(`separator must be one character, got ${JSON.stringify(s)}`);
    }
    const re = new RegExp(`^${nodesToRegex(parseGobwas(pattern), separators)}$`, 'u');
    matcher = (text) => re.test(text);
    // AppProjects hold a handful of patterns, checked against every Application: compile each once.
    if (compiled.size < 10_000) compiled.set(key, matcher);
  }
  return matcher;
}

/** Compiled matchers by separators and pattern (a pattern that fails to compile throws each time). */
const compiled = new Map<string, (text: string) => boolean>();

/** Argo CD `util/glob.Match`: gobwas/glob match; a pattern that does not compile matches nothing. */
export function globMatch(pattern: string, text: string, separators: string[] = []): boolean {
  // No metacharacter: the pattern compiles to its text (AppProjects list exact destinations, one per instance).
  if (!/[*?[\]{}\\]/.test(pattern)) return pattern === text;
  try {
    return compileGobwasGlob(pattern, separators)(text);
  } catch (e) {
    if (e instanceof GlobSyntaxError) return false;
    throw e;
  }
}

/** True when the pattern is an Argo CD deny pattern (leading `!`). */
export const isDenyPattern = (pattern: string): boolean => pattern.startsWith('!');

/**
 * AppProject `globMatch(pattern, val, allowNegation, separators...)`
 * (pkg/apis/application/v1alpha1/app_project_types.go): `!p` matches what p does not match
 * (when allowNegation), `*` matches everything, otherwise {@link globMatch}.
 */
export function argoGlobMatch(pattern: string, value: string, allowNegation = true, separators: string[] = []): boolean {
  if (allowNegation && isDenyPattern(pattern)) return !globMatch(pattern.slice(1), value, separators);
  if (pattern === '*') return true;
  return globMatch(pattern, value, separators);
}
