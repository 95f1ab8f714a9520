/**
 * github.com/gobwas/glob (argo-cd util/glob/glob.go) and the AppProject rules on top of it: used by
 * argo-cd `util/glob.Match` and by AppProject checks (pkg/apis/application/v1alpha1 `globMatch`).
 * Destinations (server, name, namespace) are matched with **no separators**, so `*` matches any
 * sequence including `/` and `.`; `sourceRepos` are matched with separator `/` after
 * `git.NormalizeGitURL` on both sides, so there `*` stops at `/` and `**` crosses it.
 * Syntax: `*`, `**`, `?`, `[abc]`, `[a-z]`, `[!abc]`, `[!a-z]` (one range *or* one set per class),
 * `{a,b}` alternatives, `\` escape. A pattern that does not compile makes Argo CD's `glob.Match` log a
 * warning and return false; {@link globMatch} does the same, {@link compileGobwasGlob} throws
 * {@link GlobSyntaxError}. {@link argoGlobMatch} adds the AppProject rules: a leading `!` is a deny
 * pattern (negated match) and the literal pattern `*` matches everything (even the empty string).
 */

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
