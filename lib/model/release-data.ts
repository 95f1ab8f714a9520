import { Checker } from './check';
import { checkReleases, RegistryCheck } from './release-check';
import type { ResolveInput } from './resolve';
import { checkSecrets } from './secrets';

/**
 * The checks of envs/releases.ts and envs/secrets.ts against the registries, both run: every mistake of the two
 * files is reported in one run (ConfigErrors).
 */
export function checkReleaseData(input: Pick<ResolveInput, 'apps' | 'envs' | 'releases' | 'releasesFile' | 'secrets' | 'secretsFile'>, opts: RegistryCheck = {}): void {
  const c = new Checker(undefined);
  c.part(() => checkReleases(input.releases, input.apps, input.envs, input.releasesFile ?? 'envs/releases.ts', opts));
  c.part(() => checkSecrets(input.secrets ?? {}, input.apps, input.envs, input.secretsFile ?? 'envs/secrets.ts', opts));
  c.done();
}
