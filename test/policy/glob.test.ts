import { argoGlobMatch, BadPatternError, compileGobwasGlob, globMatch, GlobSyntaxError, pathMatch } from '../../lib/policy/glob';

type Case = [pattern: string, name: string, match: boolean, bad?: true];

// golang/go src/path/match_test.go `matchTests`, verbatim (ErrBadPattern -> bad).
const goMatchTests: Case[] = [
  ['abc', 'abc', true],
  ['*', 'abc', true],
  ['*c', 'abc', true],
  ['a*', 'a', true],
  ['a*', 'abc', true],
  ['a*', 'ab/c', false],
  ['a*/b', 'abc/b', true],
  ['a*/b', 'a/c/b', false],
  ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false],
  ['a*b?c*x', 'abxbbxdbxebxczzx', true],
  ['a*b?c*x', 'abxbbxdbxebxczzy', false],
  ['ab[c]', 'abc', true],
  ['ab[b-d]', 'abc', true],
  ['ab[e-g]', 'abc', false],
  ['ab[^c]', 'abc', false],
  ['ab[^b-d]', 'abc', false],
  ['ab[^e-g]', 'abc', true],
  ['a\\*b', 'a*b', true],
  ['a\\*b', 'ab', false],
  ['a?b', 'a☺b', true],
  ['a[^a]b', 'a☺b', true],
  ['a???b', 'a☺b', false],
  ['a[^a][^a][^a]b', 'a☺b', false],
  ['[a-ζ]*', 'α', true],
  ['*[a-ζ]', 'A', false],
  ['a?b', 'a/b', false],
  ['a*b', 'a/b', false],
  ['[\\]a]', ']', true],
  ['[\\-]', '-', true],
  ['[x\\-]', 'x', true],
  ['[x\\-]', '-', true],
  ['[x\\-]', 'z', false],
  ['[\\-x]', 'x', true],
  ['[\\-x]', '-', true],
  ['[\\-x]', 'a', false],
  ['[]a]', ']', false, true],
  ['[-]', '-', false, true],
  ['[x-]', 'x', false, true],
  ['[x-]', '-', false, true],
  ['[x-]', 'z', false, true],
  ['[-x]', 'x', false, true],
  ['[-x]', '-', false, true],
  ['[-x]', 'a', false, true],
  ['\\', 'a', false, true],
  ['[a-b-c]', 'a', false, true],
  ['[', 'a', false, true],
  ['[^', 'a', false, true],
  ['[^bc', 'a', false, true],
  ['a[', 'a', false, true],
  ['a[', 'ab', false, true],
  ['a[', 'x', false, true],
  ['a/b[', 'x', false, true],
  ['*x', 'xxx', true],
];

const run = (pattern: string, name: string): boolean | 'bad' => {
  try {
    return pathMatch(pattern, name);
  } catch (e) {
    if (e instanceof BadPatternError) return 'bad';
    throw e;
  }
};

describe('pathMatch: Go path.Match', () => {
  // (rows padded to a fixed width: jest would pass a done callback for a missing last column)
  test.each(goMatchTests.map(([pattern, name, match, bad]) => [pattern, name, bad ? 'bad' : match] as const))('Go table: Match(%j, %j) = %j', (pattern, name, expected) => {
    expect(run(pattern, name)).toBe(expected);
  });

  test.each<Case>([
    // Directory generator patterns: * never crosses '/', there is no **.
    ['dist/apps/dev/*/*', 'dist/apps/dev/us-east-1/echo', true],
    ['dist/apps/dev/*/*', 'dist/apps/dev/us-east-1', false],
    ['dist/apps/dev/*/*', 'dist/apps/dev/us-east-1/echo/extra', false],
    ['dist/apps/dev/*/*', 'dist/apps/dev', false],
    ['dist/apps/dev/*/*', 'dist/apps/prod/us-east-1/echo', false],
    ['deploy/dist/apps/dev/*/*', 'deploy/dist/apps/dev/eu-west-1/book-shop', true],
    ['dist/apps/**', 'dist/apps/dev/us-east-1', false],
    ['dist/apps/**', 'dist/apps/dev', true], // ** is just two stars: one segment
    ['*', 'dist', true],
    ['*', 'dist/apps', false],
    ['/dist/*', 'dist/apps', false], // a leading '/' never matches the repo server's relative paths
    // Go negates classes with '^' only: '!' is an ordinary character.
    ['[!a]', '!', true],
    ['[!a]', 'b', false],
    // A class (even negated) may match '/', unlike '*' and '?'.
    ['a[^x]b', 'a/b', true],
    ['a[/]b', 'a/b', true],
    // Go works on bytes: '*' may stop inside a multi-byte rune, '?' then eats single bytes.
    ['*??', '☺', true],
    ['??', '☺', false],
    ['', '', true],
    ['', 'a', false],
    ['\\[x]', '[x]', true],
  ])('Match(%j, %j) = %j', (pattern, name, match) => {
    expect(run(pattern, name)).toBe(match);
  });

  test('bad patterns throw BadPatternError naming the pattern', () => {
    expect(() => pathMatch('dist/[', 'dist/x')).toThrow(BadPatternError);
    expect(() => pathMatch('dist/[', 'dist/x')).toThrow(/syntax error in pattern: "dist\/\["/);
  });

  test('errors are reported even after a mismatch (Go checks the rest of the pattern)', () => {
    expect(run('x*[', 'abc')).toBe('bad');
    expect(run('a*[', 'b')).toBe('bad');
  });
});

