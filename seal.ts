/** `npm run seal`: see lib/cli/seal.ts. */
import './lib/cli/fast-start';
import { exitWith } from './lib/cli/command';
import { sealCommand } from './lib/cli/seal';

exitWith(sealCommand(process.argv.slice(2), () => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { apps } = require('./apps') as typeof import('./apps');
  const { envs } = require('./envs') as typeof import('./envs');
  return { apps, envs };
}));
