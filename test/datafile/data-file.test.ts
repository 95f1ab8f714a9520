import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataFileError, DataValue, deleteValue, readDataFile, readTextFile, renderString, setValue, writeFileAtomic } from '../../lib/datafile';
import { EXAMPLE } from '../support/repo';

const RELEASES_FILE = path.join(EXAMPLE, 'envs', 'releases.ts');
const releasesText = (): string => fs.readFileSync(RELEASES_FILE, 'utf8');

/** 1-based numbers of the lines that differ; only for edits that keep the line count. */
function changedLines(before: string, after: string): number[] {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b).toHaveLength(a.length);
  return a.flatMap((line, i) => (line === b[i] ? [] : [i + 1]));
}

/** The lines added by an edit that only inserts lines (everything else unchanged). */
function insertedLines(before: string, after: string): { at: number; lines: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  let j = 0;
  while (j < a.length - i && a[a.length - 1 - j] === b[b.length - 1 - j]) j++;
  expect(i + j).toBe(a.length); // nothing of the original changed
  return { at: i + 1, lines: b.slice(i, b.length - j) };
}

/** The 1-based line of the first line containing `needle`. */
function lineOfText(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  expect(i).toBeGreaterThanOrEqual(0);
  return i + 1;
}

/** Runs `fn` and returns the DataFileError it throws. */
function dataFileError(fn: () => unknown): DataFileError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DataFileError);
    const err = e as DataFileError;
    expect(err.message).not.toContain('\n');
    return err;
  }
  throw new Error('expected a DataFileError');
}

/** A deep copy of `data` with `value` at `p` (intermediate objects created). */
function withValue(data: DataValue, p: string[], value: DataValue): DataValue {
  const out = JSON.parse(JSON.stringify(data));
  let cur = out;
  for (const k of p.slice(0, -1)) cur = cur[k] ??= {};
  cur[p[p.length - 1]] = value;
  return out;
}

const f = (lines: string[]): string => lines.join('\n') + '\n';

