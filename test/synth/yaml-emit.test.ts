import { Yaml } from 'cdk8s';
import { planSynth } from '../../lib/synth';
import { isSafePlain, stringifyDocs } from '../../lib/synth/yaml-emit';
import { exampleInput } from '../support/example';

/**
 * lib/synth/yaml-emit.ts against the reference it replaces, cdk8s's `Yaml.stringify` (the `yaml`
 * package): every assertion is byte equality of the two outputs, the contract being that dist/ does
 * not change by a byte.
 */

type Case = { label: string; docs: unknown[] };
type Mismatch = { label: string; docs: string; reference: string; ours: string };

/** Every case whose output differs from the reference (expected: none). */
function mismatches(cases: Case[]): Mismatch[] {
  return cases.flatMap(({ label, docs }) => {
    const reference = Yaml.stringify(...docs);
    const ours = stringifyDocs(...docs);
    return ours === reference ? [] : [{ label, docs: JSON.stringify(docs), reference, ours }];
  });
}

/** The string `s` as a value, a key (root and nested) and inside sequences and maps in sequences. */
function placements(s: string): Case[] {
  const label = JSON.stringify(s);
  return [
    { label: `${label} as a root value`, docs: [{ v: s, w: 'after' }] },
    { label: `${label} as a root key`, docs: [{ [s]: 'v', w: s }] },
    { label: `${label} as a nested key and value`, docs: [{ a: { [s]: s, b: { [s]: [s] } } }] },
    { label: `${label} in sequences`, docs: [[s, [s, [s]], 'after']] },
    { label: `${label} in a map in a sequence`, docs: [[{ [s]: s, k: [{ [s]: s, z: s }] }, { m: [[{ [s]: [[s]] }]] }]] },
    { label: `${label} deep`, docs: [{ a: { b: { c: [{ d: { e: [[{ f: s }]] } }] } } }] },
  ];
}

/** All 2^n upper/lower-case spellings of `word` (letters only). */
function cases(word: string): string[] {
  let out = [''];
  for (const ch of word) out = out.flatMap((p) => (ch.toLowerCase() === ch.toUpperCase() ? [p + ch] : [p + ch.toLowerCase(), p + ch.toUpperCase()]));
  return out;
}

const KEYWORDS = ['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null', '~', 'nan', 'inf', '.inf', '-.inf', '+.inf', '.nan', '<<', '=', 'Infinity', 'NaN'];

const NUMBERS = [
  '0', '-0', '+0', '1', '-1', '+1', '08', '09', '0089', '0755', '-0755', '0o755', '0o8', '0x1f', '0X1F', '0x_1F', '-0x1f', '0b1010', '-0b1', '0b12',
  '1_000', '1__0', '1_', '_1', '1.0', '1.', '.5', '-.5', '+.5', '._', '.', '0.', '1.5e3', '+1.5e3', '1e3', '1E3', '1e+3', '1e-3', 'e3', 'E3', '-e3',
  '.e3', '1.e3', '1e', '12e', '1.2.3', '1:20', '-1:20', '190:20:30', '1:20.5', '1:60', '1:2:3:4', '2001-12-14', '2001-1-1', '2001-12-14t21:59:43.10-05:00',
  '2001-12-14 21:59:43.10 -5', '2001-12-14T21:59:43Z', '2001-12-14T21:59:43', '20011214', '1/2', '1,000', '1 000', '100m', '128Mi', '1h', '30s', '8080',
  '0x', '0o', '0b', 'deadbeef', '0deadbeef', '7d2a1b4', '1e5a', '12e45', '1234e5', '0xdeadbeef', '0bad', '0o7a', '00ff', 'c0ffee', 'e', '1a', '1e21', '9007199254740993', '1.7976931348623157e309', '0.1e-1000', 'v1', '1.25', '3.14159', '-1.0e+10',
];

