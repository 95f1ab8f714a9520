/** `npm run new-app`: see lib/cli/new-app.ts. */
import './lib/cli/fast-start';
import { CommandIo, exitWith } from './lib/cli/command';
import { newAppCommand } from './lib/cli/new-app';

/** Loads the repository's inputs (after new-app has written the new files). */
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
  return newAppCommand(argv, load as never, io);
}

if (require.main === module) exitWith(main(process.argv.slice(2)));
