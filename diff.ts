/**
 * `npm run diff [-- --env E] [--app A] [--against REF] [--format text|markdown|json]`: what a fresh synth
 * changes in dist/, object by object (see lib/cli/diff.ts).
 */
import './lib/cli/fast-start';
import { CommandIo, exitWith } from './lib/cli/command';
import { diffCommand } from './lib/cli/diff';

/** Loads the repository's inputs: required here, not imported at the top, so a bad app or env file is reported as one line. */
const load = () => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { apps } = require('./apps') as typeof import('./apps');
  const { addons, envs, platform } = require('./envs') as typeof import('./envs');
  const { releases } = require('./envs/releases') as typeof import('./envs/releases');
  const { secrets } = require('./envs/secrets') as typeof import('./envs/secrets');
  return { addons, apps, envs, platform, releases, secrets };
};

/** The command with its own streams: tests call it in-process; the process runs it when this file is the entry point. */
export function main(argv: readonly string[], io: CommandIo = {}): Promise<number> {
  return diffCommand(argv, load, io.out, io.err);
}

if (require.main === module) exitWith(main(process.argv.slice(2)));
