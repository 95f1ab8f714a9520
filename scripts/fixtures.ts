/**
 * `npm run fixtures [-- --check]`: synthesizes the frozen example repository (test/fixtures/example)
 * into its own dist/, the golden output test/synth/golden.test.ts compares with. Run it after an
 * intended output change and review the diff; `--check` only compares.
 */
import * as path from 'node:path';
import '../lib/cli/fast-start';
import { exitWith } from '../lib/cli/command';
import { synthCommand } from '../lib/cli/synth';

const FIXTURE = path.join('test', 'fixtures', 'example');

process.chdir(path.resolve(__dirname, '..'));
exitWith(synthCommand(['--outdir', path.join(FIXTURE, 'dist'), ...process.argv.slice(2)], () => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const root = path.resolve(FIXTURE);
  const { apps } = require(path.join(root, 'apps'));
  const { addons, envs, platform } = require(path.join(root, 'envs'));
  const { releases } = require(path.join(root, 'envs', 'releases'));
  const { secrets } = require(path.join(root, 'envs', 'secrets'));
  return { addons, apps, envs, platform, releases, secrets };
}));
