import { EnvironmentRegistry, ResolveResult } from '../model';

/** dist/README.md: the app x env x region matrix (image, replicas, sync), generated. */
export function renderMatrix(resolved: ResolveResult, envs: EnvironmentRegistry): string {
  const columns: { env: string; region: string }[] = [];
  for (const env of Object.values(envs)) for (const region of env.regionNames) columns.push({ env: env.name, region });
  const apps = [...new Set([...resolved.instances.map((i) => i.app), ...resolved.notReleased.map((n) => n.app)])].sort();
  const byKey = new Map(resolved.instances.map((i) => [`${i.app}/${i.env}/${i.region}`, i]));

  const lines: string[] = [
    '# dist/: generated, do not edit',
    '',
    'Synthesized by `npm run synth` from `apps/`, `envs/` and `envs/releases.ts`. Argo CD deploys these files;',
    'change the TypeScript and re-run synth instead of editing them.',
    '',
    'Each cell: image tag (digest prefix), replicas (`min-max` when autoscaled), sync (auto = automated, manual = press SYNC).',
    '',
    `| app | ${columns.map((c) => `${c.env} / ${c.region}`).join(' | ')} |`,
    `| --- | ${columns.map(() => '---').join(' | ')} |`,
  ];
  for (const app of apps) {
    const cells = columns.map(({ env, region }) => {
      const i = byKey.get(`${app}/${env}/${region}`);
      if (!i) return 'not released';
      const digest = i.image.digest ? ` (${i.image.digest.slice(0, 19)})` : '';
      const replicas = i.autoscaling ? `${i.autoscaling.minReplicas}-${i.autoscaling.maxReplicas}` : String(i.replicas);
      return `\`${i.image.tag}\`${digest}, ${replicas}, ${i.sync.automated ? 'auto' : 'manual'}`;
    });
    lines.push(`| ${app} | ${cells.join(' | ')} |`);
  }
  lines.push('');
  return lines.join('\n');
}
