/**
 * Go's `path.Match` (golang/go src/path/match.go), as Argo CD's git *directories* generator uses it:
 * a repository directory is kept when `path.Match(directories[].path, dir)` is true
 * (applicationset/generators/git.go `filterApps`). `*` and `?` never match `/`, there is no `**`, a
 * class is `[...]` / `[^...]` (Go uses `^` only: `!` is a literal), `\` escapes. Ported byte for byte
 * (Go works on UTF-8 bytes and decodes runes only for `?` and classes), including the late detection
 * of malformed patterns: a malformed pattern throws {@link BadPatternError} (Go's `ErrBadPattern`)
 * whenever Go would return it.
 */

/** Go's `path.ErrBadPattern`: the pattern is malformed. */
export class BadPatternError extends Error {
  /** What is wrong, as Go says it (`path.ErrBadPattern`'s text), without the pattern. */
  readonly reason = 'syntax error in pattern';
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
