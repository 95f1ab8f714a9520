/**
 * Where the values of a JSON text are: for messages that name `file:line` of a field in a JSON file
 * (the Argo CD status file). JSON.parse gives the values; this gives their lines.
 */

/** A value's line and, for objects and arrays, its members by key or index. */
interface Node {
  readonly line: number;
  readonly kids?: Map<string, Node>;
}

/**
 * Indexes the lines of a JSON text that JSON.parse accepted. Returns a lookup: the 1-based line of the
 * value at `path` (object keys and array indices), or of the deepest value on the way that exists.
 */
export function jsonLines(text: string): (path: readonly (string | number)[]) => number {
  let i = 0;
  let line = 1;
  const space = () => {
    for (; i < text.length; i++) {
      const ch = text[i];
      if (ch === '\n') line++;
      else if (ch !== ' ' && ch !== '\t' && ch !== '\r') break;
    }
  };
  // A string (valid JSON: no raw line breaks inside); returns its raw text with the quotes.
  const string = (): string => {
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return text.slice(start, i);
  };
  const value = (): Node => {
    space();
    const at = line;
    const ch = text[i];
    if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']';
      const kids = new Map<string, Node>();
      i++;
      space();
      for (let n = 0; text[i] !== close; n++) {
        let key = String(n);
        if (ch === '{') {
          key = JSON.parse(string()) as string;
          space();
          i++; // ':'
        }
        kids.set(key, value());
        space();
        if (text[i] === ',') {
          i++;
          space();
        }
      }
      i++;
      return { line: at, kids };
    }
    if (ch === '"') string();
    else while (i < text.length && !/[\s,\]}]/.test(text[i])) i++;
    return { line: at };
  };
  const root = value();
  return (path) => {
    let node = root;
    for (const key of path) {
      const next = node.kids?.get(String(key));
      if (!next) break;
      node = next;
    }
    return node.line;
  };
}

/** The 1-based line of a JSON.parse error, from the position V8 names in its message, if any. */
export function jsonErrorLine(text: string, e: unknown): number | undefined {
  const pos = /position (\d+)/.exec(e instanceof Error ? e.message : '')?.[1];
  return pos === undefined ? undefined : text.slice(0, Number(pos)).split('\n').length;
}
