/** `npm run release`: see lib/cli/release.ts. */
import './lib/cli/fast-start';
import { CommandIo, exitWith } from './lib/cli/command';
import { releaseCommand } from './lib/cli/release';

/** Loads the repository's inputs: required here, not imported at the top, so a bad app or env file is reported as one line. */
const load = () => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { apps } = require('./apps') as typeof import('./apps');
  const { addons, envs, platform } = require('./envs') as typeof import('./envs');
  const { secrets } = require('./envs/secrets') as typeof import('./envs/secrets');
  return { addons, apps, envs, platform, secrets };
};

/** The command with its own streams: tests call it in-process; the process runs it when this file is the entry point. */
export function main(argv: readonly string[], io: CommandIo = {}): Promise<number> {
  return releaseCommand(argv, load, io);
}

if (require.main === module) exitWith(main(process.argv.slice(2)));
