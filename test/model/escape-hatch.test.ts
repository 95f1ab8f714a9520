/**
 * The escape hatch in the model: what apps/<app>.ts and envs/<env>.ts may say (`patches`, `extraObjects`), refused with
 * one error naming the field; how resolve layers them (the app's, then the env's, then the region's); and when an
 * RFC 6902 operation applies to a document (jsonPatchProblem).
 */
import * as path from 'node:path';
import {
  defineEnvironment, ExtraObject, JsonPatchOp, jsonPatchProblem, ObjectPatch, registerApps, registerEnvironments, resolve, TagPatterns,
} from '../../lib/model';
import { app, configError, platform } from '../support/fixtures';

const FIXTURES = path.resolve(__dirname, '..', 'support', 'fixtures.ts');
const deployment = (ops: unknown[], target: object = { kind: 'Deployment' }) => ({ patches: [{ target, ops }] }) as never;
const configMap = (extra: object = {}): ExtraObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra' }, data: { A: 'b' }, ...extra });

describe('apps/<app>.ts: patches and extraObjects are checked, one error naming the field', () => {
  test.each([
    ['patches is not a list', { patches: { target: { kind: 'Deployment' } } }, 'patches: must be a list of { target, ops }, got an object'],
    ['a target without a kind', { patches: [{ target: { name: 'svc' }, ops: [{ op: 'remove', path: '/spec/replicas' }] }] }, 'patches[0].target.kind: must be a non-empty string, got nothing'],
    ['a kind that is not one', deployment([{ op: 'remove', path: '/spec/replicas' }], { kind: 'deployment' }), 'patches[0].target.kind: "deployment" is not allowed; allowed: a Kubernetes kind such as "Deployment"'],
    ['a misspelt target key', deployment([{ op: 'remove', path: '/spec/replicas' }], { kind: 'Deployment', nmae: 'svc' }), 'patches[0].target.nmae: unknown key (did you mean "name"?)'],
    ['no operations', deployment([]), 'patches[0].ops: needs at least one operation'],
    ['an unknown op', deployment([{ op: 'merge', path: '/spec' }]), 'patches[0].ops[0].op: must be one of add, remove, replace, copy, move, test, got "merge"'],
    ['add without a value', deployment([{ op: 'add', path: '/spec/paused' }]), 'patches[0].ops[0].value: is required for add'],
    ['remove with a value', deployment([{ op: 'remove', path: '/spec/paused', value: true }]), 'patches[0].ops[0].value: unknown key'],
    ['move without from', deployment([{ op: 'move', path: '/spec/paused' }]), 'patches[0].ops[0].from: must be a JSON Pointer'],
    ['a path that is not a JSON Pointer', deployment([{ op: 'remove', path: 'spec/replicas' }]), 'patches[0].ops[0].path: must be a JSON Pointer such as "/spec/template/spec/priorityClassName"'],
    ['a "~" that is not ~0 or ~1', deployment([{ op: 'remove', path: '/metadata/annotations/a~b' }]), 'patches[0].ops[0].path: must be a JSON Pointer'],
    ['a rename', deployment([{ op: 'replace', path: '/metadata/name', value: 'other' }]), 'patches[0].ops[0].path: "/metadata/name" is the object\'s identity'],
    ['a move of the namespace', deployment([{ op: 'move', from: '/metadata/namespace', path: '/metadata/labels/ns' }]), 'patches[0].ops[0].from: "/metadata/namespace" is the object\'s identity'],
    ['the whole document', deployment([{ op: 'replace', path: '', value: {} }]), 'patches[0].ops[0].path: "" is the object\'s identity'],
    ['a value that is not JSON', deployment([{ op: 'add', path: '/metadata/annotations/at', value: new Date(0) }]), 'patches[0].ops[0].value: must be JSON data'],
    ['an undefined inside a value', deployment([{ op: 'add', path: '/spec/template/metadata/labels', value: { a: undefined } }]), 'patches[0].ops[0].value.a: must be JSON data (strings, finite numbers, booleans, null, lists and objects), got nothing'],
    ['extraObjects is not a list', { extraObjects: configMap() }, 'extraObjects: must be a list of manifests, got an object'],
    ['an extra object without apiVersion', { extraObjects: [{ kind: 'ConfigMap', metadata: { name: 'x' } }] }, 'extraObjects[0].apiVersion: must be a non-empty string, got nothing'],
    ['an apiVersion that is not one', { extraObjects: [configMap({ apiVersion: 'core/1' })] }, 'extraObjects[0].apiVersion: "core/1" is not allowed; allowed: an API version such as "v1"'],
    ['an extra object without a name', { extraObjects: [configMap({ metadata: { namespace: 'svc' } })] }, 'extraObjects[0].metadata.name: must be a non-empty string, got nothing'],
    ['a label that is not a string', { extraObjects: [configMap({ metadata: { name: 'x', labels: { tier: 1 } } })] }, 'extraObjects[0].metadata.labels.tier: must be a string, got number 1'],
    ['an Infinity in an extra object', { extraObjects: [configMap({ spec: { limit: Infinity } })] }, 'extraObjects[0].spec.limit: must be JSON data'],
  ])('%s', (_name, spec, message) => {
    const e = configError(() => app('svc', spec as never));
    expect(e.file).toBe(FIXTURES);
    expect(`${e.field}: ${e.reason}`).toContain(message);
  });

  test('each op takes its own keys; a test may read the identity, a copy may read it', () => {
    const ops: JsonPatchOp[] = [
      { op: 'test', path: '/metadata/name', value: 'svc' },
      { op: 'copy', from: '/metadata/name', path: '/metadata/annotations/example.com~1copied-from' },
      { op: 'add', path: '/spec/template/spec/containers/0/args/-', value: '--verbose' },
      { op: 'replace', path: '/spec/revisionHistoryLimit', value: 2 },
      { op: 'move', from: '/spec/template/metadata/annotations', path: '/metadata/annotations' },
      { op: 'remove', path: '/spec/strategy' },
    ];
    expect(app('svc', { patches: [{ target: { kind: 'Deployment', name: 'svc' }, ops }] }).patches![0].ops).toEqual(ops);
  });
});

