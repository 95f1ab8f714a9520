/** `npm run seal`: see lib/cli/seal.ts. */
import './lib/cli/fast-start';
import { CommandIo, exitWith } from './lib/cli/command';
import { sealCommand } from './lib/cli/seal';

/** Loads the repository's inputs: required here, not imported at the top, so a bad app or env file is reported as one line. */
const load = () => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { apps } = require('./apps') as typeof import('./apps');
  const { addons, envs, platform } = require('./envs') as typeof import('./envs');
  // Only --commit re-synthesizes dist/ and needs the releases.
  const synthInput = () => ({ addons, apps, envs, platform, releases: (require('./envs/releases') as typeof import('./envs/releases')).releases });
  return { apps, envs, synthInput };
};

/** The command with its own streams: tests call it in-process; the process runs it when this file is the entry point. */
export function main(argv: readonly string[], io: CommandIo = {}): Promise<number> {
  return sealCommand(argv, load, io);
}

if (require.main === module) exitWith(main(process.argv.slice(2)));
