import {
  addonFile, appsetFile, directoriesOf, envInstancesPattern, inDist, inRepo, instanceDir, instanceFile, instanceOf, isDistTree, parseDistPath,
  NOTIFICATIONS_FILE, parseInstanceDir, projectFile, README_FILE, regionSegment, repoDirectories, ROOT_FILE, vclusterFile, vclusterHostAppFile, vclusterHostFile,
} from '../../lib/model';

/** lib/model/layout.ts: the one home of dist/ paths, written and read back. */
describe('dist/ layout', () => {
  test('writes the paths of the output contract (DESIGN.md section 4)', () => {
    expect(instanceFile('dev', 'us-east-1', 'echo')).toBe('apps/dev/us-east-1/echo/echo.yaml');
    expect(instanceDir('dev', 'us-east-1', 'echo')).toBe('apps/dev/us-east-1/echo');
    expect(projectFile('prod')).toBe('argocd/projects/prod.yaml');
    expect(appsetFile('prod')).toBe('argocd/appsets/prod/services.yaml');
    expect(vclusterFile('staging', 'eu-west-1')).toBe('argocd/vclusters/staging-eu-west-1.yaml');
    expect(vclusterHostFile('prod', 'eu-west-1', 'registration')).toBe('vcluster-host/prod-eu-west-1/registration.yaml');
    expect(vclusterHostFile('prod', 'eu-west-1', 'networkPolicies')).toBe('vcluster-host/prod-eu-west-1/network-policies.yaml');
    expect(vclusterHostAppFile('prod', 'eu-west-1', 'monitoring', 'book-shop')).toBe('vcluster-host/prod-eu-west-1/monitoring-book-shop.yaml');
    // Per-app files sit directly in the directory (Argo CD directory sources are not recursive).
    expect(vclusterHostAppFile('prod', 'eu-west-1', 'route', 'book-shop')).toBe('vcluster-host/prod-eu-west-1/route-book-shop.yaml');
    expect(addonFile('hub', 'traefik')).toBe('argocd/addons/hub/traefik.yaml');
    expect(ROOT_FILE).toBe('argocd/root.yaml');
    expect(NOTIFICATIONS_FILE).toBe('argocd/notifications.yaml');
    expect(README_FILE).toBe('README.md');
    expect(envInstancesPattern('dev')).toBe('apps/dev/*/*');
  });

  test.each([
    ['dev', 'us-east-1', 'echo'],
    ['prod_2', 'eu-west-1', 'book-shop'],
    ['Staging', 'ap-south-1', 'a'],
  ])('round trip: what it writes for %s/%s/%s parses back to the same env, region and app', (env, region, app) => {
    expect(parseDistPath(instanceFile(env, region, app))).toEqual({ kind: 'instance', env, region, app, file: `${app}.yaml` });
    expect(parseInstanceDir(instanceDir(env, region, app))).toEqual({ env, region, app });
    expect(instanceOf(instanceFile(env, region, app))).toEqual({ env, region, app });
    expect(parseDistPath(projectFile(env))).toEqual({ kind: 'project', env });
    expect(parseDistPath(appsetFile(env))).toEqual({ kind: 'appset', env });
    // Env names hold no "-" (letters, digits, "_"), so the cluster name splits at its first "-".
    expect(parseDistPath(vclusterFile(env, region))).toEqual({ kind: 'vcluster', env, region });
    expect(parseDistPath(vclusterHostFile(env, region, 'registration'))).toEqual({ kind: 'vcluster-host', env, region, part: 'registration' });
    expect(parseDistPath(vclusterHostFile(env, region, 'networkPolicies'))).toEqual({ kind: 'vcluster-host', env, region, part: 'networkPolicies' });
    expect(parseDistPath(vclusterHostAppFile(env, region, 'monitoring', app))).toEqual({ kind: 'vcluster-host', env, region, part: 'monitoring', app });
    expect(parseDistPath(vclusterHostAppFile(env, region, 'route', app))).toEqual({ kind: 'vcluster-host', env, region, part: 'route', app });
    expect(parseDistPath(addonFile(`${env}-${region}`, 'sealed-secrets'))).toEqual({ kind: 'addon', cluster: `${env}-${region}`, addon: 'sealed-secrets' });
    expect(parseDistPath(ROOT_FILE)).toEqual({ kind: 'root' });
    expect(parseDistPath(NOTIFICATIONS_FILE)).toEqual({ kind: 'notifications' });
    expect(parseDistPath(README_FILE)).toEqual({ kind: 'readme' });
  });

  test('any file directly in an instance directory belongs to the instance; nothing else is one', () => {
    expect(instanceOf('apps/dev/us-east-1/echo/service-account.yaml')).toEqual({ env: 'dev', region: 'us-east-1', app: 'echo' });
    for (const p of ['apps/dev/us-east-1/x.yaml', 'apps/dev/us-east-1/echo/sub/x.yaml', 'apps//us-east-1/echo/echo.yaml', 'dist/apps/dev/us-east-1/echo/echo.yaml', 'argocd/apps/dev/r/a/a.yaml']) {
      expect([p, instanceOf(p)]).toEqual([p, undefined]);
    }
    for (const p of ['argocd/appsets/dev/other.yaml', 'argocd/projects/dev/x.yaml', 'argocd/vclusters/nodash.yaml', 'argocd/addons/hub.yaml', 'argocd/addons/hub/x/y.yaml', 'argocd/root.yml', 'vcluster-host/prod-eu-west-1/other.yaml', 'vcluster-host/prod-eu-west-1/monitoring-.yaml', 'vcluster-host/prod-eu-west-1/monitoring.yaml', 'vcluster-host/prod-eu-west-1/x/monitoring-a.yaml', 'readme.md', 'x/README.md', '']) {
      expect([p, parseDistPath(p)]).toEqual([p, undefined]);
    }
    expect(parseInstanceDir('apps/dev/us-east-1')).toBeUndefined();
    expect(parseInstanceDir('apps/dev/us-east-1/echo/x')).toBeUndefined();
  });

  test('a tree is a dist/ tree when it holds an env ApplicationSet where synth writes it', () => {
    expect(isDistTree(['README.md', 'argocd/root.yaml', 'argocd/appsets/dev/services.yaml', 'apps/dev/us-east-1/echo/echo.yaml'])).toBe(true);
    expect(isDistTree(['argocd/appsets/dev/services.yaml'])).toBe(true); // a new platform, nothing released yet
    expect(isDistTree(['apps/dev/us-east-1/echo/echo.yaml', 'argocd/projects/dev.yaml'])).toBe(false);
    expect(isDistTree(['templates/deployment.yaml', 'argocd/appset.yaml'])).toBe(false);
  });

  test('dist/ inside the repository', () => {
    expect(inRepo('dist', 'apps/dev')).toBe('dist/apps/dev');
    expect(inRepo('deploy/dist', '')).toBe('deploy/dist');
    expect(inDist('deploy/dist', 'deploy/dist/apps/dev')).toBe('apps/dev');
    expect(inDist('deploy/dist', 'deploy/dist')).toBe('');
    expect(inDist('dist', 'distx/apps')).toBeUndefined();
    // <distPath>/apps/<env>/<region>/<app>: the region's index in .path.segments
    expect(regionSegment('dist')).toBe(3);
    expect(regionSegment('deploy/dist')).toBe(4);
    expect('deploy/dist/apps/dev/us-east-1/echo'.split('/')[regionSegment('deploy/dist')]).toBe('us-east-1');
  });

  test('the repository directories of a set of dist/ files: dist/ and its ancestors, every directory holding a file', () => {
    const dirs = directoriesOf(['README.md', 'argocd/root.yaml', 'apps/dev/us-east-1/echo/echo.yaml']);
    expect(dirs).toEqual(['apps', 'apps/dev', 'apps/dev/us-east-1', 'apps/dev/us-east-1/echo', 'argocd']);
    expect(repoDirectories('deploy/dist', dirs)).toEqual([
      'deploy', 'deploy/dist', 'deploy/dist/apps', 'deploy/dist/apps/dev', 'deploy/dist/apps/dev/us-east-1', 'deploy/dist/apps/dev/us-east-1/echo', 'deploy/dist/argocd',
    ]);
  });
});