describe('envs/<env>.ts: per-app and per-region patches and extraObjects, checked the same way', () => {
  const svc = app('svc');
  const apps = registerApps(svc);
  const env = (overrides: object) => () => defineEnvironment(apps, {
    name: 'dev', regions: { 'us-east-1': {} }, profile: { replicas: 1, resources: { cpu: '100m', memory: '128Mi' }, logLevel: 'info' },
    sync: { automated: true }, ingress: { domain: 'dev.test.io' }, tags: { allow: [TagPatterns.gitSha] }, apps: { svc: overrides },
  } as never);

  test.each([
    ['a misspelt key', { patch: [] }, 'apps.svc.patch: unknown key (did you mean "patches"?)'],
    ['a bad op in the env', deployment([{ op: 'remove', path: 'spec' }]), 'apps.svc.patches[0].ops[0].path: must be a JSON Pointer'],
    ['a bad extra object in a region', { regions: { 'us-east-1': { extraObjects: [{ apiVersion: 'v1', kind: 'ConfigMap' }] } } }, 'apps.svc.regions.us-east-1.extraObjects[0].metadata: must be an object, got nothing'],
    ['a misspelt key in a region', { regions: { 'us-east-1': { extraObject: [] } } }, 'apps.svc.regions.us-east-1.extraObject: unknown key (did you mean "extraObjects"?)'],
  ])('%s', (_name, overrides, message) => {
    const e = configError(env(overrides));
    expect(e.file).toBe(__filename);
    expect(`${e.field}: ${e.reason}`).toContain(message);
  });
});

describe('resolve(): the app\'s patches and extra objects, then the env\'s, then the region\'s', () => {
  const patch = (value: string): ObjectPatch => ({ target: { kind: 'Deployment' }, ops: [{ op: 'add', path: '/metadata/annotations/layer', value }] });
  const svc = app('svc', { patches: [patch('app')], extraObjects: [configMap({ metadata: { name: 'from-app' } })] });
  const plain = app('plain');
  const apps = registerApps(svc, plain);
  const dev = defineEnvironment(apps, {
    name: 'dev', regions: { 'us-east-1': {}, 'eu-west-1': {} }, profile: { replicas: 1, resources: { cpu: '100m', memory: '128Mi' }, logLevel: 'info' },
    sync: { automated: true }, ingress: { domain: 'dev.test.io' }, tags: { allow: [TagPatterns.gitSha] },
    apps: {
      svc: {
        patches: [patch('env'), patch('env-2')],
        regions: { 'eu-west-1': { patches: [patch('region')], extraObjects: [configMap({ metadata: { name: 'from-region' } })] } },
      },
    },
  });
  const { instances } = resolve({ platform, apps, envs: registerEnvironments(dev), releases: { svc: { dev: { tag: 'abcdef0' } }, plain: { dev: { tag: 'abcdef0' } } } });
  const of = (name: string, region: string) => instances.find((i) => i.app === name && i.region === region)!;

  test('lists concatenate in layer order, each entry with the file and field that declared it', () => {
    expect(of('svc', 'eu-west-1').patches).toEqual([
      { value: patch('app'), file: FIXTURES, field: 'patches[0]' },
      { value: patch('env'), file: __filename, field: 'apps.svc.patches[0]' },
      { value: patch('env-2'), file: __filename, field: 'apps.svc.patches[1]' },
      { value: patch('region'), file: __filename, field: 'apps.svc.regions.eu-west-1.patches[0]' },
    ]);
    expect(of('svc', 'eu-west-1').extraObjects!.map((x) => [x.value.metadata.name, x.field])).toEqual([['from-app', 'extraObjects[0]'], ['from-region', 'apps.svc.regions.eu-west-1.extraObjects[0]']]);
  });

  test('a region without its own gets the app\'s and the env\'s; an app without any has neither key', () => {
    expect(of('svc', 'us-east-1').patches!.map((p) => p.field)).toEqual(['patches[0]', 'apps.svc.patches[0]', 'apps.svc.patches[1]']);
    expect(of('svc', 'us-east-1').extraObjects!.map((x) => x.field)).toEqual(['extraObjects[0]']);
    expect('patches' in of('plain', 'us-east-1') || 'extraObjects' in of('plain', 'us-east-1')).toBe(false);
  });
});