type GlobCase = [pattern: string, text: string, match: boolean, separators?: string[]];

describe('gobwas/glob (Argo CD util/glob)', () => {
  // A selection of gobwas/glob glob_test.go TestPatternMatch.
  const gobwasCases: GlobCase[] = [
    ['a*a*a*a*b', 'a'.repeat(100), false],
    ['a*a*a*a*b', `${'a'.repeat(100)}b`, true],
    ['{a,ab}c', 'abc', true],
    ['* ?at * eyes', 'my cat has very bright eyes', true],
    ['', '', true],
    ['', 'b', false],
    ['*ä', 'åä', true],
    ['a.*', 'a.b', true, ['.']],
    ['a.**', 'a.b.c', true, ['.']],
    ['a.?.c', 'a.b.c', true, ['.']],
    ['?at', 'fat', false, ['f']],
    ['a.*', 'a.b.c', false, ['.']],
    ['*', 'a.b.c', false, ['.']],
    ['**', 'a.b.c', true, ['.']],
    ['\\*', '*', true],
    ['[!a]*', 'this is a test3', true],
    ['{,a}', '', true],
    ['{a,ab}{bc,f}', 'abc', true],
    ['{*,**}{a,b}', 'ac', false],
    ['/{rate,[a-z][a-z][a-z]}*', '/usd', true],
    ['{*.google.*,*.yandex.*}', 'yandex.com', false, ['.']],
    ['*//{,*.}example.com', 'http://example.com.net', false],
    ['[a-z][!a-x]*cat*[h][!b]*eyes*', 'my cat has very bright eyes', true],
    ['[a-z][!a-x]*cat*[h][!b]*eyes*', 'my dog has very bright eyes', false],
    ['{{a,b},c}', 'c', true],
    ['**a*b', 'a.axb', true, ['.']],
    ['*a**b', 'x.ab', false, ['.']],
    ['*{*0,}', '1', true],
    ['{**/daxing}/x', 'a/daxing/x', true],
  ];
  // (rows padded to a fixed width: jest would pass a done callback for a missing last column)
  test.each(gobwasCases.map(([pattern, text, match, separators]): [string, string, boolean, string[]] => [pattern, text, match, separators ?? []]))(
    '%j ~ %j = %j (separators %j)',
    (pattern, text, match, separators) => {
      expect(globMatch(pattern, text, separators)).toBe(match);
    },
  );

  test.each(['{a,b', '[abc', '[a-cx]', '[c-a]', 'a\\', '[]', '[!]'])('%j does not compile', (pattern) => {
    expect(() => compileGobwasGlob(pattern)).toThrow(GlobSyntaxError);
    expect(globMatch(pattern, 'a')).toBe(false); // Argo CD: logged, matches nothing
  });

  test('AppProject destinations: no separators, so * crosses / and .', () => {
    expect(argoGlobMatch('dev-*', 'dev-us-east-1')).toBe(true);
    expect(argoGlobMatch('dev-*', 'prod-us-east-1')).toBe(false);
    expect(argoGlobMatch('team-*', 'team-a/b.c')).toBe(true);
    expect(argoGlobMatch('*', '')).toBe(true); // the literal "*" matches anything
    expect(argoGlobMatch('echo', 'echo')).toBe(true);
    expect(argoGlobMatch('echo', 'echo2')).toBe(false);
  });

  test('deny patterns (!) negate the match', () => {
    expect(argoGlobMatch('!kube-*', 'echo')).toBe(true);
    expect(argoGlobMatch('!kube-*', 'kube-system')).toBe(false);
    expect(argoGlobMatch('!kube-*', 'kube-system', false)).toBe(false); // no negation: literal '!'
  });

  test('sourceRepos: "/" is a separator, ** crosses it', () => {
    expect(argoGlobMatch('https://github.com/acme/*', 'https://github.com/acme/gitops', true, ['/'])).toBe(true);
    expect(argoGlobMatch('https://github.com/acme/*', 'https://github.com/acme/x/y', true, ['/'])).toBe(false);
    expect(argoGlobMatch('https://github.com/**', 'https://github.com/acme/x/y', true, ['/'])).toBe(true);
  });
});