const INDICATORS = [
  '', ' ', '  ', ' a', 'a ', ' a ', '#', '#a', 'a#b', 'a #b', 'a# b', ': ', 'a: b', 'a:', 'a:b', ':a', 'a::b', 'http://x:80/y', '- ', '-', '-a', '--a',
  '--a=b', '-1a', '---', '---a', '--- a', '...', '...a', '..a', '.a', '? ', '?', '?a', 'a?', '@a', '`a', '%a', '%YAML 1.1', '!a', '!!str', '&a', '*a',
  '*/5 * * * *', '|', '|a', '>', '>a', "'a", '"a', "a'b", 'a"b', `a'b"c`, "''", '""', 'a\\b', '\\', '\\n', 'a\tb', '\ta', 'a\t', '{a}', '[a]', 'a,b',
  ',a', 'a{b', 'a}', '<a>', '<', 'a=b', '$(POD_NAME)', '$x', '(a)', 'a b c', 'a  b', 'sha256:0123abcd', 'ghcr.io/org/app@sha256:0123', 'app.kubernetes.io/name',
  'sum(rate(x{job="a"}[5m])) > 0.5', '/healthz', './run', '__proto__', 'constructor', 'toString', 'a: b # c',
];

const CONTROL = ['\x00', '\x07', '\x08', '\x0b', '\x0c', '\x1b', '\x7f', '\x85', '\xa0', '\u2028', '\u2029', '\ud800', '\udc00', 'a\x01b', '\r', 'a\rb', 'a\r', '\ufeff'];

const UNICODE = ['é', 'naïve', '日本語', '🚀', 'a🚀b', 'Ω: x', 'ü ', ' ü', '–', '\u00a0a'];

const LONG = [
  'a'.repeat(300), 'word '.repeat(60).trim(), `${'word '.repeat(60)}`, 'x'.repeat(1024), 'x'.repeat(1025), 'y'.repeat(1100), `${'0'.repeat(1023)}`,
  `${'a: '.repeat(400)}b`, `${'a'.repeat(50)}\n${'b'.repeat(50)}`, `"${'q'.repeat(250)}"`, `${"it's ".repeat(60)}`, `${'z'.repeat(90)} #tail`,
];

const MULTILINE = [
  'a\nb', 'a\nb\n', 'a\nb\n\n', 'a\nb\n\n\n', '\na', '\n\na', '\na\n', ' a\nb', '  a\n b', '   a\n\n  b\n', 'a\n b', 'a\n\nb', 'a \nb', 'a\nb ',
  'a\n ', 'a\n\t', 'a\n \n', '\n', '\n\n', ' \n', '\t\n', 'a\r\nb\r\n', 'a\r\n', '---\na', 'a\n---', 'a\n--- b', 'a\n...\n', '...\n', '%a\nb',
  '# c\nd', 'a: b\nc: d', '- a\n- b', 'x\n\n\ny\n', 'key: "value"\nother: \'v\'\n', `it's "quoted"\nand more`, 'a\n\x01',
  `${'a'.repeat(45)}\n\x01b\n\nc`, `${'line one '.repeat(5)}\n line two\n\n\n  line three  \n`, `${'x'.repeat(30)} \n ${'y'.repeat(30)}`,
  '#!/bin/sh\nset -e\nexec "$@"\n', '{\n  "a": 1\n}\n', '[\n  1\n]', 'a\n\n', ' \n a', 'a\u2028b', 'a\x85b', 'a\tb\nc\td\n', '\n ', 'trailing\n\n\n\n',
];

const STRINGS = [...KEYWORDS.flatMap(cases), ...NUMBERS, ...NUMBERS.map((n) => `${n} `), ...INDICATORS, ...CONTROL, ...UNICODE, ...LONG, ...MULTILINE];

