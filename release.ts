/** `npm run release`: see lib/cli/release.ts. */
import './lib/cli/fast-start';
import { exitWith } from './lib/cli/command';
import { releaseCommand } from './lib/cli/release';

exitWith(releaseCommand(process.argv.slice(2), () => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { apps } = require('./apps') as typeof import('./apps');
  const { envs, platform } = require('./envs') as typeof import('./envs');
  const { secrets } = require('./envs/secrets') as typeof import('./envs/secrets');
  return { apps, envs, platform, secrets };
}));