describe('jsonPatchProblem(): why an RFC 6902 operation would not apply', () => {
  const doc = { metadata: { name: 'svc', annotations: { 'example.com/a': 'x' } }, spec: { args: ['a', 'b'], replicas: 2 } };
  const problem = (op: JsonPatchOp) => jsonPatchProblem(doc, op);

  test.each<[string, JsonPatchOp]>([
    ['add a key to an existing object', { op: 'add', path: '/spec/paused', value: true }],
    ['add over an existing key', { op: 'add', path: '/spec/replicas', value: 3 }],
    ['add at the end of a list, by index or "-"', { op: 'add', path: '/spec/args/2', value: 'c' }],
    ['append with "-"', { op: 'add', path: '/spec/args/-', value: 'c' }],
    ['remove a key with "/" in it (~1)', { op: 'remove', path: '/metadata/annotations/example.com~1a' }],
    ['replace an item of a list', { op: 'replace', path: '/spec/args/1', value: 'z' }],
    ['a test that holds (objects compare by content)', { op: 'test', path: '/metadata', value: { annotations: { 'example.com/a': 'x' }, name: 'svc' } }],
    ['copy into a new key', { op: 'copy', from: '/spec/args', path: '/spec/command' }],
    ['move the last item to the front', { op: 'move', from: '/spec/args/1', path: '/spec/args/0' }],
  ])('applies: %s', (_name, op) => {
    expect(problem(op)).toBeUndefined();
  });

  test.each<[string, JsonPatchOp, { field: string; reason: string }]>([
    ['add under a missing parent', { op: 'add', path: '/spec/template/spec/priorityClassName', value: 'high' }, { field: 'path', reason: 'add: /spec/template does not exist (add creates only the last key of its path)' }],
    ['add past the end of a list', { op: 'add', path: '/spec/args/3', value: 'c' }, { field: 'path', reason: 'add: "3" is not an index of the list at /spec/args (0 to 2, or "-" to append)' }],
    ['add under a string', { op: 'add', path: '/metadata/name/x', value: 'c' }, { field: 'path', reason: 'add: /metadata/name is neither an object nor a list' }],
    ['remove a missing key', { op: 'remove', path: '/spec/paused' }, { field: 'path', reason: 'remove: /spec/paused does not exist' }],
    ['replace a missing item', { op: 'replace', path: '/spec/args/2', value: 'c' }, { field: 'path', reason: 'replace: /spec/args/2 does not exist' }],
    ['replace "-"', { op: 'replace', path: '/spec/args/-', value: 'c' }, { field: 'path', reason: 'replace: /spec/args/- does not exist' }],
    ['a test that fails', { op: 'test', path: '/spec/replicas', value: 3 }, { field: 'path', reason: 'test: /spec/replicas is 2, not 3' }],
    ['a test of a missing path', { op: 'test', path: '/spec/paused', value: false }, { field: 'path', reason: 'test: /spec/paused does not exist' }],
    ['copy from a missing path', { op: 'copy', from: '/spec/command', path: '/spec/args2' }, { field: 'from', reason: 'copy: /spec/command does not exist' }],
    ['move into itself', { op: 'move', from: '/spec', path: '/spec/inner' }, { field: 'path', reason: 'move: /spec/inner is inside /spec, which moves' }],
    ['move to an index gone after the removal', { op: 'move', from: '/spec/args/0', path: '/spec/args/2' }, { field: 'path', reason: 'move: "2" is not an index of the list at /spec/args (0 to 1, or "-" to append)' }],
  ])('does not apply: %s', (_name, op, expected) => {
    expect(problem(op)).toEqual(expected);
  });

  test('the document is left as it was', () => {
    const before = structuredClone(doc);
    problem({ op: 'move', from: '/spec/args/0', path: '/spec/args/-' });
    expect(doc).toEqual(before);
  });
});
