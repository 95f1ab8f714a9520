import { parseGoTemplateOptions, renderGoTemplate, TemplateError, UnsupportedTemplateError } from '../../lib/policy/go-template';

const dir = 'deploy/dist/apps/dev/us-east-1/book-shop';
const params = {
  path: { path: dir, basename: 'book-shop', basenameNormalized: 'book-shop', segments: dir.split('/') },
  values: { tier: 'gold' },
};
const strict = { missingKey: 'error' as const };
const render = (t: string): string => renderGoTemplate(t, params, strict);

describe('renderGoTemplate: the supported subset', () => {
  test.each([
    ['plain text, no action', 'plain text, no action'],
    ['{{ .path.path }}', dir],
    ['{{.path.basename}}', 'book-shop'],
    ['{{ .path.basenameNormalized }}', 'book-shop'],
    ['{{ .values.tier }}', 'gold'],
    ['dev-{{ index .path.segments 4 }}-{{ .path.basename }}', 'dev-us-east-1-book-shop'],
    ['{{ index .path.segments 0 }}', 'deploy'],
    ['{{ get (dict "book-shop" "shop" "echo" "platform") .path.basename }}', 'shop'],
    ['{{ get (dict "echo" "platform") .path.basename }}', ''], // sprig get: missing key -> ""
    ['{{ get (dict "a" "b" "odd") "odd" }}', ''], // odd count: last key maps to ""
    ['{{ index (dict "k" "v") "k" }}', 'v'],
    ['{{ "lit" }}-{{ `raw\\n` }}', 'lit-raw\\n'],
    ['{{ "tab\\there" }}', 'tab\there'],
    ['{{ 42 }}', '42'],
    ['a  {{- .path.basename -}}  b', 'abook-shopb'],
    ['a \n\t{{- " x " }} b', 'a x  b'],
    ['{{-3}}', '-3'], // "{{-" not followed by a space is not a trim marker
    ['{{ index (index (dict "m" .path.segments) "m") 1 }}', 'dist'],
  ])('%j -> %j', (template, expected) => {
    expect(render(template)).toBe(expected);
  });

  test('missingkey=error: a missing key in a field chain throws', () => {
    expect(() => render('{{ .path.nope }}')).toThrow(TemplateError);
    expect(() => render('{{ .path.nope }}')).toThrow(/map has no entry for key "nope"/);
    expect(() => render('{{ .nope.deeper }}')).toThrow(/map has no entry for key "nope"/);
  });

  test('default missingkey: "<no value>", down the chain too', () => {
    expect(renderGoTemplate('{{ .path.nope }}', params)).toBe('<no value>');
    expect(renderGoTemplate('{{ .nope.deeper }}', params)).toBe('<no value>');
    expect(renderGoTemplate('{{ .path.nope }}', params, parseGoTemplateOptions(['missingkey=default']))).toBe('<no value>');
    expect(renderGoTemplate('{{ .path.nope }}', params, parseGoTemplateOptions([]))).toBe('<no value>');
  });

  test('index errors and field access on non-maps', () => {
    expect(() => render('{{ index .path.segments 9 }}')).toThrow(/index out of range: 9/);
    expect(() => render('{{ index .path.segments -1 }}')).toThrow(/index out of range: -1/);
    expect(() => render('{{ index .path.segments "a" }}')).toThrow(TemplateError);
    expect(() => render('{{ .path.basename.x }}')).toThrow(/can't evaluate field x in type string/);
    expect(() => render('{{ get .path.segments "a" }}')).toThrow(/expected map/);
  });

  test('parseGoTemplateOptions', () => {
    expect(parseGoTemplateOptions(['missingkey=error'])).toEqual({ missingKey: 'error' });
    expect(() => parseGoTemplateOptions(['missingkey=bogus'])).toThrow(TemplateError);
    expect(() => parseGoTemplateOptions(['something'])).toThrow(UnsupportedTemplateError);
  });
});

describe('renderGoTemplate: everything else is refused', () => {
  test.each([
    '{{ .path.basename | upper }}',
    '{{ upper .path.basename }}',
    '{{ normalize .path.basename }}',
    '{{ if .path.basename }}x{{ end }}',
    '{{ range .path.segments }}{{ . }}{{ end }}',
    '{{ with .path }}{{ .basename }}{{ end }}',
    '{{ $x := .path.basename }}',
    '{{ $.path.basename }}',
    '{{ . }}',
    '{{ .path }}', // printing a map
    '{{ .path.segments }}', // printing a list
    '{{/* comment */}}',
    '{{ template "x" }}',
    '{{ define "x" }}y{{ end }}',
    '{{ .path.basename "arg" }}',
    '{{ index }}x', // wrong number of arguments
    '{{ dict "a" "b" }}',
    '{{ true }}',
    '{{ 1.5 }}',
    '{{ 0x10 }}',
    '{{ }}',
    'unclosed {{ .path.basename',
  ])('%j', (template) => {
    expect(() => render(template)).toThrow(TemplateError);
  });

  test('refusals say "unsupported template action"', () => {
    expect(() => render('{{ .path.basename | lower }}')).toThrow(UnsupportedTemplateError);
    expect(() => render('{{ .path.basename | lower }}')).toThrow(/^unsupported template action: /);
    expect(() => render('{{ if .x }}{{ end }}')).toThrow(/unsupported template action: .*"if" is not supported/);
    expect(() => render('{{ slugify .path.basename }}')).toThrow(/function "slugify" is not supported/);
  });

  test('a refused action fails the whole string even when other actions are fine', () => {
    expect(() => render('{{ .path.basename }}-{{ .path.basename | upper }}')).toThrow(UnsupportedTemplateError);
  });
});

test('a dict of literals is built once and shared; a dict with fields is built per data', () => {
  const lookup = '{{ get (dict "a" "team-a" "b" "team-b") .path.basename }}';
  expect(renderGoTemplate(lookup, { path: { basename: 'a' } })).toBe('team-a');
  expect(renderGoTemplate(lookup, { path: { basename: 'b' } })).toBe('team-b');
  expect(renderGoTemplate(lookup, { path: { basename: 'c' } })).toBe('');
  const fromData = '{{ get (dict "k" .v) "k" }}';
  expect(renderGoTemplate(fromData, { v: 'one' })).toBe('one');
  expect(renderGoTemplate(fromData, { v: 'two' })).toBe('two');
});