describe('stringifyDocs is byte-identical to cdk8s Yaml.stringify', () => {
  test('for every file synth writes for the example fixture', () => {
    const plan = planSynth(exampleInput);
    const files = plan.files.filter((f) => f.docs && f.docs.length > 0);
    expect(files.length).toBeGreaterThan(20);
    const differing = files.filter((f) => stringifyDocs(...f.docs!) !== Yaml.stringify(...f.docs!)).map((f) => f.path);
    expect(differing).toEqual([]);
    // and the file's content is the header plus exactly those bytes
    for (const f of files) expect(f.content.endsWith(Yaml.stringify(...f.docs!))).toBe(true);
  });

  test.each([
    ['keywords in every case', KEYWORDS.flatMap(cases)],
    ['numbers as strings', [...NUMBERS, ...NUMBERS.map((n) => `${n} `), ...NUMBERS.map((n) => ` ${n}`)]],
    ['indicators, quotes, spaces', INDICATORS],
    ['control characters', CONTROL],
    ['unicode', UNICODE],
    ['long strings', LONG],
    ['multi-line strings', MULTILINE],
  ])('for %s at every position', (_name, strings) => {
    expect(mismatches(strings.flatMap(placements))).toEqual([]);
  });

  test('for empty collections, nested sequences, null, booleans, numbers and undefined', () => {
    const numbers = [0, -0, 1, -1, 1.5, -2.25, 0.1 + 0.2, 1e21, 1e-7, 123456789012345680000, 2 ** 53, 2 ** 64, 5e-324, 1.7976931348623157e308, -1e-300, NaN, Infinity, -Infinity];
    const docs: unknown[] = [
      {}, [], [{}], [[]], [[[]]], [[], {}, [[]], [{}]], { a: {}, b: [], c: [{}], d: [[]], e: [[], {}], f: { g: {} } },
      [[1, 2], [3, [4, [5]]], [[{ a: [] }]]], [[{ a: 1, b: [1, 2] }, { c: {} }]],
      { n: null, t: true, f: false, u: undefined, l: [null, true, false, undefined, 'x'] }, [undefined, undefined], { u: undefined },
      { numbers, nested: numbers.map((n) => ({ n, l: [n] })) }, numbers,
      { a: [{ b: [{ c: [{}] }], d: [] }], e: [{ f: null }, { g: undefined }] },
    ];
    expect(mismatches(docs.map((d, i) => ({ label: `structure ${i}`, docs: [d] })))).toEqual([]);
  });

  test('for several documents, an undefined document, scalar documents and none at all', () => {
    const docs: unknown[][] = [
      [], [undefined], [{ a: 1 }, { b: 2 }], [{ a: 1 }, undefined, { b: 'c\nd' }], [undefined, undefined], [null], ['x'], ['a\nb'], [' a\nb'],
      ['---\na'], [1], [-0], [true], [{}, []], [{ a: 'x\n\n' }, { b: 1 }],
    ];
    expect(mismatches(docs.map((d, i) => ({ label: `documents ${i}`, docs: d })))).toEqual([]);
  });

  test('for what it hands to the yaml package whole: shared objects, cycles, class instances', () => {
    const shared = { a: 1 };
    const sharedEmpty: unknown[] = [];
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    class Thing { x = 1; }
    const docs: unknown[] = [
      { x: shared, y: shared }, [sharedEmpty, sharedEmpty], cycle, { d: new Date(0) }, { m: new Map([['a', 1]]) }, { s: new Set([1]) },
      { t: new Thing() }, { b: BigInt(10) }, { n: Object.create(null) as object }, { w: new String('x') }, { ['k'.repeat(1100)]: 1 },
      { a: { ['"'.repeat(600)]: 1 } }, { ['k'.repeat(1100)]: { b: [1] }, c: 2 }, { a: [{ ['x\n'.repeat(600)]: [1, 2] }] },
    ];
    expect(mismatches(docs.map((d, i) => ({ label: `delegated ${i}`, docs: [d] })))).toEqual([]);
  });

  describe('seeded random input', () => {
    // mulberry32: a small deterministic PRNG (fixed seed: the same inputs on every run).
    let state = 0x5eed1e55;
    const random = (): number => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
    const ALPHABET = [
      ' ', ' ', '\n', '\n', ':', ':', '-', '-', '#', '?', "'", '"', '!', '&', '*', '|', '>', '<', '%', '@', '`', '{', '}', '[', ']', ',', '.', '.',
      '0', '1', '7', '9', 'e', 'E', 'x', 'o', 'b', 'y', 'n', 'N', 'a', 'Z', 'T', '_', '+', '\t', '~', '\\', '/', '=', 'é', '\r', '\x01', '\u2028',
      'true', 'null', 'on', 'No', '0x1f', '---', '...', '2001-12-14', '1:20', '.inf', '1e3', '0755', 'word', 'app.kubernetes.io/name',
    ];
    const randomString = (): string => {
      let s = '';
      const n = Math.floor(random() * 10);
      for (let i = 0; i < n; i++) s += pick(ALPHABET);
      return random() < 0.02 ? s.repeat(40) : s;
    };
    const randomScalar = (): unknown => {
      const r = random();
      if (r < 0.7) return randomString();
      if (r < 0.8) return pick([0, -0, 1, -1, 0.5, 1e21, 1e-7, NaN, Infinity, -Infinity, 2 ** 60, 42]);
      if (r < 0.9) return pick([true, false]);
      return pick([null, undefined]);
    };
    const randomValue = (depth: number): unknown => {
      const r = random();
      if (depth >= 5 || r < 0.4) return randomScalar();
      const n = Math.floor(random() * 5);
      if (r < 0.7) return Array.from({ length: n }, () => randomValue(depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) o[random() < 0.5 ? randomString() : pick(['name', 'labels', 'spec', 'a', 'b'])] = randomValue(depth + 1);
      return o;
    };

    test('2,000 strings, each at every position', () => {
      const strings = Array.from({ length: 2000 }, randomString);
      expect(mismatches(strings.flatMap(placements))).toEqual([]);
    });

    test('200 nested structures, alone and several to a file', () => {
      const values = Array.from({ length: 200 }, () => randomValue(0));
      const cases = values.map((v, i) => ({ label: `random ${i}`, docs: [v] }));
      for (let i = 0; i + 4 <= values.length; i += 4) cases.push({ label: `random docs ${i}..${i + 3}`, docs: values.slice(i, i + 4) });
      expect(mismatches(cases)).toEqual([]);
    });
  });

  test('the fast path claims the common strings, and only strings the yaml package writes plain', () => {
    const common = ['7d2a1b4', 'c0ffee', 'nginx', 'app.kubernetes.io/name', 'ghcr.io/org/app@sha256:0123', '/healthz', '--port=8080', '-Xmx512m', '$(POD_IP)', '100m', '128Mi', 'a b'];
    expect(common.filter((s) => !isSafePlain(s))).toEqual([]);
    const claimed = [...STRINGS, ...common].filter(isSafePlain);
    // (keys over 1024 characters are explicit `? ` keys in any style: yaml-emit hands those documents over whole)
    const plainKeyAndValue = (s: string): boolean => Yaml.stringify({ [s]: s, a: { [s]: [s] } }) === `${s}: ${s}\na:\n  ${s}:\n    - ${s}\n`;
    const plainValue = (s: string): boolean => Yaml.stringify({ a: s, b: [[s]] }) === `a: ${s}\nb:\n  - - ${s}\n`;
    expect(claimed.filter((s) => !(s.length <= 1024 ? plainKeyAndValue(s) : plainValue(s)))).toEqual([]);
    const refused = [...KEYWORDS.flatMap(cases).filter((k) => !/^(infinity|nan)$/i.test(k)), '', ' a', 'a ', '---a', '...', '- a', 'a: b', 'a #b', 'é', '1e3', '12e45', '0x1f', '0xdeadbeef', '1:20', '2001-12-14 21:59:43.10 -5'];
    expect(refused.filter(isSafePlain)).toEqual([]);
  });
});