describe('readDataFile', () => {
  it('reads envs/releases.ts as plain data', () => {
    const data = readDataFile(releasesText(), 'releases', 'envs/releases.ts') as Record<string, Record<string, Record<string, unknown>>>;
    expect(Object.keys(data)).toEqual(['echo', 'book-shop', 'incident-assistant-backend', 'incident-assistant-frontend']);
    expect(data.echo.prod.tag).toBe('v1.2.0');
    expect(data['book-shop'].prod.regions).toEqual({
      'eu-west-1': { tag: 'v2.5.0', digest: 'sha256:bb377da4f0378ffd249221598a53c8cb22eef81f67d60a859b32d0f37a423951' },
    });
  });

  it('accepts satisfies/as/as const/parentheses and every literal kind', () => {
    const text = f([
      'import { X } from "./x";',
      'export const other = 1;',
      'export const data = ({',
      '  bare: "s",',
      "  'quoted-key': 'q',",
      '  "double": `template`,',
      '  1: -5,',
      '  hex: 0x10,',
      '  float: 1.5e3,',
      '  yes: true, no: false, nothing: null,',
      "  list: [1, 'two', [3], { four: 4 }],",
      '  empty: {}, none: [],',
      "  wrapped: ('w' as const),",
      '} as const) satisfies X;',
    ]);
    expect(readDataFile(text, 'data')).toEqual({
      bare: 's',
      'quoted-key': 'q',
      double: 'template',
      '1': -5,
      hex: 16,
      float: 1500,
      yes: true,
      no: false,
      nothing: null,
      list: [1, 'two', [3], { four: 4 }],
      empty: {},
      none: [],
      wrapped: 'w',
    });
  });

  it('keeps __proto__ as data', () => {
    const data = readDataFile("export const d = { '__proto__': { a: 1 } };", 'd') as Record<string, unknown>;
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(Object.keys(data)).toEqual(['__proto__']);
  });

  it.each([
    ['a missing export', 'export const other = {};\n', 1, /no "export const data/],
    ['an export that is not an object literal', 'const x = 1;\n\nexport const data = makeData();\n', 3, /must be an object literal, found a call/],
    ['an array export', 'export const data = [1] as const;\n', 1, /must be an object literal/],
    ['a non-exported const', 'const data = {};\n', 1, /not exported/],
    ['a let', 'export let data = {};\n', 1, /const/],
    ['a spread', 'const base = {};\nexport const data = {\n  a: 1,\n  ...base,\n};\n', 4, /spread/],
    ['a call', "export const data = {\n  a: {\n    b: String('x'),\n  },\n};\n", 3, /a\.b: a call is not allowed/],
    ['an identifier', 'const v = 1;\nexport const data = {\n  a: v,\n};\n', 3, /identifier \(v\)/],
    ['a shorthand property', 'const a = 1;\nexport const data = {\n  a,\n};\n', 3, /shorthand/],
    ['a computed key', "export const data = {\n  ['a' + 'b']: 1,\n};\n", 2, /computed key/],
    ['a template with substitutions', 'export const data = {\n  a: `x${1}`,\n};\n', 2, /template/],
    ['undefined', 'export const data = {\n  a: undefined,\n};\n', 2, /identifier \(undefined\)/],
    ['an array spread', 'export const data = {\n  a: [1,\n    ...[]],\n};\n', 3, /a\[1\]|spread/],
    ['a duplicate key', "export const data = {\n  a: 1,\n  'a': 2,\n};\n", 3, /duplicate key "a"/],
    ['a syntax error', 'export const data = {\n  a: 1\n  b: 2,\n};\n', 3, /syntax error/],
  ])('refuses %s with the line', (_what, text, line, message) => {
    const err = dataFileError(() => readDataFile(text, 'data', 'envs/data.ts'));
    expect(err.file).toBe('envs/data.ts');
    expect(err.line).toBe(line);
    expect(err.message).toMatch(message);
    expect(err.message.startsWith(`envs/data.ts:${line}: `)).toBe(true);
  });

  it('setValue and deleteValue refuse files with non-data anywhere', () => {
    const text = f(['export const data = {', '  a: 1,', '  b: f(),', '};']);
    expect(dataFileError(() => setValue(text, 'data', ['a'], 2)).line).toBe(3);
    expect(dataFileError(() => deleteValue(text, 'data', ['a'])).line).toBe(3);
  });
});

describe('setValue on envs/releases.ts', () => {
  const text = releasesText();
  const data = readDataFile(text, 'releases');
  const echoDevDigest = 'sha256:46a2d457588577c9fab2f9b4272f22879ca1c09c456d9fb17aa49b7465eb6ef0';

  it('changing one tag changes exactly one line, one token', () => {
    const r = setValue(text, 'releases', ['echo', 'dev', 'tag'], '1.4.0-SNAPSHOT-0a1b2c3');
    expect(r.changed).toBe(true);
    const line = lineOfText(text, "dev: { tag: '1.3.0-SNAPSHOT-7d2a1b4'");
    expect(changedLines(text, r.text)).toEqual([line]);
    expect(r.text.split('\n')[line - 1]).toBe(text.split('\n')[line - 1].replace("'1.3.0-SNAPSHOT-7d2a1b4'", "'1.4.0-SNAPSHOT-0a1b2c3'"));
    expect(readDataFile(r.text, 'releases')).toEqual(withValue(data, ['echo', 'dev', 'tag'], '1.4.0-SNAPSHOT-0a1b2c3'));
  });

  it('setting { tag, digest } where only the tag differs changes one token on one line', () => {
    const r = setValue(text, 'releases', ['echo', 'dev'], { tag: '1.4.0', digest: echoDevDigest });
    const line = lineOfText(text, "dev: { tag: '1.3.0-SNAPSHOT-7d2a1b4'");
    expect(changedLines(text, r.text)).toEqual([line]);
    expect(r.text.split('\n')[line - 1]).toBe(`    dev: { tag: '1.4.0', digest: '${echoDevDigest}' },`);
  });

  it('keeps the comment on the previous line', () => {
    const r = setValue(text, 'releases', ['book-shop', 'prod', 'regions', 'eu-west-1', 'tag'], 'v2.5.1');
    const line = lineOfText(text, "'eu-west-1': { tag: 'v2.5.0'");
    expect(changedLines(text, r.text)).toEqual([line]);
    expect(r.text.split('\n')[line - 2]).toBe('        // canary: eu-west-1 runs the next release first');
  });

  it('is idempotent: an equal value leaves the text identical', () => {
    for (const [p, v] of [
      [['echo', 'dev', 'tag'], '1.3.0-SNAPSHOT-7d2a1b4'],
      [['echo', 'dev'], { digest: echoDevDigest, tag: '1.3.0-SNAPSHOT-7d2a1b4' }],
      [[], data],
    ] as [string[], DataValue][]) {
      const r = setValue(text, 'releases', p, v);
      expect(r.changed).toBe(false);
      expect(r.text).toBe(text);
    }
  });

  it('adds a new env to an existing app on its own line before the closing brace', () => {
    const r = setValue(text, 'releases', ['echo', 'qa'], { tag: 'v1.3.0', digest: 'sha256:0123' });
    const ins = insertedLines(text, r.text);
    expect(ins).toEqual({ at: lineOfText(text, "prod: { tag: 'v1.2.0'") + 1, lines: ["    qa: { tag: 'v1.3.0', digest: 'sha256:0123' },"] });
    expect(readDataFile(r.text, 'releases')).toEqual(withValue(data, ['echo', 'qa'], { tag: 'v1.3.0', digest: 'sha256:0123' }));
  });

  it('adds a new app at the end, quoting a key that is not an identifier', () => {
    const r = setValue(text, 'releases', ['pay-ments'], { dev: { tag: 'abc1234', digest: 'sha256:1' } });
    const ins = insertedLines(text, r.text);
    expect(ins.lines).toEqual(["  'pay-ments': { dev: { tag: 'abc1234', digest: 'sha256:1' } },"]);
    expect(r.text.split('\n')[ins.at]).toBe('} satisfies Releases<typeof apps, typeof envs>;');
  });

  it('adds a new region under regions with the indentation of its siblings', () => {
    const r = setValue(text, 'releases', ['book-shop', 'prod', 'regions', 'us-east-1'], { tag: 'v2.4.2', digest: 'sha256:2' });
    const ins = insertedLines(text, r.text);
    expect(ins).toEqual({ at: lineOfText(text, "'eu-west-1': { tag: 'v2.5.0'") + 1, lines: ["        'us-east-1': { tag: 'v2.4.2', digest: 'sha256:2' },"] });
  });

  it('creates several missing levels in one new line', () => {
    const r = setValue(text, 'releases', ['incident-assistant-backend', 'qa', 'regions', 'us-east-1'], { tag: 'v1', digest: 'sha256:3' });
    expect(insertedLines(text, r.text).lines).toEqual(["    qa: { regions: { 'us-east-1': { tag: 'v1', digest: 'sha256:3' } } },"]);
  });

  it("creates missing levels in the file's own width: an entry as wide as its one-line siblings stays on one line", () => {
    const digest = `sha256:${'e'.repeat(64)}`;
    const r = setValue(text, 'releases', ['incident-assistant-backend', 'qa', 'regions', 'us-east-1'], { tag: 'v1.0.0', digest });
    expect(insertedLines(text, r.text).lines).toEqual([
      '    qa: {',
      '      regions: {',
      `        'us-east-1': { tag: 'v1.0.0', digest: '${digest}' },`,
      '      },',
      '    },',
    ]);
  });

  it("splits over several lines what is wider than the file's widest one-line object", () => {
    const digest = `sha256:${'e'.repeat(64)}`;
    const long = 'x'.repeat(60);
    const r = setValue(text, 'releases', ['incident-assistant-backend', 'qa', 'regions', 'us-east-1'], { tag: long, digest });
    expect(insertedLines(text, r.text).lines).toEqual([
      '    qa: {',
      '      regions: {',
      "        'us-east-1': {",
      `          tag: '${long}',`,
      `          digest: '${digest}',`,
      '        },',
      '      },',
      '    },',
    ]);
  });

  it('writes a one-line object on several lines when the new entry does not fit on its line', () => {
    const r = setValue(text, 'releases', ['echo', 'prod', 'regions', 'eu-west-1'], { tag: 'v1.3.0', digest: 'sha256:4' });
    const line = lineOfText(text, "prod: { tag: 'v1.2.0'");
    const before = text.split('\n');
    expect(r.text.split('\n')).toEqual([
      ...before.slice(0, line - 1),
      '    prod: {',
      "      tag: 'v1.2.0',",
      "      digest: 'sha256:44b5284b4254e4268cee826c30f86642ddd59e444edf4e225882820221963fe4',",
      "      regions: { 'eu-west-1': { tag: 'v1.3.0', digest: 'sha256:4' } },",
      '    },',
      ...before.slice(line),
    ]);
  });

  it('replaces an object wholesale when it shares no key with the new value, and deletes keys not in the value', () => {
    const r = setValue(text, 'releases', ['book-shop', 'prod'], { tag: 'v2.4.1' });
    expect(readDataFile(r.text, 'releases')).toEqual(withValue(data, ['book-shop', 'prod'], { tag: 'v2.4.1' }));
    expect(r.text).toContain("    prod: {\n      tag: 'v2.4.1',\n    },\n");
  });
});

describe('setValue on small files', () => {
  it('changes one leaf and keeps a comment on the same line', () => {
    const text = f(['export const d = {', "  a: { tag: 'x', digest: 'y' }, // keep me", '};']);
    expect(setValue(text, 'd', ['a', 'tag'], 'z').text).toBe(f(['export const d = {', "  a: { tag: 'z', digest: 'y' }, // keep me", '};']));
  });

  it('inserts inline into a one-line object', () => {
    const text = f(['export const d = {', "  a: { tag: 'x', digest: 'y' },", "  b: { tag: 'x', },", '  c: {},', '  e: { },', '};']);
    let r = setValue(text, 'd', ['a', 'note'], 'n');
    expect(r.text).toBe(f(['export const d = {', "  a: { tag: 'x', digest: 'y', note: 'n' },", "  b: { tag: 'x', },", '  c: {},', '  e: { },', '};']));
    r = setValue(r.text, 'd', ['b', 'regions', 'eu-west-1'], { tag: 'v1' });
    expect(r.text.split('\n')[2]).toBe("  b: { tag: 'x', regions: { 'eu-west-1': { tag: 'v1' } }, },");
    r = setValue(r.text, 'd', ['c', 'k'], 1);
    r = setValue(r.text, 'd', ['e', 'k'], [true, null]);
    expect(r.text.split('\n').slice(3, 5)).toEqual(['  c: { k: 1 },', '  e: { k: [true, null] },']);
  });

  it('inserts into a multi-line object without trailing commas in that style', () => {
    const text = f(['export const d = {', '  a: 1,', '  b: {', '    c: 2 // two', '  }', '};']);
    const r = setValue(text, 'd', ['b', 'x'], 3);
    expect(r.text).toBe(f(['export const d = {', '  a: 1,', '  b: {', '    c: 2, // two', '    x: 3', '  }', '};']));
  });

  it('keeps a one-line object with a comment inside on one line', () => {
    const text = f(['export const d = {', "  a: { tag: 'x' /* pinned */ },", '};']);
    const long = 'y'.repeat(120);
    expect(setValue(text, 'd', ['a', 'b'], { c: long }).text).toBe(
      f(['export const d = {', "  a: { tag: 'x', b: {", `    c: '${long}',`, '  } /* pinned */ },', '};']),
    );
  });

  it('inserts after the last property when the closing brace shares its line', () => {
    const text = f(['export const d = { a: 1,', '  b: 2 };']);
    expect(setValue(text, 'd', ['c'], 3).text).toBe(f(['export const d = { a: 1,', '  b: 2,', '  c: 3 };']));
    const withComma = f(['export const d = { a: 1,', '  b: 2, };']);
    expect(setValue(withComma, 'd', ['c'], 3).text).toBe(f(['export const d = { a: 1,', '  b: 2,', '  c: 3, };']));
  });

  it('inserts into an empty multi-line object with the parent indentation plus the unit', () => {
    const text = f(['export const d = {', '    a: {', '    },', '};']);
    expect(setValue(text, 'd', ['a', 'b'], 'v').text).toBe(f(['export const d = {', '    a: {', "        b: 'v',", '    },', '};']));
  });

  it('uses tabs when the file does', () => {
    const text = f(['export const d = {', '\ta: {', '\t\tb: 1,', '\t},', '};']);
    const long = 'x'.repeat(130);
    expect(setValue(text, 'd', ['a', 'c', 'd'], long).text).toBe(f(['export const d = {', '\ta: {', '\t\tb: 1,', '\t\tc: {', `\t\t\td: '${long}',`, '\t\t},', '\t},', '};']));
  });

  it('follows double quotes and quotes keys that are not identifiers', () => {
    const text = f(['export const d = {', '  "a": "x",', '};']);
    const r = setValue(text, 'd', ['book-shop', 'us-east-1'], 'it\'s "q"');
    expect(r.text).toBe(f(['export const d = {', '  "a": "x",', '  "book-shop": { "us-east-1": "it\'s \\"q\\"" },', '};']));
  });

  it('quotes keys only when needed', () => {
    const text = 'export const d = {};\n';
    const r = setValue(text, 'd', ['x'], { 'book-shop': 1, 'us-east-1': 2, '1abc': 3, 'a b': 4, default: 5, $ok_1: 6, '': 7, é: 8, '0': 9 });
    // integer-like keys come first (JavaScript's own key order); 123 columns inline: the export goes multi-line
    expect(r.text).toBe(
      "export const d = {\n  x: { '0': 9, 'book-shop': 1, 'us-east-1': 2, '1abc': 3, 'a b': 4, default: 5, $ok_1: 6, '': 7, é: 8 },\n};\n",
    );
    expect(setValue(text, 'd', ['book-shop', 'us-east-1'], 'x').text).toBe("export const d = { 'book-shop': { 'us-east-1': 'x' } };\n");
  });

  it('escapes strings: quotes, backslashes, newlines, unicode, control characters', () => {
    const tricky = 'it\'s "q" \\ back\nnew\r\ttab \u0000\u0007\u001b\u007f\u2028 é 日本 😀 \ud800 end';
    const text = f(['export const d = {', "  s: 'old',", '};']);
    const r = setValue(text, 'd', ['s'], tricky);
    expect(r.text.split('\n')).toHaveLength(4);
    expect(r.text.split('\n')[1]).toBe(
      "  s: 'it\\'s \"q\" \\\\ back\\nnew\\r\\ttab \\u0000\\u0007\\u001b\\u007f\\u2028 é 日本 😀 \\ud800 end',",
    );
    expect(readDataFile(r.text, 'd')).toEqual({ s: tricky });
    expect(renderString('a"b', '"')).toBe('"a\\"b"');
  });

  it('replaces scalars with objects and back, and edits arrays element-wise when lengths match', () => {
    const text = f(['export const d = {', "  a: 'x',", '  list: [1, 2, 3], // nums', '};']);
    let r = setValue(text, 'd', ['a'], { b: 1 });
    expect(r.text.split('\n')[1]).toBe('  a: { b: 1 },');
    r = setValue(r.text, 'd', ['a'], false);
    expect(r.text).toBe(f(['export const d = {', '  a: false,', '  list: [1, 2, 3], // nums', '};']));
    r = setValue(r.text, 'd', ['list'], [1, 5, 3]);
    expect(r.text.split('\n')[2]).toBe('  list: [1, 5, 3], // nums');
    r = setValue(r.text, 'd', ['list'], ['a']);
    expect(r.text.split('\n')[2]).toBe("  list: ['a'], // nums");
    r = setValue(r.text, 'd', ['list', '0'], -1.5);
    expect(r.text.split('\n')[2]).toBe('  list: [-1.5], // nums');
  });

  it('keeps comments and key order when recursing into objects and appends new keys', () => {
    const text = f(['export const d = {', '  app: {', '    // dev first', "    dev: 'a', // trailing", "    prod: 'b',", '  },', '};']);
    const r = setValue(text, 'd', ['app'], { prod: 'c', dev: 'a', qa: 'q' });
    expect(r.text).toBe(f(['export const d = {', '  app: {', '    // dev first', "    dev: 'a', // trailing", "    prod: 'c',", "    qa: 'q',", '  },', '};']));
  });

  it('sets the whole export when the path is empty', () => {
    const text = f(['export const d = {', '  a: 1,', '};']);
    expect(setValue(text, 'd', [], { a: 2 }).text).toBe(f(['export const d = {', '  a: 2,', '};']));
    expect(dataFileError(() => setValue(text, 'd', [], [1])).message).toMatch(/must stay an object/);
  });

  it('refuses paths through scalars or past arrays, and values that are not plain data', () => {
    const text = f(['export const d = {', "  a: 'x',", '  list: [1],', '};']);
    const e1 = dataFileError(() => setValue(text, 'd', ['a', 'b'], 1, { fileName: 'd.ts' }));
    expect(e1.line).toBe(2);
    expect(e1.message).toBe('d.ts:2: a.b: a is a string, not an object; cannot set b inside it');
    expect(dataFileError(() => setValue(text, 'd', ['list', '3'], 1)).line).toBe(3);
    expect(dataFileError(() => setValue(text, 'd', ['list', 'x'], 1)).line).toBe(3);
    for (const bad of [undefined, NaN, Infinity, () => 1, new Date(0), { a: undefined }, [1, , 3], BigInt(1)]) {
      expect(dataFileError(() => setValue(text, 'd', ['b'], bad as unknown as DataValue)).message).toMatch(/cannot write the value/);
    }
  });

  it('keeps CRLF line endings and a missing final newline', () => {
    const text = ['export const d = {', "  a: { tag: 'x' },", '  b: {', '    c: 1,', '  },', '};'].join('\r\n');
    let r = setValue(text, 'd', ['a', 'tag'], 'y');
    expect(r.text).toBe(text.replace("'x'", "'y'"));
    r = setValue(r.text, 'd', ['b', 'd', 'e'], 'x'.repeat(120));
    r = setValue(r.text, 'd', ['z'], 1);
    expect(r.text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(r.text.endsWith('};')).toBe(true);
    expect(r.text.split('\r\n')).toEqual([
      'export const d = {',
      "  a: { tag: 'y' },",
      '  b: {',
      '    c: 1,',
      '    d: {',
      `      e: '${'x'.repeat(120)}',`,
      '    },',
      '  },',
      '  z: 1,',
      '};',
    ]);
    const withFinal = text + '\r\n';
    expect(setValue(withFinal, 'd', ['z'], 1).text.endsWith('};\r\n')).toBe(true);
    expect(deleteValue(withFinal, 'd', ['b']).text).toBe(['export const d = {', "  a: { tag: 'x' },", '};', ''].join('\r\n'));
    expect(setValue('\ufeff' + withFinal, 'd', ['a', 'tag'], 'y').text).toBe('\ufeff' + withFinal.replace("'x'", "'y'"));
  });
});

describe('deleteValue', () => {
  it('removes a release entry with its line, trailing comment and the comment above it', () => {
    const text = releasesText();
    const r = deleteValue(text, 'releases', ['book-shop', 'prod', 'regions', 'eu-west-1']);
    expect(r.changed).toBe(true);
    expect(r.text).not.toContain('canary');
    const data = readDataFile(text, 'releases') as Record<string, Record<string, Record<string, unknown>>>;
    const expected = JSON.parse(JSON.stringify(data));
    expected['book-shop'].prod.regions = {};
    expect(readDataFile(r.text, 'releases')).toEqual(expected);
    const r2 = deleteValue(text, 'releases', ['echo', 'staging']);
    expect(text.split('\n').filter((l) => !l.includes("staging: { tag: '1.2.0-SNAPSHOT-3c9e0f2'"))).toEqual(r2.text.split('\n'));
  });

  it('removes whole multi-line properties', () => {
    const text = f(['export const d = {', '  a: 1,', '  b: {', '    c: 2,', '  }, // bee', '  e: 3,', '};']);
    expect(deleteValue(text, 'd', ['b']).text).toBe(f(['export const d = {', '  a: 1,', '  e: 3,', '};']));
  });

  it('removes the previous comma when the last property goes in a file without trailing commas', () => {
    const text = f(['export const d = {', '  a: 1,', '  b: 2', '};']);
    expect(deleteValue(text, 'd', ['b']).text).toBe(f(['export const d = {', '  a: 1', '};']));
  });

  it('removes inline properties with one separating comma', () => {
    const text = "export const d = { x: { a: 1, b: 2, c: 3 }, y: { only: 1 } };\n";
    expect(deleteValue(text, 'd', ['x', 'a']).text).toBe("export const d = { x: { b: 2, c: 3 }, y: { only: 1 } };\n");
    expect(deleteValue(text, 'd', ['x', 'b']).text).toBe("export const d = { x: { a: 1, c: 3 }, y: { only: 1 } };\n");
    expect(deleteValue(text, 'd', ['x', 'c']).text).toBe("export const d = { x: { a: 1, b: 2 }, y: { only: 1 } };\n");
    expect(deleteValue(text, 'd', ['y', 'only']).text).toBe("export const d = { x: { a: 1, b: 2, c: 3 }, y: {} };\n");
  });

  it('is a no-op for missing paths and refuses nonsense', () => {
    const text = f(['export const d = {', "  a: 'x',", '  l: [1],', '};']);
    expect(deleteValue(text, 'd', ['missing', 'deeper'])).toEqual({ text, changed: false });
    expect(deleteValue(text, 'd', ['b'])).toEqual({ text, changed: false });
    expect(dataFileError(() => deleteValue(text, 'd', ['a', 'b'])).line).toBe(2);
    expect(dataFileError(() => deleteValue(text, 'd', ['l', '0'])).line).toBe(3);
    expect(dataFileError(() => deleteValue(text, 'd', [])).message).toMatch(/cannot delete/);
  });
});

describe('writeFileAtomic / readTextFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datafile-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates and replaces a file, leaving no temp files and keeping the mode', () => {
    const file = path.join(dir, 'releases.ts');
    writeFileAtomic(file, 'one\r\n');
    expect(readTextFile(file)).toBe('one\r\n');
    fs.chmodSync(file, 0o640);
    writeFileAtomic(file, 'two é\n');
    expect(readTextFile(file)).toBe('two é\n');
    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
    expect(fs.readdirSync(dir)).toEqual(['releases.ts']);
  });

  it('removes the temp file when the rename fails', () => {
    const target = path.join(dir, 'taken');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'x'), 'x');
    expect(() => writeFileAtomic(target, 'data')).toThrow();
    expect(fs.readdirSync(dir)).toEqual(['taken']);
  });

  it('fails without side effects when the directory does not exist', () => {
    expect(() => writeFileAtomic(path.join(dir, 'nope', 'f.ts'), 'x')).toThrow();
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('a large releases-like file (1,000 apps x 3 envs)', () => {
  const digest = (i: number, env: string) => `sha256:${(i.toString(16) + env).padEnd(64, '0')}`;
  const lines = ['/** generated */', "import { Releases } from '../lib/model';", '', 'export const releases = {'];
  for (let i = 0; i < 1000; i++) {
    lines.push(`  'app-${i}': {`);
    for (const env of ['dev', 'staging']) lines.push(`    ${env}: { tag: '1.${i}.0-SNAPSHOT-abcdef${i % 10}', digest: '${digest(i, env)}' },`);
    lines.push('    prod: {', `      tag: 'v1.${i}.0',`, `      digest: '${digest(i, 'prod')}',`, '    },', '  },');
  }
  lines.push('} satisfies Releases;', '');
  const text = lines.join('\n');

  it('is read and edited', () => {
    const data = readDataFile(text, 'releases') as Record<string, Record<string, Record<string, string>>>;
    expect(Object.keys(data)).toHaveLength(1000);
    expect(data['app-999'].prod.tag).toBe('v1.999.0');

    const bump = setValue(text, 'releases', ['app-500', 'dev'], { tag: '2.0.0-SNAPSHOT-0000000', digest: digest(500, 'dev') });
    expect(changedLines(text, bump.text)).toEqual([lineOfText(text, "tag: '1.500.0-SNAPSHOT")]);

    const promote = setValue(bump.text, 'releases', ['app-500', 'prod', 'regions', 'eu-west-1'], { tag: 'v2.0.0', digest: 'sha256:1' });
    expect(insertedLines(bump.text, promote.text).lines).toEqual(["      regions: { 'eu-west-1': { tag: 'v2.0.0', digest: 'sha256:1' } },"]);

    const removed = deleteValue(promote.text, 'releases', ['app-999']);
    expect(Object.keys(readDataFile(removed.text, 'releases') as object)).toHaveLength(999);
    expect(setValue(removed.text, 'releases', ['app-0', 'dev', 'tag'], data['app-0'].dev.tag).changed).toBe(false);
  });
});
