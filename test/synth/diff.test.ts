import { diffTrees, groupOf } from '../../lib/synth/diff';

const cm = (name: string, data: string, ns = 'echo') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ndata:\n  k: ${data}\n`;
const deploy = (replicas: number) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: echo\n  namespace: echo\nspec:\n  replicas: ${replicas}\n`;

test('objects are matched by group/kind/namespace/name within a file: added, removed, changed with a patch', () => {
  const file = 'apps/prod/us-east-1/echo/echo.yaml';
  const before = new Map([[file, [deploy(3), cm('a', 'x'), cm('b', 'x')].join('---\n')]]);
  const after = new Map([[file, [deploy(4), cm('a', 'x'), cm('c', 'x')].join('---\n')]]);
  const [g, ...rest] = diffTrees(before, after);
  expect(rest).toEqual([]);
  expect(g).toMatchObject({ env: 'prod', region: 'us-east-1', app: 'echo', controlPlane: false, label: 'prod/us-east-1/echo' });
  expect(g.added.map((o) => o.name)).toEqual(['c']);
  expect(g.removed.map((o) => o.name)).toEqual(['b']);
  expect(g.changed).toHaveLength(1);
  expect(g.changed[0]).toMatchObject({ group: 'apps', kind: 'Deployment', namespace: 'echo', name: 'echo' });
  expect(g.changed[0].patch).toMatch(/^-  replicas: 3$/m);
  expect(g.changed[0].patch).toMatch(/^\+  replicas: 4$/m);
});

test('identical trees: no groups; a new or deleted file: all its objects added or removed', () => {
  const t = new Map([['apps/dev/us-east-1/echo/echo.yaml', deploy(1)]]);
  expect(diffTrees(t, new Map(t))).toEqual([]);
  const [added] = diffTrees(new Map(), t);
  expect(added.added.map((o) => `${o.kind} ${o.name}`)).toEqual(['Deployment echo']);
  const [removed] = diffTrees(t, new Map());
  expect(removed.removed).toHaveLength(1);
});

test('groups: control-plane files under their env when the path says, else "control plane"; prod first, the platform last; --env/--app filter', () => {
  expect(groupOf('argocd/vclusters/prod-us-east-1.yaml')).toMatchObject({ env: 'prod', region: 'us-east-1', controlPlane: true, label: 'prod/us-east-1 (control plane)' });
  expect(groupOf('argocd/projects/dev.yaml')).toMatchObject({ env: 'dev', label: 'dev (control plane)' });
  expect(groupOf('argocd/root.yaml')).toEqual({ controlPlane: true, label: 'control plane' });
  expect(groupOf('crossplane/hub/platform.yaml').label).toBe('control plane');
  expect(groupOf('databases/prod/eu-west-1/shop.yaml')).toMatchObject({ env: 'prod', app: 'shop', controlPlane: true });
  const files = ['apps/dev/us-east-1/echo/echo.yaml', 'apps/prod/us-east-1/echo/echo.yaml', 'argocd/root.yaml', 'apps/staging/us-east-1/shop/shop.yaml'];
  const before = new Map(files.map((f) => [f, cm('x', '1')]));
  const after = new Map(files.map((f) => [f, cm('x', '2')]));
  expect(diffTrees(before, after).map((g) => g.label)).toEqual(['prod/us-east-1/echo', 'dev/us-east-1/echo', 'staging/us-east-1/shop', 'control plane']);
  expect(diffTrees(before, after, { env: 'dev' }).map((g) => g.label)).toEqual(['dev/us-east-1/echo']);
  expect(diffTrees(before, after, { app: 'echo' }).map((g) => g.label)).toEqual(['prod/us-east-1/echo', 'dev/us-east-1/echo']);
});
